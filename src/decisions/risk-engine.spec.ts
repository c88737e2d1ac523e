import { describe, expect, it } from '@jest/globals';
import type { RiskEvent } from '../domain/risk-event.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { loadPolicy } from '../policy/policy-file.js';
import { ActivePolicies } from '../policy/active-policies.js';
import type { RiskPolicy } from '../scoring/risk-policy.js';
import type { SignalsService } from '../signals/signals.service.js';
import type { SignalRequest, SignalSet } from '../domain/signal-result.js';
import { DeterministicFailure } from '../domain/deterministic-failure.js';
import { PolicyEnforcement } from '../enforcement/policy-enforcement.service.js';
import { PolicyModeService } from '../enforcement/policy-mode.service.js';
import { MemoryPolicyModeStore } from '../enforcement/policy-mode.store.js';
import { ListsService } from '../lists/lists.service.js';
import { MemoryListStore } from '../lists/memory-list-store.js';
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

function engineWith(signals: SignalSet, policies = ActivePolicies.of(loadPolicy())) {
  const asked: SignalRequest[] = [];
  const fakeSignals = {
    collect: async (_phone: string, request: SignalRequest) => {
      asked.push(request);
      return { signals, upstreamCalls: 3 };
    },
  } as unknown as SignalsService;
  const metrics = new RiskwireMetrics({ defaultMetrics: false });
  const store = new MemoryDecisionStore({ maxEntries: 100, retentionSeconds: 60 });
  const config = { decisions: { idSecret: SECRET }, tenancy: { kafkaTenant: 'kafka' } };
  const lists = new ListsService(new MemoryListStore(), { lists: { hashSecret: 'engine-spec-list-secret' } });
  const mode = new PolicyModeService(new MemoryPolicyModeStore(), metrics);
  const enforcement = new PolicyEnforcement(policies, mode, metrics);
  const engine = new RiskEngine(fakeSignals, policies, store, metrics, new DecisionIds(config), config, lists, enforcement);
  return { engine, asked, metrics, store, lists, mode };
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

  it('records the event fields the rules read, never the phone number', async () => {
    const { engine } = engineWith(forwarded);
    const tx: RiskEvent = {
      eventId: 'evt-tx',
      type: 'transaction',
      occurredAt: '2026-11-21T10:00:00Z',
      accountId: 'acc-1',
      phoneNumber: '+491701234567',
      amount: { value: '1250.00', currency: 'EUR' },
      transactionType: 'transfer',
      beneficiaryId: 'ben-7',
      beneficiaryIsNew: true,
    };
    const { decision } = await engine.assess(tx, { source: 'kafka' });
    expect(decision.evidence).toEqual({
      occurredAt: '2026-11-21T10:00:00Z',
      amount: { value: '1250.00', currency: 'EUR' },
      transactionType: 'transfer',
      beneficiaryIsNew: true,
    });
    expect(JSON.stringify(decision)).not.toContain('1701234567');
  });

  it('decides every event with the policy in force when it started, and the next one with a swapped-in policy', async () => {
    const policies = ActivePolicies.of(loadPolicy());
    const { engine } = engineWith(forwarded, policies);
    expect((await engine.assess(event, { source: 'kafka' })).decision.policyVersion).toBe('2026-11-21.1');
    policies.replace('live', { policy: renamed(loadPolicy(), 'next-1'), file: 'x', contentHash: 'h', loadedAt: '' });
    expect((await engine.assess({ ...event, eventId: 'evt-2' }, { source: 'kafka' })).decision.policyVersion).toBe('next-1');
  });

  it('scores the shadow policy on the same answers, asking upstream only what the live policy needs', async () => {
    const lenient = loadPolicy();
    const json = JSON.parse(JSON.stringify(lenient)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    json.version = 'shadow-1';
    json.signals.callForwarding.activePoints = 10;
    delete json.checks.login.simSwap; // the live policy still asks it
    const { parsePolicy } = await import('../scoring/risk-policy.js');
    const { engine, asked } = engineWith(forwarded, ActivePolicies.of(lenient, parsePolicy(json)));
    const { decision, shadow } = await engine.assess(event, { source: 'kafka' });
    expect(asked).toHaveLength(1);
    expect(decision.outcome).toBe('CHALLENGE');
    expect(shadow).toMatchObject({
      decisionId: decision.decisionId,
      live: { outcome: 'CHALLENGE', score: 45, policyVersion: '2026-11-21.1' },
      shadow: { outcome: 'ALLOW', score: 10, policyVersion: 'shadow-1' },
      unfetchedSignals: [],
    });
  });

  it('names the signals only the shadow needs: not fetched, scored as skipped', async () => {
    const liveJson = JSON.parse(JSON.stringify(loadPolicy())) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    delete liveJson.checks.login.deviceSwap;
    const { parsePolicy } = await import('../scoring/risk-policy.js');
    const skipped: SignalSet = { ...forwarded, deviceSwap: { status: 'SKIPPED' } };
    const { engine, asked } = engineWith(skipped, ActivePolicies.of(parsePolicy(liveJson), renamed(loadPolicy(), 'shadow-2')));
    const { decision, shadow } = await engine.assess(event, { source: 'kafka' });
    expect(asked[0].deviceSwap).toBeUndefined();
    expect(decision.degraded).toBe(false);
    expect(shadow!.unfetchedSignals).toEqual(['deviceSwap']);
    expect(shadow!.shadow.degraded).toBe(true);
    expect(shadow!.shadow.reasons.map((r) => r.code)).toContain('SIGNAL_UNAVAILABLE_DEVICE_SWAP');
  });

  it('scores the shadow with the same list matches as the live policy, recorded once in the evidence', async () => {
    const { engine, lists } = engineWith(forwarded, ActivePolicies.of(loadPolicy(), renamed(loadPolicy(), 'shadow-lists')));
    await lists.add({ list: 'deny', type: 'accountId', value: 'acc-1' }, 'ops');
    const { decision, shadow } = await engine.assess({ ...event, eventId: 'evt-sl' }, { source: 'kafka' });
    expect(decision.outcome).toBe('DENY');
    expect(decision.evidence.listMatches).toEqual({ deny: ['accountId'], allow: [], watch: [] });
    expect(shadow!.shadow.outcome).toBe('DENY');
    expect(shadow!.shadow.reasons.map((r) => r.code)).toContain('LIST_DENY_MATCH');
  });

  it("in monitor mode compares the shadow with the live policy's own outcome, not the published ALLOW", async () => {
    const { engine, mode } = engineWith(forwarded, ActivePolicies.of(loadPolicy(), renamed(loadPolicy(), 'shadow-m')));
    await mode.set('monitor', 'ops');
    const { decision, shadow } = await engine.assess({ ...event, eventId: 'evt-sm' }, { source: 'kafka' });
    expect(decision).toMatchObject({ outcome: 'ALLOW', proposedOutcome: 'CHALLENGE' });
    expect(decision.evidence).toEqual({ occurredAt: event.occurredAt });
    expect(shadow!.live.outcome).toBe('CHALLENGE');
  });

  it('makes no shadow decision for a replay', async () => {
    const { engine } = engineWith(forwarded, ActivePolicies.of(loadPolicy(), renamed(loadPolicy(), 'shadow-3')));
    expect((await engine.assess(event, { source: 'kafka' })).shadow).toBeDefined();
    expect((await engine.assess(event, { source: 'kafka' })).shadow).toBeUndefined();
  });

  it('matches the lists before scoring: a deny entry decides the next event, its removal the one after', async () => {
    const { engine, lists } = engineWith(forwarded);
    await lists.add({ list: 'deny', type: 'accountId', value: 'acc-1' }, 'ops');
    const denied = (await engine.assess({ ...event, eventId: 'evt-l1' }, { source: 'kafka' })).decision;
    expect(denied.outcome).toBe('DENY');
    expect(denied.reasons.map((r) => r.code)).toContain('LIST_DENY_MATCH');
    await lists.remove('deny', 'accountId', 'acc-1', 'ops');
    const after = (await engine.assess({ ...event, eventId: 'evt-l2' }, { source: 'kafka' })).decision;
    expect(after.outcome).toBe('CHALLENGE');
    expect(after.reasons.map((r) => r.code)).not.toContain('LIST_DENY_MATCH');
  });

  it('in monitor mode publishes ALLOW with the policy outcome in proposedOutcome; back in enforce, no proposedOutcome', async () => {
    const { engine, mode, metrics } = engineWith({
      ...forwarded,
      simSwap: { status: 'OK', value: { latestChange: new Date().toISOString() } },
    });
    await mode.set('monitor', 'ops');
    const monitored = (await engine.assess({ ...event, eventId: 'evt-m1' }, { source: 'kafka' })).decision;
    expect(monitored).toMatchObject({ outcome: 'ALLOW', proposedOutcome: 'DENY', score: 100 });
    expect(await metrics.registry.getSingleMetricAsString('riskwire_policy_mode')).toMatch(/mode="monitor"\} 1/);
    await mode.set('enforce', 'ops');
    const enforced = (await engine.assess({ ...event, eventId: 'evt-m2' }, { source: 'kafka' })).decision;
    expect(enforced.outcome).toBe('DENY');
    expect(enforced).not.toHaveProperty('proposedOutcome');
  });

  it('turns DENYs into REVIEW (DECLINE_RATE_GUARD) once the DENY share passes the threshold, and says so in a metric', async () => {
    const { engine, metrics } = engineWith({ ...forwarded, simSwap: { status: 'OK', value: { latestChange: new Date().toISOString() } } });
    const outcomes: string[] = [];
    // default guard: at least 100 decisions in 5 minutes, DENY share above 20 %
    for (let i = 0; i < 101; i += 1)
      outcomes.push((await engine.assess({ ...event, eventId: `evt-g${i}` }, { source: 'kafka' })).decision.outcome);
    expect(outcomes.slice(0, 99).every((o) => o === 'DENY')).toBe(true);
    expect(outcomes.slice(99)).toEqual(['REVIEW', 'REVIEW']);
    const last = (await engine.assess({ ...event, eventId: 'evt-g-last' }, { source: 'kafka' })).decision;
    expect(last.reasons.at(-1)).toMatchObject({ code: 'DECLINE_RATE_GUARD', points: 0 });
    expect(await metrics.registry.getSingleMetricAsString('riskwire_decline_rate_guard_active')).toMatch(
      /riskwire_decline_rate_guard_active 1/,
    );
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

function renamed(policy: RiskPolicy, version: string): RiskPolicy {
  return { ...policy, version };
}
