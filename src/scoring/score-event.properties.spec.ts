// Property tests over the whole space of signal states: the default policy must be monotone and safe everywhere,
// not only in the scenarios we thought of.
import { describe, expect, it } from '@jest/globals';
import type { Assessment } from '../domain/decision.js';
import type { RiskEvent } from '../domain/risk-event.js';
import { SIGNAL_NAMES, type SignalName, type SignalResult, type SignalSet } from '../domain/signal-result.js';
import { outcomeSeverity } from './outcome.js';
import { scoreEvent } from './score-event.js';
import {
  DAY,
  HOUR,
  NOW,
  PHONE,
  defaultPolicy,
  forwarding,
  loginEvent,
  swap,
  transactionEvent,
} from '../../test/fixtures/scoring-fixtures.js';

const policy = defaultPolicy();

/** A signal state and its place in the "more risky" partial order: clean (0) < positive by severity; missing > clean only. */
interface State {
  name: string;
  result: SignalResult;
  rank: number | 'missing';
  positive: boolean;
}
const swapStates: State[] = [
  { name: 'none', result: swap.none(), rank: 0, positive: false },
  { name: 'older than lookback', result: swap.ago(45 * DAY), rank: 0, positive: false },
  { name: 'window no', result: swap.within(false), rank: 0, positive: false },
  { name: '20 d', result: swap.ago(20 * DAY), rank: 1, positive: true },
  { name: '29 d 23 h', result: swap.ago(30 * DAY - 1), rank: 1, positive: true },
  { name: '3 d', result: swap.ago(3 * DAY), rank: 2, positive: true },
  { name: '2 h', result: swap.ago(2 * HOUR), rank: 3, positive: true },
  { name: 'window yes', result: swap.within(true), rank: 3, positive: true },
  { name: 'future date', result: swap.at('2026-11-22T00:00:00.000Z'), rank: 3, positive: true },
  // CAMARA: no change within a monitored period covering the lookback is clean; within 7 days only, the 30-day band
  // cannot be ruled out (scored as it, but no combination fires: no swap was seen)
  {
    name: 'none within 120 d monitored',
    result: { status: 'OK', value: { latestChange: null, monitoredPeriodDays: 120 } },
    rank: 0,
    positive: false,
  },
  {
    name: 'none within 7 d monitored',
    result: { status: 'OK', value: { latestChange: null, monitoredPeriodDays: 7 } },
    rank: 0.5,
    positive: false,
  },
  { name: 'not found', result: swap.notFound(), rank: 'missing', positive: false },
  { name: 'not applicable', result: { status: 'NOT_APPLICABLE' }, rank: 'missing', positive: false },
  { name: 'unavailable', result: swap.unavailable(), rank: 'missing', positive: false },
  { name: 'skipped', result: swap.skipped(), rank: 'missing', positive: false },
];
const forwardingStates: State[] = [
  { name: 'inactive', result: forwarding.inactive(), rank: 0, positive: false },
  { name: 'active', result: forwarding.active(), rank: 1, positive: true },
  { name: 'not found', result: forwarding.notFound(), rank: 'missing', positive: false },
  { name: 'not applicable', result: { status: 'NOT_APPLICABLE' }, rank: 'missing', positive: false },
  { name: 'unavailable', result: forwarding.unavailable(), rank: 'missing', positive: false },
];
const statesOf: Record<SignalName, State[]> = { simSwap: swapStates, deviceSwap: swapStates, callForwarding: forwardingStates };

/** a is no riskier than b */
function atMostAsRisky(a: State, b: State): boolean {
  if (a === b) return true;
  if (a.rank === 'missing' || b.rank === 'missing') return a.rank === 0 && b.rank === 'missing';
  return a.rank <= b.rank;
}

type Combo = Record<SignalName, State>;
const combos: Combo[] = swapStates.flatMap((simSwap) =>
  swapStates.flatMap((deviceSwap) => forwardingStates.map((callForwarding) => ({ simSwap, deviceSwap, callForwarding }))),
);
const toSignals = (c: Combo): SignalSet => ({
  simSwap: c.simSwap.result as SignalSet['simSwap'],
  deviceSwap: c.deviceSwap.result as SignalSet['deviceSwap'],
  callForwarding: c.callForwarding.result as SignalSet['callForwarding'],
});
const label = (c: Combo) => SIGNAL_NAMES.map((s) => `${s}=${c[s].name}`).join(', ');

const events: Record<string, RiskEvent> = {
  'a web login': loginEvent(),
  'a small payment': transactionEvent('25.00'),
  'a payment just below the high-value threshold': transactionEvent('999.99'),
  'a payment exactly at the high-value threshold': transactionEvent('1000'),
  'a high-value transfer to a new beneficiary': transactionEvent('7500.00', { transactionType: 'transfer', beneficiaryIsNew: true }),
};

describe.each(Object.entries(events))('every combination of signal states on %s', (_name, event) => {
  const assessed = new Map<Combo, Assessment>(combos.map((c) => [c, scoreEvent(event, toSignals(c), policy, NOW)]));
  const highValue = event.type === 'transaction' && Number(event.amount.value) >= policy.transaction.highValueThreshold;

  it(`covers ${combos.length} combinations`, () => {
    expect(assessed.size).toBe(swapStates.length ** 2 * forwardingStates.length);
  });

  it('never lowers score, outcome or avoided channels when any one signal gets riskier or goes missing', () => {
    const violations: string[] = [];
    let comparisons = 0;
    for (const c of combos) {
      const a = assessed.get(c)!;
      for (const signal of SIGNAL_NAMES) {
        for (const riskier of statesOf[signal]) {
          if (riskier === c[signal] || !atMostAsRisky(c[signal], riskier)) continue;
          const d = combos.find((x) => SIGNAL_NAMES.every((s) => (s === signal ? x[s] === riskier : x[s] === c[s])))!;
          const b = assessed.get(d)!;
          comparisons++;
          if (b.score < a.score) violations.push(`score ${a.score} → ${b.score}: ${label(c)} → ${label(d)}`);
          if (outcomeSeverity(b.outcome) < outcomeSeverity(a.outcome))
            violations.push(`outcome ${a.outcome} → ${b.outcome}: ${label(c)} → ${label(d)}`);
          if (!a.avoidOtpChannels.every((ch) => b.avoidOtpChannels.includes(ch))) violations.push(`channels: ${label(c)} → ${label(d)}`);
        }
      }
    }
    expect(comparisons).toBeGreaterThan(5000);
    expect(violations).toEqual([]);
  });

  it('a missing signal never scores lower than the same signal answered clean', () => {
    for (const c of combos) {
      for (const signal of SIGNAL_NAMES) {
        if (c[signal].rank !== 'missing') continue;
        const clean = combos.find((x) => SIGNAL_NAMES.every((s) => (s === signal ? x[s] === statesOf[signal][0] : x[s] === c[s])))!;
        expect(assessed.get(c)!.score).toBeGreaterThanOrEqual(assessed.get(clean)!.score);
      }
    }
  });

  it('marks degraded exactly when a needed signal is missing', () => {
    for (const c of combos) expect(assessed.get(c)!.degraded).toBe(SIGNAL_NAMES.some((s) => c[s].rank === 'missing'));
  });

  it('denies every SIM swap within the lookback together with active call forwarding', () => {
    const both = combos.filter((c) => c.simSwap.positive && c.callForwarding.positive);
    expect(both.length).toBeGreaterThan(0);
    for (const c of both) expect(assessed.get(c)!.outcome).toBe('DENY');
  });

  it('is never allowed when high value and any signal is missing', () => {
    const missing = combos.filter((c) => SIGNAL_NAMES.some((s) => c[s].rank === 'missing'));
    for (const c of missing) {
      if (highValue) expect(assessed.get(c)!.outcome).not.toBe('ALLOW');
    }
    if (!highValue) expect(missing.some((c) => assessed.get(c)!.outcome === 'ALLOW')).toBe(true);
  });

  it('never challenges without a safe OTP channel, and avoids SMS on SIM swaps and voice on forwarding', () => {
    for (const c of combos) {
      const a = assessed.get(c)!;
      if (a.outcome === 'CHALLENGE') expect(policy.otpChannels.some((ch) => !a.avoidOtpChannels.includes(ch))).toBe(true);
      if (c.simSwap.positive || c.simSwap.rank === 'missing') expect(a.avoidOtpChannels).toContain('sms');
      if (c.callForwarding.positive || c.callForwarding.rank === 'missing') expect(a.avoidOtpChannels).toContain('voice');
      expect(a.avoidOtpChannels).toEqual([...a.avoidOtpChannels].sort());
    }
  });

  it('keeps the score an integer in 0..100 equal to the clamped sum of reason points, without the phone number', () => {
    for (const c of combos) {
      const a = assessed.get(c)!;
      expect(Number.isInteger(a.score)).toBe(true);
      expect(a.score).toBe(
        Math.min(
          100,
          Math.max(
            0,
            a.reasons.reduce((s, r) => s + r.points, 0),
          ),
        ),
      );
      for (const r of a.reasons) {
        expect(r.code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
        expect(r.message).not.toContain(PHONE.slice(3));
      }
      expect(a.policyVersion).toBe(policy.version);
    }
  });

  it('is deterministic across repeated runs', () => {
    for (const c of combos.slice(0, 100)) expect(scoreEvent(event, toSignals(c), policy, NOW)).toEqual(assessed.get(c));
  });
});

describe('monotonicity in the transaction itself', () => {
  it('a larger amount, a new beneficiary or a riskier type never lowers the score or outcome', () => {
    const amounts = ['0.01', '100', '999.99', '1000', '1000.01', '50000'];
    for (const c of combos.filter((_, i) => i % 7 === 0)) {
      let previous: Assessment | undefined;
      for (const value of amounts) {
        const plain = scoreEvent(transactionEvent(value), toSignals(c), policy, NOW);
        const riskier = scoreEvent(
          transactionEvent(value, { transactionType: 'transfer', beneficiaryIsNew: true }),
          toSignals(c),
          policy,
          NOW,
        );
        expect(riskier.score).toBeGreaterThanOrEqual(plain.score);
        expect(outcomeSeverity(riskier.outcome)).toBeGreaterThanOrEqual(outcomeSeverity(plain.outcome));
        if (previous) {
          expect(plain.score).toBeGreaterThanOrEqual(previous.score);
          expect(outcomeSeverity(plain.outcome)).toBeGreaterThanOrEqual(outcomeSeverity(previous.outcome));
        }
        previous = plain;
      }
    }
  });
});

describe('monotonicity in time', () => {
  it('a SIM swap scores no less the closer it is to now', () => {
    const ages = [0, 30, 23 * HOUR, 24 * HOUR, 3 * DAY, 7 * DAY, 10 * DAY, 30 * DAY, 60 * DAY];
    const scores = ages.map(
      (m) =>
        scoreEvent(loginEvent(), { simSwap: swap.ago(m), deviceSwap: swap.none(), callForwarding: forwarding.inactive() }, policy, NOW)
          .score,
    );
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(scores[0]).toBeGreaterThan(scores[scores.length - 1]);
  });
});
