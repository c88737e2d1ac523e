import { describe, expect, it } from '@jest/globals';
import { SIGNAL_CATALOGUE, SIGNAL_NAMES } from './signal-catalogue.js';
import type { SignalValue } from './signal-result.js';

// Compile-time: a name outside the catalogue has no value type (it used to get the swap shape silently).
// @ts-expect-error roaming is not in the catalogue
type _UnknownSignalHasNoValue = SignalValue<'roaming'>;
// And each signal's value is its own: call forwarding is not a swap.
// @ts-expect-error latestChange is a swap's field
const _forwardingIsNoSwap: SignalValue<'callForwarding'> = { latestChange: null };

describe('the signal catalogue', () => {
  it('lists the signals in the order decisions show them', () => {
    expect(SIGNAL_NAMES).toEqual(['simSwap', 'deviceSwap', 'callForwarding']);
  });

  it('keeps a seen swap longer than a clean answer, and forwarding (switchable at any moment) at most a minute', () => {
    for (const name of ['simSwap', 'deviceSwap'] as const) {
      const { positiveMs, cleanMs } = SIGNAL_CATALOGUE[name].cacheTtl;
      expect(positiveMs).toBeGreaterThan(cleanMs);
    }
    expect(
      Math.max(SIGNAL_CATALOGUE.callForwarding.cacheTtl.positiveMs, SIGNAL_CATALOGUE.callForwarding.cacheTtl.cleanMs),
    ).toBeLessThanOrEqual(60_000);
  });

  it('says which answers are the risky ones', () => {
    const swap = SIGNAL_CATALOGUE.simSwap.isPositive;
    expect([swap({ latestChange: '2026-11-30T10:00:00Z' }), swap({ latestChange: null }), swap({})]).toEqual([true, false, false]);
    expect([
      swap({ swappedWithin: { swapped: true, maxAgeMinutes: 60 } }),
      swap({ swappedWithin: { swapped: false, maxAgeMinutes: 60 } }),
    ]).toEqual([true, false]);
    expect([
      SIGNAL_CATALOGUE.callForwarding.isPositive({ active: true }),
      SIGNAL_CATALOGUE.callForwarding.isPositive({ active: false }),
    ]).toEqual([true, false]);
  });

  it('names for each signal the reason codes the rules raise whatever the policy', () => {
    for (const name of SIGNAL_NAMES) {
      const code = name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
      expect(SIGNAL_CATALOGUE[name].reasonCodes).toEqual(
        expect.arrayContaining([`SIGNAL_UNAVAILABLE_${code}`, `SIGNAL_NOT_FOUND_${code}`]),
      );
    }
  });
});
