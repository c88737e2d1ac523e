import { describe, expect, it } from '@jest/globals';
import type { Assessment } from '../domain/decision.js';
import type { RiskEvent } from '../domain/risk-event.js';
import type { SignalSet } from '../domain/signal-result.js';
import { parsePolicy } from './risk-policy.js';
import { scoreEvent } from './score-event.js';
import {
  DAY,
  HOUR,
  NOW,
  PHONE,
  defaultPolicy,
  forwarding,
  loginEvent,
  signalSet,
  swap,
  transactionEvent,
} from '../../test/fixtures/scoring-fixtures.js';

const policy = defaultPolicy();
const score = (event: RiskEvent, signals: Partial<SignalSet> = {}, now = NOW): Assessment =>
  scoreEvent(event, signalSet(signals), policy, now);
const codes = (a: Assessment) => a.reasons.map((r) => r.code);

describe('scoreEvent with the default policy: single signals', () => {
  it('clean signals on an ordinary login are allowed with score 0 and no reasons', () => {
    const a = score(loginEvent(), { deviceSwap: swap.within(false) });
    expect(a).toEqual({ score: 0, outcome: 'ALLOW', reasons: [], avoidOtpChannels: [], degraded: false, policyVersion: '2026-11-21.1' });
  });

  it('clean signals on an ordinary small payment are allowed with score 0', () => {
    const a = score(transactionEvent('49.99'));
    expect(a.score).toBe(0);
    expect(a.outcome).toBe('ALLOW');
  });

  it('a SIM swap 2 hours ago scores higher than one 3 days ago, and both higher than none', () => {
    const recent = score(loginEvent(), { simSwap: swap.ago(2 * HOUR) });
    const days = score(loginEvent(), { simSwap: swap.ago(3 * DAY) });
    const none = score(loginEvent());
    expect(recent.score).toBeGreaterThan(days.score);
    expect(days.score).toBeGreaterThan(none.score);
    expect(codes(recent)).toEqual(['SIM_SWAP_LT_24H']);
    expect(codes(days)).toEqual(['SIM_SWAP_LT_7D']);
  });

  it('a SIM swap 2 hours ago on a login goes to review and steers away from SMS', () => {
    const a = score(loginEvent(), { simSwap: swap.ago(2 * HOUR) });
    expect(a.outcome).toBe('REVIEW');
    expect(a.avoidOtpChannels).toEqual(['sms']);
    expect(a.reasons[0].message).toBe('SIM card changed 2 h ago (less than 24 hours)');
  });

  it('a SIM swap 3 days ago on a login is challenged, never over SMS', () => {
    const a = score(loginEvent(), { simSwap: swap.ago(3 * DAY) });
    expect(a.outcome).toBe('CHALLENGE');
    expect(a.avoidOtpChannels).toEqual(['sms']);
  });

  it('a SIM swap 20 days ago alone is weak: allowed, but SMS is still flagged to avoid', () => {
    const a = score(loginEvent(), { simSwap: swap.ago(20 * DAY) });
    expect(codes(a)).toEqual(['SIM_SWAP_LT_30D']);
    expect(a.outcome).toBe('ALLOW');
    expect(a.avoidOtpChannels).toEqual(['sms']);
  });

  it('a SIM swap older than the 30-day lookback counts as none', () => {
    expect(score(loginEvent(), { simSwap: swap.ago(31 * DAY) })).toEqual(score(loginEvent()));
  });

  it('a band boundary belongs to the older band (exactly 24 h is "less than 7 days")', () => {
    expect(codes(score(loginEvent(), { simSwap: swap.ago(24 * HOUR) }))).toEqual(['SIM_SWAP_LT_7D']);
    expect(codes(score(loginEvent(), { simSwap: swap.ago(24 * HOUR - 1) }))).toEqual(['SIM_SWAP_LT_24H']);
  });

  it('a SIM swap date in the future (clock skew) counts as just now', () => {
    const a = score(loginEvent(), { simSwap: swap.at(new Date(NOW.getTime() + 5 * 60_000).toISOString()) });
    expect(codes(a)).toEqual(['SIM_SWAP_LT_24H']);
    expect(a.reasons[0].message).toBe('SIM card changed 0 min ago (less than 24 hours)');
  });

  it('a yes/no window answer is scored in the most recent band, conservatively', () => {
    const a = score(loginEvent(), { simSwap: swap.within(true, 2400) });
    expect(codes(a)).toEqual(['SIM_SWAP_LT_24H']);
    expect(a.reasons[0].message).toBe('SIM card changed within the last 2400 minutes (scored as less than 24 hours)');
    expect(score(loginEvent(), { simSwap: swap.within(false, 2400) }).score).toBe(0);
  });

  it('active unconditional call forwarding alone is strong enough to challenge, never by voice', () => {
    const a = score(loginEvent(), { callForwarding: forwarding.active() });
    expect(a.outcome).toBe('CHALLENGE');
    expect(codes(a)).toEqual(['CALL_FORWARDING_ACTIVE']);
    expect(a.avoidOtpChannels).toEqual(['voice']);
  });

  it('a login with only an old device swap stays allowed', () => {
    const a = score(loginEvent(), { deviceSwap: swap.ago(5 * DAY) });
    expect(codes(a)).toEqual(['DEVICE_SWAP_LT_7D']);
    expect(a.outcome).toBe('ALLOW');
    expect(a.avoidOtpChannels).toEqual([]);
  });

  it('a login right after a device swap (window answer) is at most challenged', () => {
    const a = score(loginEvent(), { deviceSwap: swap.within(true, 1440) });
    expect(codes(a)).toEqual(['DEVICE_SWAP_LT_24H']);
    expect(a.outcome).toBe('CHALLENGE');
  });
});

describe('scoreEvent with the default policy: hard combination rules', () => {
  it('a SIM swap 2 hours ago on a transaction with call forwarding is denied', () => {
    const a = score(transactionEvent('20.00'), { simSwap: swap.ago(2 * HOUR), callForwarding: forwarding.active() });
    expect(a.outcome).toBe('DENY');
    expect(codes(a)).toEqual(['SIM_SWAP_LT_24H', 'CALL_FORWARDING_ACTIVE', 'COMBO_SIM_SWAP_CALL_FORWARDING']);
    expect(a.avoidOtpChannels).toEqual(['sms', 'voice']);
    expect(a.score).toBe(100);
  });

  it('a SIM swap 25 days ago on a login with call forwarding is denied (any band within the lookback)', () => {
    const a = score(loginEvent(), { simSwap: swap.ago(25 * DAY), callForwarding: forwarding.active() });
    expect(a.outcome).toBe('DENY');
    expect(codes(a)).toContain('COMBO_SIM_SWAP_CALL_FORWARDING');
  });

  it('a SIM swap outside the lookback with call forwarding is not the combination', () => {
    const a = score(loginEvent(), { simSwap: swap.ago(40 * DAY), callForwarding: forwarding.active() });
    expect(codes(a)).toEqual(['CALL_FORWARDING_ACTIVE']);
    expect(a.outcome).toBe('CHALLENGE');
  });

  it('a SIM swap and a device swap within days before a small payment are denied', () => {
    const a = score(transactionEvent('12.00'), { simSwap: swap.ago(3 * DAY), deviceSwap: swap.ago(2 * DAY) });
    expect(a.outcome).toBe('DENY');
    expect(codes(a)).toEqual(['SIM_SWAP_LT_7D', 'DEVICE_SWAP_LT_7D', 'COMBO_SIM_SWAP_DEVICE_SWAP_TRANSACTION']);
  });

  it('a new phone with a new SIM weeks ago is not the transaction combination (a normal upgrade)', () => {
    const a = score(transactionEvent('12.00'), { simSwap: swap.ago(20 * DAY), deviceSwap: swap.ago(20 * DAY) });
    expect(codes(a)).not.toContain('COMBO_SIM_SWAP_DEVICE_SWAP_TRANSACTION');
    expect(a.outcome).toBe('ALLOW');
  });

  it('a SIM swap and a device swap before a login are scored, not hard-denied', () => {
    const a = score(loginEvent(), { simSwap: swap.ago(3 * DAY), deviceSwap: swap.within(true) });
    expect(codes(a)).toEqual(['SIM_SWAP_LT_7D', 'DEVICE_SWAP_LT_24H']);
    expect(a.outcome).toBe('REVIEW');
  });
});

describe('scoreEvent with the default policy: missing signals', () => {
  it('an unavailable SIM swap check on a plain login is allowed but marked degraded, SMS avoided', () => {
    const a = score(loginEvent(), { simSwap: swap.unavailable() });
    expect(a.degraded).toBe(true);
    expect(codes(a)).toEqual(['SIGNAL_UNAVAILABLE_SIM_SWAP']);
    expect(a.reasons[0].message).toBe('The SIM swap check was inconclusive: unavailable (timeout)');
    expect(a.outcome).toBe('ALLOW');
    expect(a.avoidOtpChannels).toEqual(['sms']);
  });

  it('an unknown subscriber on the SIM swap check is challenged (possible port-out)', () => {
    const a = score(loginEvent(), { simSwap: swap.notFound() });
    expect(codes(a)).toEqual(['SIGNAL_NOT_FOUND_SIM_SWAP']);
    expect(a.outcome).toBe('CHALLENGE');
  });

  it('call forwarding not found is reported with its own code', () => {
    expect(codes(score(loginEvent(), { callForwarding: forwarding.notFound() }))).toEqual(['SIGNAL_NOT_FOUND_CALL_FORWARDING']);
  });

  it('a high-value transfer with the call forwarding check unavailable is never allowed', () => {
    const a = score(transactionEvent('1000.00', { transactionType: 'payment' }), { callForwarding: forwarding.unavailable() });
    expect(a.outcome).not.toBe('ALLOW');
    expect(codes(a)).toEqual(['SIGNAL_UNAVAILABLE_CALL_FORWARDING', 'HIGH_VALUE_TRANSACTION', 'HIGH_VALUE_DEGRADED']);
    expect(a.outcome).toBe('CHALLENGE');
    expect(a.degraded).toBe(true);
  });

  it('the same transaction just below the threshold with the same gap is allowed', () => {
    const a = score(transactionEvent('999.99'), { callForwarding: forwarding.unavailable() });
    expect(a.outcome).toBe('ALLOW');
    expect(codes(a)).not.toContain('HIGH_VALUE_DEGRADED');
  });

  it('a configured lower high-value threshold applies', () => {
    const strict = defaultPolicy({ highValueThreshold: 100 });
    const a = scoreEvent(transactionEvent('150'), signalSet({ deviceSwap: swap.unavailable() }), strict, NOW);
    expect(codes(a)).toContain('HIGH_VALUE_DEGRADED');
    expect(a.outcome).toBe('CHALLENGE');
  });

  it('with every check down a login is challenged through the app only', () => {
    const a = score(loginEvent(), {
      simSwap: swap.unavailable(),
      deviceSwap: swap.unavailable(),
      callForwarding: forwarding.unavailable(),
    });
    expect(a.outcome).toBe('CHALLENGE');
    expect(a.avoidOtpChannels).toEqual(['sms', 'voice']);
  });

  it('a check the policy needs that arrives SKIPPED is treated as unavailable', () => {
    const a = score(loginEvent(), { simSwap: swap.skipped() });
    expect(codes(a)).toEqual(['SIGNAL_UNAVAILABLE_SIM_SWAP']);
    expect(a.degraded).toBe(true);
  });

  it('an OK answer that cannot be read counts as unavailable, not as clean', () => {
    const a = score(loginEvent(), { simSwap: swap.at('yesterday-ish'), callForwarding: { status: 'OK', value: {} as never } });
    expect(codes(a)).toEqual(['SIGNAL_UNAVAILABLE_SIM_SWAP', 'SIGNAL_UNAVAILABLE_CALL_FORWARDING']);
    expect(a.reasons[0].message).toContain('invalid_response');
  });
});

describe('scoreEvent with the default policy: transaction context and OTP safety', () => {
  it('a high-value transfer to a new beneficiary adds small points but stays allowed on clean signals', () => {
    const a = score(transactionEvent('5000', { transactionType: 'transfer', beneficiaryIsNew: true }));
    expect(codes(a)).toEqual(['HIGH_VALUE_TRANSACTION', 'NEW_BENEFICIARY', 'TRANSACTION_TYPE_TRANSFER']);
    expect(a.score).toBe(20);
    expect(a.outcome).toBe('ALLOW');
  });

  it('a SIM swap 3 days ago before a high-value transfer to a new beneficiary goes to review', () => {
    const a = score(transactionEvent('5000', { transactionType: 'transfer', beneficiaryIsNew: true }), { simSwap: swap.ago(3 * DAY) });
    expect(a.outcome).toBe('REVIEW');
  });

  it('an unreadable amount is treated as high value', () => {
    const a = score(transactionEvent('12,50'));
    expect(codes(a)).toEqual(['HIGH_VALUE_TRANSACTION']);
  });

  it('a challenge with every OTP channel to avoid is escalated to review', () => {
    const json = JSON.parse(JSON.stringify(policy));
    json.signals.deviceSwap.avoidOtpChannels = ['app'];
    const custom = parsePolicy(json);
    const a = scoreEvent(
      loginEvent(),
      signalSet({ simSwap: swap.ago(20 * DAY), deviceSwap: swap.ago(3 * DAY), callForwarding: forwarding.unavailable() }),
      custom,
      NOW,
    );
    expect(a.score).toBeLessThan(custom.thresholds.review);
    expect(a.score).toBeGreaterThanOrEqual(custom.thresholds.challenge);
    expect(a.avoidOtpChannels).toEqual(['app', 'sms', 'voice']);
    expect(a.outcome).toBe('REVIEW');
    expect(codes(a)).toContain('NO_SAFE_OTP_CHANNEL');
  });

  it('no reason message ever contains the phone number', () => {
    const a = score(transactionEvent('5000', { transactionType: 'withdrawal', beneficiaryIsNew: true }), {
      simSwap: swap.ago(2 * HOUR),
      deviceSwap: swap.notFound(),
      callForwarding: forwarding.active(),
    });
    expect(a.reasons.length).toBeGreaterThan(3);
    for (const r of a.reasons) expect(r.message).not.toContain(PHONE.slice(3));
  });
});

describe('scoreEvent is a pure function of its inputs', () => {
  const event = transactionEvent('2500', { transactionType: 'transfer', beneficiaryIsNew: true });
  const signals = signalSet({
    simSwap: swap.at('2026-11-18T09:30:00.000Z'),
    deviceSwap: swap.unavailable(),
    callForwarding: forwarding.inactive(),
  });

  it('gives the same output for the same inputs', () => {
    expect(scoreEvent(event, signals, policy, NOW)).toEqual(scoreEvent(event, signals, policy, new Date(NOW.getTime())));
  });

  it('replays a recorded decision with its recorded now, whatever the wall clock says', () => {
    const recordedNow = new Date(Date.UTC(2026, 10, 20, 9, 0, 0)); // 47.5 h after the swap
    const replayed = scoreEvent(event, signals, policy, recordedNow);
    expect(codes(replayed)[0]).toBe('SIM_SWAP_LT_7D');
    const earlier = scoreEvent(event, signals, policy, new Date(Date.UTC(2026, 10, 18, 10, 0, 0))); // 30 min after
    expect(codes(earlier)[0]).toBe('SIM_SWAP_LT_24H');
    expect(earlier.score).toBeGreaterThan(replayed.score);
  });

  it('does not read the clock: the result is the same whatever Date.now says', () => {
    const realNow = Date.now;
    try {
      Date.now = () => Date.UTC(2040, 0, 1);
      const later = scoreEvent(event, signals, policy, NOW);
      Date.now = () => Date.UTC(2000, 0, 1);
      const earlier = scoreEvent(event, signals, policy, NOW);
      expect(later).toEqual(earlier);
    } finally {
      Date.now = realNow;
    }
  });

  it('does not mutate its inputs', () => {
    const frozen = <T>(v: T): T => JSON.parse(JSON.stringify(v), (_k, x) => (typeof x === 'object' && x !== null ? Object.freeze(x) : x));
    const e = frozen(event);
    const s = frozen(signals);
    expect(() => scoreEvent(e, s, policy, NOW)).not.toThrow();
    expect(e).toEqual(event);
    expect(s).toEqual(signals);
  });

  it('rejects an invalid now instead of guessing', () => {
    expect(() => scoreEvent(event, signals, policy, new Date('nope'))).toThrow(RangeError);
  });
});
