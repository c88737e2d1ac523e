import { describe, expect, it } from '@jest/globals';
import { decodeRecord } from './record-decoder.js';

const valid = { eventId: 'e1', type: 'login', occurredAt: '2026-11-21T10:00:00Z', accountId: 'a1', phoneNumber: '+491701234567' };

describe('decodeRecord', () => {
  it('decodes a valid event', () => {
    const r = decodeRecord(Buffer.from(JSON.stringify(valid)), 65536);
    expect(r).toEqual({ ok: true, event: valid });
  });

  it('keeps malformed JSON as utf8 text', () => {
    const r = decodeRecord(Buffer.from('{"eventId": '), 65536);
    expect(r).toMatchObject({ ok: false, error: { code: 'MALFORMED_JSON' }, payload: '{"eventId": ', payloadEncoding: 'utf8' });
  });

  it('keeps bytes that are not UTF-8 as base64', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    const r = decodeRecord(bytes, 65536);
    expect(r).toMatchObject({ ok: false, error: { code: 'MALFORMED_JSON' }, payloadEncoding: 'base64', payload: bytes.toString('base64') });
  });

  it('rejects payloads over the limit before parsing', () => {
    const big = Buffer.from(JSON.stringify({ ...valid, pad: 'x'.repeat(2000) }));
    const r = decodeRecord(big, 1024);
    expect(r).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(r.ok === false && r.payload?.length).toBe(big.length);
  });

  it('classifies unknown types and invalid fields', () => {
    expect(decodeRecord(Buffer.from(JSON.stringify({ ...valid, type: 'refund' })), 65536)).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_EVENT_TYPE' } });
    const r = decodeRecord(Buffer.from(JSON.stringify({ ...valid, phoneNumber: '12' })), 65536);
    expect(r).toMatchObject({ ok: false, eventType: 'login', error: { code: 'VALIDATION_ERROR', details: [{ field: 'phoneNumber', code: 'INVALID_PHONENUMBER_FORMAT' }] } });
  });

  it('treats a tombstone as malformed', () => {
    expect(decodeRecord(null, 65536)).toMatchObject({ ok: false, error: { code: 'MALFORMED_JSON' }, payload: null });
  });
});
