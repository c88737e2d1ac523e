import { describe, expect, it } from '@jest/globals';
import { decodeRecord, type DecodeLimits } from './record-decoder.js';

const valid = { eventId: 'e1', type: 'login', occurredAt: '2026-11-21T10:00:00Z', accountId: 'a1', phoneNumber: '+491701234567' };
const tx = { ...valid, eventId: 't1', type: 'transaction', amount: { value: '10.00', currency: 'EUR' } };
const limits: DecodeLimits = { maxPayloadBytes: 65536, maxKeyBytes: 1024, maxJsonDepth: 32 };
const decode = (value: Buffer | string | null, key: Buffer | string | null = null, l: DecodeLimits = limits) =>
  decodeRecord({ key: typeof key === 'string' ? Buffer.from(key) : key, value: typeof value === 'string' ? Buffer.from(value) : value }, l);

describe('decodeRecord', () => {
  it('decodes a valid event', () => {
    expect(decode(JSON.stringify(valid))).toEqual({ ok: true, event: valid });
  });

  it('rejects malformed JSON', () => {
    expect(decode('{"eventId": ')).toMatchObject({ ok: false, error: { code: 'MALFORMED_JSON' } });
  });

  it('never echoes digits of a phone number that JSON.parse quotes in its error', () => {
    const decoded = decode('{"eventId":"e1","phoneNumber": +491701234567}');
    expect(decoded).toMatchObject({ ok: false, error: { code: 'MALFORMED_JSON' } });
    expect(JSON.stringify(decoded)).not.toMatch(/1701234|4917012/);
  });

  it('rejects bytes that are not UTF-8', () => {
    expect(decode(Buffer.from([0xff, 0xfe, 0x00, 0x41]))).toMatchObject({
      ok: false,
      error: { code: 'MALFORMED_JSON', message: 'Payload is not valid UTF-8' },
    });
    // an overlong encoding and a lone surrogate encoded in UTF-8 are not UTF-8 either
    expect(decode(Buffer.from([0x7b, 0xc0, 0xaf, 0x7d]))).toMatchObject({ ok: false, error: { code: 'MALFORMED_JSON' } });
    expect(decode(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]))).toMatchObject({ ok: false, error: { code: 'MALFORMED_JSON' } });
  });

  it('rejects payloads over the limit before parsing', () => {
    const big = Buffer.from(JSON.stringify({ ...valid, pad: 'x'.repeat(2000) }));
    expect(decode(big, null, { ...limits, maxPayloadBytes: 1024 })).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('classifies unknown types and invalid fields', () => {
    expect(decode(JSON.stringify({ ...valid, type: 'refund' }))).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_EVENT_TYPE' } });
    const r = decode(JSON.stringify({ ...valid, phoneNumber: '12' }));
    expect(r).toMatchObject({
      ok: false,
      eventType: 'login',
      error: { code: 'VALIDATION_ERROR', details: [{ field: 'phoneNumber', code: 'INVALID_PHONENUMBER_FORMAT' }] },
    });
  });

  it('treats a tombstone as malformed', () => {
    expect(decode(null)).toMatchObject({ ok: false, error: { code: 'MALFORMED_JSON', message: 'Record has no value (tombstone)' } });
  });

  it('rejects nesting deeper than the limit without recursing into it', () => {
    // 3,000 levels overflowed the stack in class-transformer before the depth bound
    for (const poison of ['['.repeat(3000) + ']'.repeat(3000), `{"type":"login","a":${'['.repeat(10000)}`, '{"a":'.repeat(5000)]) {
      expect(decode(poison)).toMatchObject({
        ok: false,
        error: { code: 'MALFORMED_JSON', message: 'Payload nests arrays or objects deeper than 32 levels' },
      });
    }
    const atLimit = { ...valid, extra: JSON.parse('['.repeat(31) + ']'.repeat(31)) as unknown };
    expect(decode(JSON.stringify(atLimit))).toMatchObject({ ok: true });
  });

  it('rejects a byte order mark with its own message', () => {
    expect(decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(valid))]))).toMatchObject({
      ok: false,
      error: { code: 'MALFORMED_JSON', message: expect.stringContaining('byte order mark') },
    });
  });

  it('rejects a key over the limit, and accepts a binary key within it', () => {
    expect(decode(JSON.stringify(valid), 'k'.repeat(1025))).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('key of 1025 bytes') },
    });
    expect(decode(JSON.stringify(valid), Buffer.from([0xff, 0x00, 0xfe]))).toMatchObject({ ok: true });
  });

  it('codes numbers that overflow or lose precision as field errors', () => {
    for (const value of ['1e400', '-1e400', '123456789012345678901234567890', '1' + '0'.repeat(400), '1e15']) {
      const text = JSON.stringify(tx).replace('"10.00"', value);
      expect(decode(text)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_ERROR', details: [{ field: 'amount.value', code: 'PARAMETER_INVALID' }] },
      });
    }
  });

  it('is not fooled by prototype keys', () => {
    const text = `{"__proto__":{"eventId":"x"},"constructor":{"prototype":{"y":1}},"type":"login"}`;
    expect(decode(text)).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } });
  });

  it('never throws, whatever the bytes', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = [
      '{',
      '}',
      '[',
      ']',
      '"',
      '\\',
      ':',
      ',',
      '1',
      'e',
      '-',
      '.',
      'true',
      'null',
      '"type"',
      '"login"',
      '"transaction"',
      '"amount"',
      '"__proto__"',
      '\u0000',
      '\uFEFF',
      'é',
    ];
    for (let i = 0; i < 3000; i++) {
      const bytes =
        i % 3 === 0
          ? Buffer.from(Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256)))
          : Buffer.from(
              Array.from({ length: Math.floor(random() * 120) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
            );
      expect(() => decode(bytes, bytes)).not.toThrow();
    }
  });
});
