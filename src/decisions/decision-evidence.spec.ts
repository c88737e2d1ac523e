import { describe, expect, it } from '@jest/globals';
import type { Decision } from '../domain/decision.js';
import type { RiskEvent } from '../domain/risk-event.js';
import type { SignalResult, SignalSet } from '../domain/signal-result.js';
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

/** The real engine on canned answers; the swap dates are relative to the real clock, which the engine reads. */
function engineAnswering(signals: () => SignalSet) {
  const fakeSignals = { collect: async () => ({ signals: signals(), upstreamCalls: 0 }) } as unknown as SignalsService;
  const config = { decisions: { idSecret: 'evidence-spec' }, tenancy: { kafkaTenant: 'kafka' } };
  return new RiskEngine(
    fakeSignals,
    ActivePolicies.of(policy),
    new MemoryDecisionStore({ maxEntries: 10_000, retentionSeconds: 60 }),
    new RiskwireMetrics({ defaultMetrics: false }),
    new DecisionIds(config),
    config,
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
});
