import { describe, expect, it } from '@jest/globals';
import { parseRfc3339, SubscriberRegistry, validateSubscriberPatch } from './subscriber-registry.js';

describe('parseRfc3339', () => {
  it('parses offsets and nanosecond fractions', () => {
    expect(parseRfc3339('2024-09-18T07:37:53.471829447Z')).toBe(Date.UTC(2024, 8, 18, 7, 37, 53, 471));
    expect(parseRfc3339('2024-09-18T09:37:53+02:00')).toBe(Date.UTC(2024, 8, 18, 7, 37, 53));
  });

  it.each(['2024-09-18', '2024-02-30T00:00:00Z', '2024-09-18T25:00:00Z', '2024-09-18T07:37:53', 'now'])('rejects %s', (value) => {
    expect(parseRfc3339(value)).toBeUndefined();
  });
});

describe('SubscriberRegistry', () => {
  it('treats never-configured numbers as clean, known subscribers', () => {
    expect(new SubscriberRegistry().get('+491701234567')).toEqual({
      known: true,
      simSwappedAt: null,
      deviceSwappedAt: null,
      callForwardingActive: false,
    });
  });

  it('merges patches and keeps the parsed swap time for the hot path', () => {
    const registry = new SubscriberRegistry();
    registry.set('+491701234567', { simSwappedAt: '2024-09-18T07:37:53Z' });
    registry.set('+491701234567', { known: false });
    expect(registry.lookup('+491701234567')).toMatchObject({
      known: false,
      simSwappedAt: '2024-09-18T07:37:53Z',
      simSwappedAtMs: Date.UTC(2024, 8, 18, 7, 37, 53),
    });
    registry.set('+491701234567', { simSwappedAt: null });
    expect(registry.lookup('+491701234567').simSwappedAtMs).toBeNull();
  });

  it('refuses invalid numbers and patches when driven in-process', () => {
    const registry = new SubscriberRegistry();
    expect(() => registry.set('0170', {})).toThrow('E.164');
    expect(() => registry.set('+491701234567', { simSwappedAt: 'later' })).toThrow('simSwappedAt');
    expect(registry.size).toBe(0);
  });

  it('refuses unknown patch fields', () => {
    expect(validateSubscriberPatch({ swapped: true })).toEqual({ ok: false, message: 'unknown field "swapped"' });
  });
});
