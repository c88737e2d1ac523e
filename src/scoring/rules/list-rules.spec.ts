import { describe, expect, it } from '@jest/globals';
import type { Assessment } from '../../domain/decision.js';
import { NO_LIST_MATCHES, type ListMatches } from '../../domain/list-match.js';
import type { RiskEvent } from '../../domain/risk-event.js';
import type { SignalSet } from '../../domain/signal-result.js';
import { parsePolicy } from '../risk-policy.js';
import { scoreEvent } from '../score-event.js';
import {
  HOUR,
  NOW,
  defaultPolicy,
  defaultPolicyJson,
  forwarding,
  loginEvent,
  signalSet,
  swap,
  transactionEvent,
} from '../../../test/fixtures/scoring-fixtures.js';

const policy = defaultPolicy();
const matches = (m: Partial<ListMatches>): ListMatches => ({ ...NO_LIST_MATCHES, ...m });
const score = (event: RiskEvent, lists: Partial<ListMatches>, signals: Partial<SignalSet> = {}, p = policy): Assessment =>
  scoreEvent(event, signalSet(signals), p, NOW, matches(lists));
const reason = (a: Assessment, code: string) => a.reasons.find((r) => r.code === code);
// a high-value transfer to a new beneficiary: 20 soft context points on clean signals
const bigTransfer = () => transactionEvent('2500.00', { transactionType: 'transfer', beneficiaryIsNew: true });

describe('deny list', () => {
  it('turns a clean login into DENY with LIST_DENY_MATCH, naming the field and never its value', () => {
    const a = score(loginEvent(), { deny: ['accountId'] });
    expect(a.outcome).toBe('DENY');
    expect(a.score).toBe(100);
    expect(reason(a, 'LIST_DENY_MATCH')).toEqual({ code: 'LIST_DENY_MATCH', points: 100, message: 'The account is on the deny list' });
    expect(JSON.stringify(a)).not.toContain(loginEvent().accountId);
  });

  it('names every field that matched, once', () => {
    const a = score(transactionEvent(), { deny: ['accountId', 'beneficiaryId', 'phoneNumber'] });
    expect(a.reasons.filter((r) => r.code === 'LIST_DENY_MATCH')).toHaveLength(1);
    expect(reason(a, 'LIST_DENY_MATCH')?.message).toBe('The account, beneficiary and phone number are on the deny list');
  });

  it('follows the policy: a deny match may mean REVIEW with fewer points', () => {
    const json = defaultPolicyJson();
    json.lists = { deny: { outcome: 'REVIEW', points: 0 } };
    const a = score(loginEvent(), { deny: ['deviceId'] }, {}, parsePolicy(json));
    expect(a.outcome).toBe('REVIEW');
    expect(reason(a, 'LIST_DENY_MATCH')?.points).toBe(0);
  });

  it('keeps the default of every field the policy leaves out', () => {
    const json = defaultPolicyJson();
    json.lists = { deny: { outcome: 'REVIEW' } };
    const a = score(loginEvent(), { deny: ['accountId'] }, {}, parsePolicy(json));
    expect(reason(a, 'LIST_DENY_MATCH')?.points).toBe(100);
    expect(a.outcome).toBe('DENY'); // 100 points reach the DENY threshold on their own
  });

  it('wins over an allow match on the same event', () => {
    const a = score(loginEvent(), { deny: ['accountId'], allow: ['phoneNumber'] });
    expect(a.outcome).toBe('DENY');
  });
});

describe('watch list', () => {
  it('adds 25 points: alone ALLOW, with a new beneficiary CHALLENGE', () => {
    const alone = score(loginEvent(), { watch: ['phoneNumber'] });
    expect(alone).toMatchObject({ score: 25, outcome: 'ALLOW' });
    expect(reason(alone, 'LIST_WATCH_MATCH')).toEqual({
      code: 'LIST_WATCH_MATCH',
      points: 25,
      message: 'The phone number is on the watch list',
    });
    const tx = score(transactionEvent('50.00', { beneficiaryIsNew: true }), { watch: ['accountId'] });
    expect(tx).toMatchObject({ score: 35, outcome: 'CHALLENGE' });
  });

  it('takes its points from the policy', () => {
    const json = defaultPolicyJson();
    json.lists = { watch: { points: 60 } };
    expect(score(loginEvent(), { watch: ['accountId'] }, {}, parsePolicy(json))).toMatchObject({ score: 60, outcome: 'REVIEW' });
  });
});

describe('allow list', () => {
  it('takes back the soft context points of a big transfer to a new beneficiary', () => {
    const without = score(bigTransfer(), {});
    expect(without.score).toBe(20);
    const a = score(bigTransfer(), { allow: ['beneficiaryId'] });
    expect(a.score).toBe(0);
    expect(reason(a, 'LIST_ALLOW_MATCH')).toEqual({
      code: 'LIST_ALLOW_MATCH',
      points: -20,
      message: 'The beneficiary is on the allow list: soft context points removed',
    });
  });

  it('keeps the signal points: call forwarding on a big transfer stays risky', () => {
    const a = score(bigTransfer(), { allow: ['accountId'] }, { callForwarding: forwarding.active() });
    expect(a.score).toBe(45);
    expect(a.outcome).toBe('CHALLENGE');
  });

  it('never overrides a hard rule: SIM swap with call forwarding stays DENY', () => {
    const a = score(
      loginEvent(),
      { allow: ['accountId', 'phoneNumber'] },
      { simSwap: swap.ago(2 * HOUR), callForwarding: forwarding.active() },
    );
    expect(a.outcome).toBe('DENY');
    expect(reason(a, 'LIST_ALLOW_MATCH')?.points).toBe(0);
  });

  it('never lifts the high-value degraded floor', () => {
    const a = score(bigTransfer(), { allow: ['accountId'] }, { callForwarding: forwarding.unavailable() });
    expect(a.outcome).toBe('CHALLENGE');
  });

  it('cancels a watch match on the same event by default', () => {
    expect(score(loginEvent(), { watch: ['accountId'], allow: ['accountId'] })).toMatchObject({ score: 0, outcome: 'ALLOW' });
  });

  it('removes only the codes the policy names', () => {
    const json = defaultPolicyJson();
    json.lists = { allow: { removesPointsOf: ['NEW_BENEFICIARY'] } };
    expect(score(bigTransfer(), { allow: ['accountId'] }, {}, parsePolicy(json)).score).toBe(10);
  });
});

describe('without list matches', () => {
  it('scores exactly as before (the lists argument is optional)', () => {
    const signals = signalSet({ simSwap: swap.ago(3 * 24 * HOUR) });
    expect(scoreEvent(bigTransfer(), signals, policy, NOW)).toEqual(scoreEvent(bigTransfer(), signals, policy, NOW, NO_LIST_MATCHES));
  });
});

describe('the lists section of a policy file', () => {
  it('is validated like the rest, naming the path', () => {
    const json = defaultPolicyJson();
    json.lists = { deny: { outcome: 'ALLOW', points: 101 }, watch: { point: 3 }, allow: { removesPointsOf: ['lower'] } };
    expect(() => parsePolicy(json)).toThrow(/lists\.deny\.points: must be <= 100/);
    expect(() => parsePolicy(json)).toThrow(/lists\.deny\.outcome: must be CHALLENGE, REVIEW or DENY/);
    expect(() => parsePolicy(json)).toThrow(/lists\.watch\.point: is not a known policy field/);
    expect(() => parsePolicy(json)).toThrow(/lists\.allow\.removesPointsOf: entries must be UPPER_SNAKE codes/);
  });
});
