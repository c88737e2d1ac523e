import { describe, expect, it } from '@jest/globals';
import type { RiskEvent } from '../domain/risk-event.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { loadPolicy } from '../policy/policy-file.js';
import { ScoringService } from '../scoring/scoring.service.js';
import type { SignalsService } from '../signals/signals.service.js';
import type { SignalRequest, SignalSet } from '../domain/signal-result.js';
import { DeterministicFailure } from '../domain/deterministic-failure.js';
import { DecisionIds, decisionIdFor } from './decision-id.js';
import { MemoryDecisionStore } from './memory-decision-store.js';
import { RiskEngine } from './risk-engine.js';

const SECRET = 'engine-spec-secret';
const event: RiskEvent = {
  eventId: 'evt-1',
  type: 'login',
  occurredAt: '2026-11-21T10:00:00Z',
  accountId: 'acc-1',
  phoneNumber: '+491701234567',
};

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
  const store = new MemoryDecisionStore({ maxEntries: 100, retentionSeconds: 60 });
  const config = { decisions: { idSecret: SECRET }, tenancy: { kafkaTenant: 'kafka' } };
  const engine = new RiskEngine(fakeSignals, scoring, store, metrics, new DecisionIds(config), config);
  return { engine, asked, metrics, store };
}

const forwarded: SignalSet = {
  simSwap: { status: 'OK', value: { latestChange: null } },
  deviceSwap: { status: 'OK', value: { swappedWithin: { swapped: false, maxAgeMinutes: 1440 } } },
  callForwarding: { status: 'OK', value: { active: true } },
};

describe('RiskEngine', () => {
  it('asks the signals the policy needs and builds an explained decision with a deterministic id', async () => {
    const { engine, asked } = engineWith(forwarded);
    const { decision, replayed } = await engine.assess(event, { source: 'http', tenant: 'acme', receivedAt: Date.now() });
    expect(replayed).toBe(false);
    expect(asked).toHaveLength(1);
    expect(asked[0].callForwarding).toBe(true);
    expect(decision).toMatchObject({
      decisionId: decisionIdFor(SECRET, 'acme', 'evt-1'),
      eventId: 'evt-1',
      eventType: 'login',
      accountId: 'acc-1',
      outcome: 'CHALLENGE',
      avoidOtpChannels: ['voice'],
    });
    expect(decision.signals.callForwarding).toEqual({ status: 'OK', value: { active: true } });
    expect(decision.reasons.map((r) => r.code)).toContain('CALL_FORWARDING_ACTIVE');
  });

  it('answers a replay of the same event with the retained decision, without asking upstream again', async () => {
    const { engine, asked } = engineWith(forwarded);
    const first = await engine.assess(event, { source: 'kafka' });
    const again = await engine.assess({ ...event }, { source: 'grpc', tenant: 'kafka' });
    expect(again.replayed).toBe(true);
    expect(again.decision).toEqual(first.decision);
    expect(asked).toHaveLength(1);
  });

  it('refuses the same eventId with other content as EVENT_ID_CONFLICT, without asking upstream or touching the first decision', async () => {
    const { engine, asked, store } = engineWith(forwarded);
    const first = await engine.assess(event, { source: 'kafka' });
    const other = { ...event, accountId: 'acc-2', phoneNumber: '+491709999999' };
    const failure = await engine.assess(other, { source: 'kafka' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(DeterministicFailure);
    expect(failure).toMatchObject({ code: 'EVENT_ID_CONFLICT', details: [expect.objectContaining({ field: 'eventId' })] });
    expect((failure as Error).message).toContain('evt-1');
    expect((failure as Error).message).not.toMatch(/\+49|acc-/);
    expect(asked).toHaveLength(1);
    expect((await store.get('kafka', first.decision.decisionId))?.decision).toEqual(first.decision);
    // a transaction with the same id as a login, or one field changed, is other content too
    await expect(engine.assess({ ...event, occurredAt: '2026-11-21T10:00:01Z' }, { source: 'kafka' })).rejects.toMatchObject({
      code: 'EVENT_ID_CONFLICT',
    });
  });

  it('keeps tenants apart: the same eventId in another tenant is another decision, scored on its own content', async () => {
    const { engine, asked } = engineWith(forwarded);
    const planted = await engine.assess({ ...event, accountId: 'acc-planted' }, { source: 'http', tenant: 'mallory' });
    const real = await engine.assess(event, { source: 'kafka' });
    expect(real.replayed).toBe(false);
    expect(real.decision.decisionId).not.toBe(planted.decision.decisionId);
    expect(real.decision.decisionId).toBe(decisionIdFor(SECRET, 'kafka', 'evt-1'));
    expect(real.decision.accountId).toBe('acc-1');
    expect(asked).toHaveLength(2);
  });

  it('gives concurrent assessments of one event one decision (first stored wins), and a concurrent other event a conflict', async () => {
    const { engine } = engineWith(forwarded);
    const same = await Promise.all([engine.assess(event, { source: 'kafka' }), engine.assess({ ...event }, { source: 'kafka' })]);
    expect(same[1].decision).toEqual(same[0].decision);
    expect(same.map((r) => r.replayed).sort()).toEqual([false, true]);
    const other = { ...event, eventId: 'evt-race' };
    const results = await Promise.allSettled([
      engine.assess(other, { source: 'kafka' }),
      engine.assess({ ...other, accountId: 'acc-9' }, { source: 'kafka' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'EVENT_ID_CONFLICT' } });
  });

  it('publishes the build and policy version as build info', async () => {
    const { metrics } = engineWith(forwarded);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/riskwire_build_info\{version="\d+\.\d+\.\d+",policy_version="[^"]+",node_version="v20[^"]*"\} 1/);
  });
});

describe('RiskEngine: which provider answered', () => {
  it('names the provider of each answer in the decision (signals.<name>.provider), none for a skipped check', async () => {
    const { engine } = engineWith({
      simSwap: { status: 'OK', value: { latestChange: null }, provider: 'camara-de', fromCache: true, latencyMs: 3 },
      deviceSwap: { status: 'SKIPPED' },
      callForwarding: { status: 'UNAVAILABLE', reason: 'http_5xx', detail: '503', provider: 'tyntec' },
    });
    const { decision } = await engine.assess(event, { source: 'kafka' });
    expect(decision.signals).toEqual({
      simSwap: { status: 'OK', value: { latestChange: null }, provider: 'camara-de' },
      deviceSwap: { status: 'SKIPPED' },
      callForwarding: { status: 'UNAVAILABLE', reason: 'http_5xx', provider: 'tyntec' },
    });
  });
});
