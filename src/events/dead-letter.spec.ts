import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildDeadLetter, cutToEncodedBytes, minimalDeadLetter, type DeadLetterSource } from './dead-letter.js';

const error = { code: 'MALFORMED_JSON' as const, message: 'bad', details: [] };
const limits = { maxPayloadBytes: 65536, maxKeyBytes: 1024 };
const record = (value: Buffer | string | null, key: Buffer | string | null = 'acc-1'): DeadLetterSource => ({
  topic: 't',
  partition: 2,
  offset: '17',
  key: typeof key === 'string' ? Buffer.from(key) : key,
  value: typeof value === 'string' ? Buffer.from(value) : value,
});
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const jsonBytes = (s: string | null) => Buffer.byteLength(JSON.stringify(s));

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const schemaFile = fileURLToPath(new URL('../../schemas/dead-letter.v1.schema.json', import.meta.url));
const matchesSchema = addFormats(new Ajv2020({ allErrors: true, strict: false })).compile(
  JSON.parse(readFileSync(schemaFile, 'utf8')) as object,
);

describe('dead letters', () => {
  it('agree with schemas/dead-letter.v1.schema.json in every shape', () => {
    const shapes = [
      buildDeadLetter(record('{"eventId": '), error, limits),
      buildDeadLetter(
        record(Buffer.alloc(100_000, 0xff), Buffer.alloc(3000, 0xfe)),
        { code: 'PROCESSING_FAILED', message: 'TypeError', details: [] },
        limits,
      ),
      buildDeadLetter(record(null, null), error, limits),
      minimalDeadLetter(record('x'.repeat(100), 'k'.repeat(3000)), { code: 'EVENT_ID_CONFLICT', message: 'm', details: [] }, 'refused'),
    ];
    for (const letter of shapes) expect([matchesSchema(JSON.parse(JSON.stringify(letter))), matchesSchema.errors]).toEqual([true, null]);
  });

  it('keeps malformed JSON as utf8 text, whole, with its size and digest', () => {
    const letter = buildDeadLetter(record('{"eventId": '), error, limits);
    expect(letter).toMatchObject({
      payload: '{"eventId": ',
      payloadEncoding: 'utf8',
      payloadTruncated: false,
      payloadBytes: 12,
      payloadSha256: sha(Buffer.from('{"eventId": ')),
    });
    expect(letter.source).toEqual({ topic: 't', partition: 2, offset: '17', key: 'acc-1', keyEncoding: 'utf8', keyTruncated: false });
  });

  it('keeps bytes that are not UTF-8 as base64', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    expect(buildDeadLetter(record(bytes), error, limits)).toMatchObject({
      payloadEncoding: 'base64',
      payload: bytes.toString('base64'),
      payloadTruncated: false,
    });
  });

  it('cuts control characters by their escaped size: the letter stays within the limit', () => {
    const value = Buffer.alloc(60000, 0x01); // each escapes to \u0001, six bytes
    const letter = buildDeadLetter(record(value), error, limits);
    expect(letter.payloadTruncated).toBe(true);
    expect(letter.payloadBytes).toBe(60000);
    expect(letter.payloadSha256).toBe(sha(value));
    expect(jsonBytes(letter.payload)).toBeLessThanOrEqual(65536 + 2);
    expect(letter.payload!.length).toBe(Math.floor(65536 / 6));
  });

  it('cuts base64 to the limit', () => {
    const value = Buffer.alloc(200_000, 0xff);
    const letter = buildDeadLetter(record(value), error, limits);
    expect(letter).toMatchObject({ payloadEncoding: 'base64', payloadTruncated: true, payloadBytes: 200_000 });
    expect(letter.payload!.length).toBeLessThanOrEqual(65536);
    expect(Buffer.from(letter.payload!, 'base64').equals(value.subarray(0, Buffer.from(letter.payload!, 'base64').length))).toBe(true);
  });

  it('never splits a character, and counts quotes, backslashes and astral characters right', () => {
    expect(cutToEncodedBytes('ab😀c', 5)).toEqual({ text: 'ab', cut: true });
    expect(cutToEncodedBytes('ab😀c', 6)).toEqual({ text: 'ab😀', cut: true });
    expect(cutToEncodedBytes('"\\', 4)).toEqual({ text: '"\\', cut: false });
    expect(cutToEncodedBytes('"\\', 3)).toEqual({ text: '"', cut: true });
    for (const text of ['\u0000\n\t"\\é€😀\u2028x', 'a'.repeat(10)]) {
      for (let limit = 0; limit < 40; limit++) {
        const { text: kept } = cutToEncodedBytes(text, limit);
        expect(jsonBytes(kept) - 2).toBeLessThanOrEqual(limit);
      }
    }
  });

  it('cuts a long key, keeping its size and digest', () => {
    const key = Buffer.from('k'.repeat(5000));
    const letter = buildDeadLetter(record('x', key), error, limits);
    expect(letter.source).toMatchObject({ key: 'k'.repeat(1024), keyTruncated: true, keyBytes: 5000, keySha256: sha(key) });
    const binary = buildDeadLetter(record('x', Buffer.from([0xff, 0x01])), error, limits);
    expect(binary.source).toMatchObject({ key: Buffer.from([0xff, 0x01]).toString('base64'), keyEncoding: 'base64', keyTruncated: false });
  });

  it('bounds the error text and the number of field errors', () => {
    const many = {
      code: 'VALIDATION_ERROR' as const,
      message: 'm'.repeat(5000),
      details: Array.from({ length: 10000 }, (_, i) => ({
        field: `amount.${i}`,
        code: 'PARAMETER_INVALID' as const,
        message: 'x'.repeat(1000),
      })),
    };
    const letter = buildDeadLetter(record('x'), many, limits);
    expect(letter.error.details).toHaveLength(20);
    expect(letter.error.message).toContain('9980 more field errors not listed');
    expect(Buffer.byteLength(JSON.stringify(letter))).toBeLessThan(20_000);
  });

  it('a minimal letter has no payload but says what it was', () => {
    const value = Buffer.alloc(60000, 0x01);
    const letter = minimalDeadLetter(record(value, 'k'.repeat(2000)), error, 'refused');
    expect(letter).toMatchObject({
      payload: null,
      payloadTruncated: true,
      payloadBytes: 60000,
      payloadSha256: sha(value),
      error: { code: 'MALFORMED_JSON', message: 'bad [refused]' },
    });
    expect(letter.source).toMatchObject({ keyTruncated: true, keyBytes: 2000 });
    expect(Buffer.byteLength(JSON.stringify(letter))).toBeLessThan(1024);
  });

  it('a tombstone has no payload and no digest', () => {
    expect(buildDeadLetter(record(null, null), error, limits)).toMatchObject({
      payload: null,
      payloadTruncated: false,
      payloadBytes: 0,
      payloadSha256: null,
      source: { key: null },
    });
  });
});
