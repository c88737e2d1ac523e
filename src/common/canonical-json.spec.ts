import { describe, expect, it } from '@jest/globals';
import { canonicalJson, sha256Hex } from './canonical-json.js';

/** The first version, kept as the reference: fingerprints made by it sit in shared decision stores. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => reference(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

describe('canonicalJson', () => {
  const documents: unknown[] = [
    { b: 1, a: 'x', c: { z: [3, { y: null, x: undefined }, 'é"\\'], a: true } },
    { Z: 1, a: 2, _: 3, '': 4, ä: 5, 'ü\u0000': 6, '10': 7, '9': 8, B: undefined },
    [undefined, null, 0, -0.5, 1e21, 'a\nb', [], {}],
    { eventId: 'evt-1', type: 'transaction', amount: { value: 12.5, currency: 'EUR' }, phoneNumber: '+491701234567' },
    { only: undefined },
    'text',
    42,
    null,
  ];

  it.each(documents.map((d) => [JSON.stringify(d) ?? String(d), d]))('prints what the reference prints: %s', (_name, document) => {
    expect(canonicalJson(document)).toBe(reference(document));
  });

  it('is independent of key order at every level', () => {
    expect(canonicalJson({ a: 1, b: { d: 2, c: [{ f: 1, e: 2 }] } })).toBe(canonicalJson({ b: { c: [{ e: 2, f: 1 }], d: 2 }, a: 1 }));
  });

  it('keeps the fingerprint of a known event (a stored contract)', () => {
    const event = {
      type: 'login',
      eventId: 'evt-42',
      accountId: 'acc-7',
      phoneNumber: '+491701234567',
      occurredAt: '2026-11-30T10:00:00Z',
    };
    expect(canonicalJson(event)).toBe(
      '{"accountId":"acc-7","eventId":"evt-42","occurredAt":"2026-11-30T10:00:00Z","phoneNumber":"+491701234567","type":"login"}',
    );
    expect(sha256Hex(canonicalJson(event))).toBe(sha256Hex(reference(event)));
  });
});
