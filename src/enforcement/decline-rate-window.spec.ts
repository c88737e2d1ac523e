import { describe, expect, it } from '@jest/globals';
import type { Assessment } from '../domain/decision.js';
import { parsePolicy } from '../scoring/risk-policy.js';
import { DECLINE_RATE_GUARD_DEFAULTS, applyDeclineRateGuard, guardActive } from '../scoring/rules/decline-rate-guard.rule.js';
import { defaultPolicyJson } from '../../test/fixtures/scoring-fixtures.js';
import { DeclineRateWindow } from './decline-rate-window.js';
import { applyPolicyMode } from './policy-mode.js';

const T0 = Date.UTC(2026, 11, 1, 2, 0, 0);
const SECOND = 1000;

describe('DeclineRateWindow (60 buckets of window/60)', () => {
  it('counts decisions and DENYs inside the window', () => {
    const w = new DeclineRateWindow(60);
    for (let i = 0; i < 10; i += 1) w.record(i < 3, T0 + i * SECOND);
    expect(w.share(T0 + 10 * SECOND)).toEqual({ decisions: 10, denies: 3 });
  });

  it('forgets a bucket once it has slid out of the window, and only that bucket', () => {
    const w = new DeclineRateWindow(60); // 1 s buckets
    w.record(true, T0);
    w.record(false, T0 + 30 * SECOND);
    expect(w.share(T0 + 59 * SECOND)).toEqual({ decisions: 2, denies: 1 });
    expect(w.share(T0 + 60 * SECOND)).toEqual({ decisions: 1, denies: 0 });
    expect(w.share(T0 + 90 * SECOND)).toEqual({ decisions: 0, denies: 0 });
  });

  it('reuses a slot for a new bucket instead of adding to an old one (a full turn of the ring later)', () => {
    const w = new DeclineRateWindow(60);
    w.record(true, T0);
    w.record(false, T0 + 60 * SECOND); // same slot, next turn
    expect(w.share(T0 + 60 * SECOND)).toEqual({ decisions: 1, denies: 0 });
  });

  it('starts afresh when the policy changes the window length', () => {
    const w = new DeclineRateWindow(60);
    w.record(true, T0);
    w.resize(60);
    expect(w.share(T0)).toEqual({ decisions: 1, denies: 1 });
    w.resize(300);
    expect(w.share(T0)).toEqual({ decisions: 0, denies: 0 });
  });
});

describe('the decline-rate guard', () => {
  const settings = { ...DECLINE_RATE_GUARD_DEFAULTS, minDecisions: 10, maxDenyShare: 0.2 };
  const deny: Assessment = { score: 100, outcome: 'DENY', reasons: [], avoidOtpChannels: [], degraded: false, policyVersion: 'v' };

  it('is active only above the share and with enough decisions', () => {
    expect(guardActive({ decisions: 10, denies: 3 }, settings)).toBe(true);
    expect(guardActive({ decisions: 10, denies: 2 }, settings)).toBe(false); // 20 % is not above 20 %
    expect(guardActive({ decisions: 9, denies: 9 }, settings)).toBe(false);
    expect(guardActive({ decisions: 100, denies: 100 }, { ...settings, enabled: false })).toBe(false);
  });

  it('holds a DENY for REVIEW with reason DECLINE_RATE_GUARD and leaves other outcomes alone', () => {
    const held = applyDeclineRateGuard(deny, { decisions: 10, denies: 5 }, settings);
    expect(held.outcome).toBe('REVIEW');
    expect(held.reasons).toEqual([
      { code: 'DECLINE_RATE_GUARD', points: 0, message: 'DENY share 50 % over the last 300 s is above 20 %: DENY held for REVIEW' },
    ]);
    const review = { ...deny, outcome: 'REVIEW' as const };
    expect(applyDeclineRateGuard(review, { decisions: 10, denies: 5 }, settings)).toBe(review);
    expect(applyDeclineRateGuard(deny, { decisions: 10, denies: 1 }, settings)).toBe(deny);
  });

  it('takes each field the policy leaves out from the defaults', () => {
    const json = defaultPolicyJson();
    json.declineRateGuard = { maxDenyShare: 0.4 };
    expect(parsePolicy(json).declineRateGuard).toEqual({ ...DECLINE_RATE_GUARD_DEFAULTS, maxDenyShare: 0.4 });
    delete json.declineRateGuard;
    expect(parsePolicy(json).declineRateGuard).toEqual(DECLINE_RATE_GUARD_DEFAULTS);
    json.declineRateGuard = { maxDenyShare: 1.5, windowSeconds: 1 };
    expect(() => parsePolicy(json)).toThrow(
      /declineRateGuard\.windowSeconds: must be >= 10; declineRateGuard\.maxDenyShare: must be <= 0.999/,
    );
  });
});

describe('the policy mode', () => {
  const review: Assessment = { score: 60, outcome: 'REVIEW', reasons: [], avoidOtpChannels: ['sms'], degraded: false, policyVersion: 'v' };

  it('monitor: ALLOW with the policy outcome in proposedOutcome, everything else kept', () => {
    expect(applyPolicyMode(review, 'monitor')).toEqual({ ...review, outcome: 'ALLOW', proposedOutcome: 'REVIEW' });
  });

  it('enforce: the assessment unchanged', () => {
    expect(applyPolicyMode(review, 'enforce')).toBe(review);
  });
});
