import { describe, expect, it } from '@jest/globals';
import type { AppConfig } from '../config/app-config.js';
import type { ShadowDecision } from '../domain/decision.js';
import type { BatchingProducer } from '../kafka/batching-producer.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { ShadowDecisionPublisher } from './shadow-decision-publisher.js';

const shadow: ShadowDecision = {
  decisionId: 'dec_x',
  eventId: 'evt-1',
  eventType: 'login',
  accountId: 'acc-1',
  live: { outcome: 'CHALLENGE', score: 35, policyVersion: 'live-1' },
  shadow: { outcome: 'REVIEW', score: 60, reasons: [], avoidOtpChannels: ['sms'], degraded: true, policyVersion: 'shadow-1' },
  unfetchedSignals: ['deviceSwap'],
  decidedAt: '2026-12-01T00:00:00.000Z',
};
const config = { policyLifecycle: { topics: { shadowDecisions: 'risk.decisions.shadow.v1' } } } as unknown as AppConfig;

function publisherWith(send: BatchingProducer['send']) {
  const metrics = new RiskwireMetrics({ defaultMetrics: false });
  return { publisher: new ShadowDecisionPublisher({ send } as BatchingProducer, config, metrics), metrics };
}

describe('ShadowDecisionPublisher', () => {
  it('publishes keyed by account with the shadow version header, and counts the transition and the unfetched signal', async () => {
    const sent: Array<{ topic: string; key: string; value: string; headers: Record<string, string> }> = [];
    const { publisher, metrics } = publisherWith(async (topic, message) => {
      sent.push({ topic, ...(message as { key: string; value: string; headers: Record<string, string> }) });
    });
    await publisher.publish(shadow);
    expect(sent).toEqual([
      {
        topic: 'risk.decisions.shadow.v1',
        key: 'acc-1',
        value: JSON.stringify(shadow),
        headers: { 'riskwire-decision-id': 'dec_x', 'riskwire-policy-version': 'shadow-1' },
      },
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('riskwire_shadow_outcome_transitions_total{live_outcome="CHALLENGE",shadow_outcome="REVIEW"} 1');
    expect(text).toContain('riskwire_shadow_unfetched_signals_total{signal="deviceSwap"} 1');
  });

  it('never rejects: a broker that refuses the shadow decision is counted, the live path is not disturbed', async () => {
    const { publisher, metrics } = publisherWith(async () => {
      throw new Error('broker down');
    });
    await expect(publisher.publish(shadow)).resolves.toBeUndefined();
    expect(await metrics.registry.metrics()).toContain('riskwire_shadow_publish_failures_total 1');
  });
});
