import { describe, expect, it } from '@jest/globals';
import type { RiskEvent } from '../events/risk-event.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { loadPolicy } from '../scoring/risk-policy.js';
import { ScoringService } from '../scoring/scoring.service.js';
import type { SignalsService } from '../signals/signals.service.js';
import type { SignalRequest, SignalSet } from '../signals/signal-result.js';
import { decisionIdFor } from './decision-id.js';
import { MemoryDecisionStore } from './memory-decision-store.js';
import { RiskEngine } from './risk-engine.js';

const event: RiskEvent = { eventId: 'evt-1', type: 'login', occurredAt: '2026-11-21T10:00:00Z', accountId: 'acc-1', phoneNumber: '+491701234567' };

function engineWith(signals: SignalSet) {
  const asked: SignalRequest[] = [];
  const fakeSignals = {
    collect: async (_phone: string, request: SignalRequest) => {
      asked.push(request);
      return { signals, upstreamCalls: 3 };
    },
  } as unknown as SignalsService;
  const scoring = new ScoringService(loadPolicy());
  const metrics = new RiskwireMetrics({ defaultMetrics: false });
  const engine = new RiskEngine(fakeSignals, scoring, new MemoryDecisionStore({ maxEntries: 100, retentionSeconds: 60 }), metrics);
  return { engine, asked, metrics };
}

const forwarded: SignalSet = {
  simSwap: { status: 'OK', value: { latestChange: null } },
  deviceSwap: { status: 'OK', value: { swappedWithin: { swapped: false, maxAgeMinutes: 1440 } } },
  callForwarding: { status: 'OK', value: { active: true } },
};

describe('RiskEngine', () => {
  it('asks the signals the policy needs and builds an explained decision with a deterministic id', async () => {
    const { engine, asked } = engineWith(forwarded);
    const { decision, replayed } = await engine.assess(event, { source: 'http', receivedAt: Date.now() });
    expect(replayed).toBe(false);
    expect(asked).toHaveLength(1);
    expect(asked[0].callForwarding).toBe(true);
    expect(decision).toMatchObject({ decisionId: decisionIdFor('evt-1'), eventId: 'evt-1', eventType: 'login', accountId: 'acc-1', outcome: 'CHALLENGE', avoidOtpChannels: ['voice'] });
    expect(decision.signals.callForwarding).toEqual({ status: 'OK', value: { active: true } });
    expect(decision.reasons.map((r) => r.code)).toContain('CALL_FORWARDING_ACTIVE');
  });

  it('answers a replay of the same event with the retained decision, without asking upstream again', async () => {
    const { engine, asked } = engineWith(forwarded);
    const first = await engine.assess(event, { source: 'kafka' });
    const again = await engine.assess({ ...event }, { source: 'grpc' });
    expect(again.replayed).toBe(true);
    expect(again.decision).toEqual(first.decision);
    expect(asked).toHaveLength(1);
  });

  it('publishes the build and policy version as build info', async () => {
    const { metrics } = engineWith(forwarded);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/riskwire_build_info\{version="\d+\.\d+\.\d+",policy_version="[^"]+",node_version="v20[^"]*"\} 1/);
  });
});
