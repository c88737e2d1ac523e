import { describe, expect, it } from '@jest/globals';
import type { Decision } from '../domain/decision.js';
import type { RiskEvent } from '../domain/risk-event.js';
import type { SignalResult, SignalSet } from '../domain/signal-result.js';
import { PolicyEnforcement } from '../enforcement/policy-enforcement.service.js';
import { PolicyModeService } from '../enforcement/policy-mode.service.js';
import { MemoryPolicyModeStore } from '../enforcement/policy-mode.store.js';
import { ListsService } from '../lists/lists.service.js';
import { MemoryListStore } from '../lists/memory-list-store.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { ActivePolicies } from '../policy/active-policies.js';
import { parsePolicy } from '../scoring/risk-policy.js';
import type { SignalsService } from '../signals/signals.service.js';
import { DAY, HOUR, defaultPolicy, defaultPolicyJson, forwarding, swap } from '../../test/fixtures/scoring-fixtures.js';
import { DecisionIds } from './decision-id.js';
import { NoEvidenceError, rescoreDecision, scoringInputsOf } from './decision-evidence.js';
import { MemoryDecisionStore } from './memory-decision-store.js';
import { RiskEngine } from './risk-engine.js';

const policy = defaultPolicy();

/**
 * The real engine on canned answers; the swap dates are relative to the real clock, which the engine reads.
 * Its decline-rate guard is off: the guard (like the policy mode) acts after scoring on this replica's recent
 * stream, so it is no part of what a record re-scores to, and these specs decide far more DENYs than it allows.
 */
function engineAnswering(
  signals: () => SignalSet,
  lists = new ListsService(new MemoryListStore(), { lists: { hashSecret: 'evidence-spec-lists' } }),
) {
  const fakeSignals = { collect: async () => ({ signals: signals(), upstreamCalls: 0 }) } as unknown as SignalsService;
  const config = { decisions: { idSecret: 'evidence-spec' }, tenancy: { kafkaTenant: 'kafka' } };
  const json = defaultPolicyJson();
  json.declineRateGuard = { enabled: false };
  const policies = ActivePolicies.of(parsePolicy(json));
  const metrics = new RiskwireMetrics({ defaultMetrics: false });
  return new RiskEngine(
    fakeSignals,
    policies,
    new MemoryDecisionStore({ maxEntries: 10_000, retentionSeconds: 60 }),
    metrics,
    new DecisionIds(config),
    config,
    lists,
    new PolicyEnforcement(policies, new PolicyModeService(new MemoryPolicyModeStore(), metrics), metrics),
  );
}

const swapStates = (): Array<SignalResult<'simSwap'>> => [
  swap.none(),
  swap.ago(45 * DAY, new Date()),
  swap.within(false),
  swap.within(true),
  swap.ago(20 * DAY, new Date()),
  swap.ago(3 * DAY, new Date()),
  swap.ago(2 * HOUR, new Date()),
  swap.notFound(),
  swap.unavailable(),
  swap.skipped(),
];
const forwardingStates = () => [forwarding.inactive(), forwarding.active(), forwarding.notFound(), forwarding.unavailable()];

const base = { occurredAt: '2026-11-21T10:00:00Z', accountId: 'acc-1', phoneNumber: '+491701234567' };
const events: RiskEvent[] = [
  { ...base, eventId: 'login', type: 'login', channel: 'web', otpChannel: 'sms' },
  { ...base, eventId: 'small', type: 'transaction', amount: { value: '20.00', currency: 'EUR' }, transactionType: 'payment' },
  {
    ...base,
    eventId: 'big',
    type: 'transaction',
    amount: { value: '4000.00', currency: 'EUR' },
    transactionType: 'transfer',
    beneficiaryIsNew: true,
    beneficiaryId: 'ben-1',
  },
];

describe('a decision carries its evidence', () => {
  it('scored again from its own JSON record alone, every decision gets the same score, outcome, reasons and channels', async () => {
    let checked = 0;
    let answers: SignalSet | undefined;
    const engine = engineAnswering(() => answers!);
    for (const event of events) {
      for (const [i, sim] of swapStates().entries()) {
        for (const [j, dev] of swapStates().entries()) {
          for (const [k, fwd] of forwardingStates().entries()) {
            answers = { simSwap: sim, deviceSwap: dev, callForwarding: fwd };
            const { decision } = await engine.assess({ ...event, eventId: `${event.eventId}-${i}-${j}-${k}` }, { source: 'kafka' });
            const record = JSON.parse(JSON.stringify(decision)) as Decision; // what a consumer of the topic holds
            const again = rescoreDecision(record, policy);
            expect({ ...again, id: decision.eventId }).toEqual({
              id: decision.eventId,
              score: decision.score,
              outcome: decision.outcome,
              reasons: decision.reasons,
              avoidOtpChannels: decision.avoidOtpChannels,
              degraded: decision.degraded,
              policyVersion: decision.policyVersion,
            });
            checked += 1;
          }
        }
      }
    }
    expect(checked).toBe(events.length * 10 * 10 * 4);
  });

  it('a candidate policy scores the same record differently, as a backtest needs', async () => {
    const engine = engineAnswering(() => ({
      simSwap: swap.ago(3 * DAY, new Date()),
      deviceSwap: swap.none(),
      callForwarding: forwarding.inactive(),
    }));
    const { decision } = await engine.assess(events[0]!, { source: 'kafka' });
    expect(decision.outcome).toBe('CHALLENGE');
    const json = defaultPolicyJson();
    json.version = 'strict-1';
    json.signals.simSwap.bands[1].points = 60;
    expect(rescoreDecision(decision, parsePolicy(json))).toMatchObject({ outcome: 'REVIEW', score: 60, policyVersion: 'strict-1' });
  });

  it('rebuilds the event without the phone number, and refuses a record made before evidence was recorded', async () => {
    const engine = engineAnswering(() => ({ simSwap: swap.none(), deviceSwap: swap.none(), callForwarding: forwarding.inactive() }));
    const { decision } = await engine.assess(events[2]!, { source: 'kafka' });
    const { event, now } = scoringInputsOf(decision);
    expect(event).toMatchObject({
      type: 'transaction',
      phoneNumber: '',
      amount: { value: '4000.00', currency: 'EUR' },
      beneficiaryIsNew: true,
    });
    expect(now.toISOString()).toBe(decision.decidedAt);
    const { evidence: _dropped, ...old } = decision;
    expect(() => rescoreDecision(old as Decision, policy)).toThrow(NoEvidenceError);
  });

  it('records which lists matched which field type (never the value) and re-scores with them', async () => {
    const lists = new ListsService(new MemoryListStore(), { lists: { hashSecret: 'evidence-spec-lists' } });
    await lists.add({ list: 'watch', type: 'accountId', value: 'acc-1' }, 'ops');
    await lists.add({ list: 'allow', type: 'beneficiaryId', value: 'ben-1' }, 'ops');
    const engine = engineAnswering(() => ({ simSwap: swap.none(), deviceSwap: swap.none(), callForwarding: forwarding.inactive() }), lists);
    const { decision } = await engine.assess(events[2]!, { source: 'kafka' });
    expect(decision.evidence.listMatches).toEqual({ deny: [], allow: ['beneficiaryId'], watch: ['accountId'] });
    expect(decision.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['LIST_WATCH_MATCH', 'LIST_ALLOW_MATCH']));
    expect(JSON.stringify(decision.evidence)).not.toContain('ben-1');
    const record = JSON.parse(JSON.stringify(decision)) as Decision;
    expect(rescoreDecision(record, policy)).toMatchObject({ score: decision.score, outcome: decision.outcome, reasons: decision.reasons });
    // a record without listMatches (made before the lists, or matching none) re-scores as matching no list
    const { listMatches: _dropped, ...withoutLists } = record.evidence;
    expect(rescoreDecision({ ...record, evidence: withoutLists }, policy).reasons.map((r) => r.code)).not.toContain('LIST_WATCH_MATCH');
  });

  it('carries no listMatches when no list matched', async () => {
    const engine = engineAnswering(() => ({ simSwap: swap.none(), deviceSwap: swap.none(), callForwarding: forwarding.inactive() }));
    const { decision } = await engine.assess(events[1]!, { source: 'kafka' });
    expect(decision.evidence).not.toHaveProperty('listMatches');
  });
});
