import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import type { SignalProvider } from './providers/signal-provider.js';
import { TyntecProvider } from './providers/tyntec/tyntec-provider.js';
import { SignalRouter } from './signal-router.js';
import type { CacheableSignalResult } from './signal-cache-policy.js';
import { InMemorySignalCache, NoSignalCache, type SignalCache } from './signal-cache.js';
import type { SignalRequest } from '../domain/signal-result.js';
import { SignalsService } from './signals.service.js';
import { signalsSettingsFrom, type SignalsSettings } from './signals.settings.js';
import { UpstreamStub, defaultAnswers } from '../../test/doubles/upstream-stub.js';

const PHONE = '+491701234567';
const ALL: SignalRequest = { simSwap: { mode: 'date' }, deviceSwap: { mode: 'window', maxAgeMinutes: 90 }, callForwarding: true };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Records every set so tests can compare the TTL chosen per answer. */
class RecordingCache implements SignalCache {
  readonly sets: { key: string; value: CacheableSignalResult; ttlMs: number }[] = [];
  private readonly inner = new InMemorySignalCache(1000);
  get(key: string) {
    return this.inner.get(key);
  }
  async set(key: string, value: CacheableSignalResult, ttlMs: number) {
    this.sets.push({ key, value, ttlMs });
    await this.inner.set(key, value, ttlMs);
  }
  close() {
    return this.inner.close();
  }
}

async function valueOf(metric: Counter | Gauge | Histogram, labels: Record<string, string>): Promise<number> {
  const { values } = await metric.get();
  // A histogram reports buckets, sum and count: count observations only.
  const counted = values.filter((v) => !/_(bucket|sum)$/.test(String((v as { metricName?: string }).metricName ?? '')));
  const match = counted.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return match.reduce((sum, v) => sum + v.value, 0);
}

describe('SignalsService', () => {
  let stub: UpstreamStub;
  let client: TyntecProvider;
  let metrics: RiskwireMetrics;
  let cache: RecordingCache;

  const settingsWith = (overrides: Partial<SignalsSettings> = {}) =>
    signalsSettingsFrom(
      {
        baseUrl: 'http://127.0.0.1:1',
        apiKey: 'k',
        timeoutMs: 1000,
        callForwardingPath: '/call-forwarding/check',
        maxConnections: 16,
        retries: 1,
        bulkhead: 100,
        cache: 'memory',
        cacheMaxEntries: 1000,
      },
      { backoffInitialMs: 10, backoffMaxMs: 20, ...overrides },
    );
  const service = (overrides: Partial<SignalsSettings> = {}, withCache: SignalCache = cache) =>
    new SignalsService(SignalRouter.single(client), withCache, settingsWith(overrides), metrics);

  beforeEach(async () => {
    stub = await UpstreamStub.start();
    client = new TyntecProvider({
      baseUrl: stub.baseUrl,
      apiKey: 'k',
      timeoutMs: 5000,
      callForwardingPath: '/call-forwarding/check',
      maxConnections: 16,
    });
    metrics = new RiskwireMetrics({ defaultMetrics: false });
    cache = new RecordingCache();
  });
  afterEach(async () => {
    await client.close();
    await stub.close();
  });

  describe('fan-out', () => {
    it('runs the three checks concurrently: 3 × 150 ms answers in well under 450 ms', async () => {
      stub.handler = (req) => ({ ...defaultAnswers(req), delayMs: 150 });
      const started = Date.now();
      const { signals, upstreamCalls } = await service().collect(PHONE, ALL);
      const elapsed = Date.now() - started;
      expect(signals.simSwap).toMatchObject({ status: 'OK', value: { latestChange: '2024-09-18T07:37:53.471829447Z' } });
      expect(signals.deviceSwap).toMatchObject({ status: 'OK', value: { swappedWithin: { swapped: true, maxAgeMinutes: 90 } } });
      expect(signals.callForwarding).toMatchObject({ status: 'OK', value: { active: false } });
      expect(upstreamCalls).toBe(3);
      expect(elapsed).toBeGreaterThanOrEqual(145);
      expect(elapsed).toBeLessThan(350);
    });

    it('asks only what was requested: the rest is SKIPPED without a request', async () => {
      const { signals, upstreamCalls } = await service().collect(PHONE, { callForwarding: true });
      expect(signals.simSwap).toEqual({ status: 'SKIPPED' });
      expect(signals.deviceSwap).toEqual({ status: 'SKIPPED' });
      expect(signals.callForwarding).toMatchObject({ status: 'OK' });
      expect(stub.requests.map((r) => r.path)).toEqual(['/network-signal/v1/call-forwarding/check']);
      expect(upstreamCalls).toBe(1);
      expect(await valueOf(metrics.signalLookups, { signal: 'simSwap', source: 'skipped' })).toBe(1);
    });

    it('window mode sends maxAge in minutes to the check endpoint; date mode uses retrieve-date', async () => {
      await service().collect(PHONE, { simSwap: { mode: 'window', maxAgeMinutes: 1440 }, deviceSwap: { mode: 'date' } });
      expect(stub.requestsTo('/sim-swap/check')[0].body).toEqual({ phoneNumber: PHONE, maxAge: 1440 });
      expect(stub.requestsTo('/device-swap/retrieve-date')[0].body).toEqual({ phoneNumber: PHONE });
    });

    it('refuses an out-of-range window locally instead of paying for a 400 or shrinking it silently', async () => {
      const { signals } = await service().collect(PHONE, { simSwap: { mode: 'window', maxAgeMinutes: 3000 } });
      expect(signals.simSwap).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_400' });
      expect(stub.requests).toHaveLength(0);
    });
  });

  describe('deadline', () => {
    it('a hanging check comes back deadline_exceeded while the others are OK, and collect resolves near the deadline', async () => {
      stub.handler = (req) => (req.path.includes('call-forwarding') ? { hang: true } : defaultAnswers(req));
      const started = Date.now();
      const { signals } = await service().collect(PHONE, ALL, { deadline: started + 300 });
      const elapsed = Date.now() - started;
      expect(signals.simSwap.status).toBe('OK');
      expect(signals.deviceSwap.status).toBe('OK');
      expect(signals.callForwarding).toMatchObject({ status: 'UNAVAILABLE', reason: 'deadline_exceeded' });
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(450);
    });

    it('an attempt that outlives its own timeout is a timeout (and retried within the deadline)', async () => {
      stub.handler = (req) => (req.path.includes('call-forwarding') ? { hang: true } : defaultAnswers(req));
      const started = Date.now();
      const { signals, upstreamCalls } = await service({ attemptTimeoutMs: 100, retries: 1 }).collect(
        PHONE,
        { callForwarding: true },
        { deadline: started + 1000 },
      );
      expect(signals.callForwarding).toMatchObject({ status: 'UNAVAILABLE', reason: 'timeout' });
      expect(upstreamCalls).toBe(2);
      expect(Date.now() - started).toBeLessThan(600);
    });

    it('resolves on time even when the client itself never settles (no network: injected fake)', async () => {
      const stuck: SignalProvider = {
        id: 'stuck',
        simSwapCheck: () => new Promise(() => {}),
        simSwapDate: async () => ({ status: 'OK', value: { latestChange: null } }),
        deviceSwapCheck: () => new Promise(() => {}),
        deviceSwapDate: () => new Promise(() => {}),
        callForwarding: () => new Promise(() => {}),
        close: async () => {},
      };
      const settings = settingsWith({ retries: 0, bulkhead: 10 });
      const started = Date.now();
      const { signals } = await new SignalsService(SignalRouter.single(stuck), new NoSignalCache(), settings, metrics).collect(PHONE, ALL, {
        deadline: started + 200,
      });
      expect(signals.simSwap).toMatchObject({ status: 'OK', value: { latestChange: null } });
      expect(signals.deviceSwap).toMatchObject({ status: 'UNAVAILABLE', reason: 'deadline_exceeded' });
      expect(signals.callForwarding).toMatchObject({ status: 'UNAVAILABLE', reason: 'deadline_exceeded' });
      expect(Date.now() - started).toBeLessThan(350);
    });

    it('never rejects, even when the client throws', async () => {
      const broken = {
        id: 'broken',
        simSwapDate: async () => {
          throw new Error('bug');
        },
        close: async () => {},
      } as unknown as SignalProvider;
      const settings = settingsWith({ retries: 2, bulkhead: 10 });
      const { signals } = await new SignalsService(SignalRouter.single(broken), new NoSignalCache(), settings, metrics).collect(PHONE, {
        simSwap: { mode: 'date' },
      });
      expect(signals.simSwap).toMatchObject({ status: 'UNAVAILABLE' });
    });
  });

  describe('retries', () => {
    it('503 then 200 → OK after 2 requests', async () => {
      let n = 0;
      stub.handler = (req) => (++n === 1 ? { status: 503, body: { code: 'UNAVAILABLE', message: 'try again' } } : defaultAnswers(req));
      const { signals, upstreamCalls } = await service({ retries: 1 }).collect(PHONE, { simSwap: { mode: 'date' } });
      expect(signals.simSwap.status).toBe('OK');
      expect(stub.requests).toHaveLength(2);
      expect(upstreamCalls).toBe(2);
      expect(await valueOf(metrics.signalDuration, { signal: 'simSwap', result: 'http_5xx' })).toBe(1);
      expect(await valueOf(metrics.signalDuration, { signal: 'simSwap', result: 'ok' })).toBe(1);
      expect(await valueOf(metrics.upstreamCalls, { signal: 'simSwap', endpoint: 'retrieve-date' })).toBe(2);
    });

    it('connection reset then 200 → OK', async () => {
      let n = 0;
      stub.handler = (req) => (++n === 1 ? { reset: true } : defaultAnswers(req));
      const { signals } = await service({ retries: 1 }).collect(PHONE, { callForwarding: true });
      expect(signals.callForwarding.status).toBe('OK');
      expect(stub.requests).toHaveLength(2);
    });

    it('honours a short Retry-After on 429', async () => {
      let n = 0;
      stub.handler = (req) => (++n === 1 ? { status: 429, headers: { 'retry-after': '0' }, body: {} } : defaultAnswers(req));
      const { signals } = await service({ retries: 2 }).collect(PHONE, { callForwarding: true });
      expect(signals.callForwarding.status).toBe('OK');
      expect(stub.requests).toHaveLength(2);
    });

    it('gives up at once when Retry-After is longer than the remaining budget', async () => {
      stub.handler = () => ({ status: 429, headers: { 'retry-after': '30' }, body: { code: 'RATE_LIMITED', message: 'slow down' } });
      const started = Date.now();
      const { signals } = await service({ retries: 3 }).collect(PHONE, { callForwarding: true }, { deadline: started + 1000 });
      expect(signals.callForwarding).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_429' });
      expect(signals.callForwarding).not.toHaveProperty('retryAfterMs');
      expect(stub.requests).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(500);
    });

    it.each([
      [400, 'http_400'],
      [401, 'http_401'],
      [403, 'http_403'],
    ])('%i is not retried (1 request)', async (status, reason) => {
      stub.handler = () => ({ status, body: { code: 'NOPE', message: 'no' } });
      const { signals, upstreamCalls } = await service({ retries: 3 }).collect(PHONE, { simSwap: { mode: 'date' } });
      expect(signals.simSwap).toMatchObject({ status: 'UNAVAILABLE', reason });
      expect(stub.requests).toHaveLength(1);
      expect(upstreamCalls).toBe(1);
    });

    it('404 is not retried and comes back NOT_FOUND', async () => {
      stub.handler = () => ({ status: 404, body: {} });
      const { signals } = await service({ retries: 3 }).collect(PHONE, { deviceSwap: { mode: 'date' } });
      expect(signals.deviceSwap).toMatchObject({ status: 'NOT_FOUND' });
      expect(stub.requests).toHaveLength(1);
    });

    it('stops after the configured number of retries', async () => {
      stub.handler = () => ({ status: 500, body: {} });
      const { signals, upstreamCalls } = await service({ retries: 2 }).collect(PHONE, { callForwarding: true });
      expect(signals.callForwarding).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_5xx' });
      expect(upstreamCalls).toBe(3);
    });
  });

  describe('circuit breaker', () => {
    it('opens after repeated failures, stops calling upstream, reports it, and only for that signal', async () => {
      stub.handler = (req) => (req.path.includes('sim-swap') ? { status: 500, body: {} } : defaultAnswers(req));
      const signals = service({ retries: 0, breakerThreshold: 3, halfOpenAfterMs: 60_000 }, new NoSignalCache());
      for (let i = 0; i < 3; i++) {
        expect((await signals.collect(PHONE, { simSwap: { mode: 'date' } })).signals.simSwap).toMatchObject({ reason: 'http_5xx' });
      }
      const seen = stub.requests.length;
      const { signals: after, upstreamCalls } = await signals.collect(PHONE, { simSwap: { mode: 'date' }, callForwarding: true });
      expect(after.simSwap).toMatchObject({ status: 'UNAVAILABLE', reason: 'circuit_open' });
      expect(after.callForwarding.status).toBe('OK');
      expect(stub.requests.length - seen).toBe(1);
      expect(upstreamCalls).toBe(1);
      expect(await valueOf(metrics.circuitState, { signal: 'simSwap' })).toBe(1);
      expect(await valueOf(metrics.circuitState, { signal: 'callForwarding' })).toBe(0);
      expect(signals.circuitStates()).toEqual({ simSwap: 'open', deviceSwap: 'closed', callForwarding: 'closed' });
    });

    it("is not tripped by attempts cut short by the caller's own tight deadline", async () => {
      stub.handler = () => ({ hang: true });
      const signals = service({ retries: 0, breakerThreshold: 2, attemptTimeoutMs: 1000 }, new NoSignalCache());
      for (let i = 0; i < 3; i++) {
        const { signals: result } = await signals.collect(PHONE, { callForwarding: true }, { deadline: Date.now() + 80 });
        expect(result.callForwarding).toMatchObject({ reason: 'deadline_exceeded' });
      }
      await sleep(20);
      expect(signals.circuitStates().callForwarding).toBe('closed');
    });

    it('half-opens after the pause and closes again when the upstream recovers', async () => {
      let healthy = false;
      stub.handler = (req) => (healthy ? defaultAnswers(req) : { status: 503, body: {} });
      const signals = service({ retries: 0, breakerThreshold: 2, halfOpenAfterMs: 150 }, new NoSignalCache());
      await signals.collect(PHONE, { callForwarding: true });
      await signals.collect(PHONE, { callForwarding: true });
      expect((await signals.collect(PHONE, { callForwarding: true })).signals.callForwarding).toMatchObject({ reason: 'circuit_open' });
      healthy = true;
      await sleep(200);
      expect((await signals.collect(PHONE, { callForwarding: true })).signals.callForwarding.status).toBe('OK');
      expect(await valueOf(metrics.circuitState, { signal: 'callForwarding' })).toBe(0);
    });
  });

  describe('bulkhead', () => {
    it('rejects lookups beyond the per-signal limit with bulkhead_full', async () => {
      stub.handler = (req) => ({ ...defaultAnswers(req), delayMs: 100 });
      const signals = service({ bulkhead: 2 });
      const results = await Promise.all(
        ['+491700000001', '+491700000002', '+491700000003'].map((p) => signals.collect(p, { callForwarding: true })),
      );
      const reasons = results
        .map((r) => (r.signals.callForwarding.status === 'OK' ? 'OK' : (r.signals.callForwarding as { reason: string }).reason))
        .sort();
      expect(reasons).toEqual(['OK', 'OK', 'bulkhead_full']);
      expect(stub.requests).toHaveLength(2);
    });
  });

  describe('cache', () => {
    it('a second identical lookup makes no upstream request', async () => {
      const signals = service();
      const first = await signals.collect(PHONE, ALL);
      const second = await signals.collect(PHONE, ALL);
      expect(stub.requests).toHaveLength(3);
      expect(second.upstreamCalls).toBe(0);
      expect(second.signals.simSwap).toMatchObject({
        status: 'OK',
        fromCache: true,
        value: (first.signals.simSwap as { value: unknown }).value,
      });
      expect(second.signals.callForwarding).toMatchObject({ status: 'OK', fromCache: true });
      expect(await valueOf(metrics.signalLookups, { source: 'cache' })).toBe(3);
    });

    it('distinguishes mode and window: a different maxAge is a different question', async () => {
      const signals = service();
      await signals.collect(PHONE, { simSwap: { mode: 'window', maxAgeMinutes: 60 } });
      await signals.collect(PHONE, { simSwap: { mode: 'window', maxAgeMinutes: 120 } });
      await signals.collect(PHONE, { simSwap: { mode: 'date' } });
      expect(stub.requests).toHaveLength(3);
    });

    it('keeps answers for different lengths: swap seen > clean > call forwarding; unknown subscriber longest', async () => {
      stub.handler = (req) => {
        if (req.path.endsWith('/sim-swap/check')) return { body: { swapped: true } };
        if (req.path.endsWith('/device-swap/check')) return { body: { swapped: false } };
        if (req.path.includes('call-forwarding')) return { body: { active: true } };
        return { status: 404, body: {} };
      };
      const signals = service();
      await signals.collect(PHONE, {
        simSwap: { mode: 'window', maxAgeMinutes: 60 },
        deviceSwap: { mode: 'window', maxAgeMinutes: 60 },
        callForwarding: true,
      });
      await signals.collect('+491709999999', { simSwap: { mode: 'date' } });
      const ttl = (pattern: RegExp) => cache.sets.find((s) => pattern.test(s.key))!.ttlMs;
      const positive = ttl(/simSwap:window/);
      const clean = ttl(/deviceSwap:window/);
      const forwarding = ttl(/callForwarding/);
      const notFound = ttl(/simSwap:date/);
      expect(positive).toBe(10 * 60_000);
      expect(clean).toBe(5 * 60_000);
      expect(forwarding).toBeLessThanOrEqual(60_000);
      expect(notFound).toBe(30 * 60_000);
      expect(cache.sets.every((s) => !('latencyMs' in s.value) && !s.key.includes('1701234567'))).toBe(true);
    });

    it('does not cache UNAVAILABLE', async () => {
      stub.handler = () => ({ status: 500, body: {} });
      const signals = service({ retries: 0 });
      await signals.collect(PHONE, { callForwarding: true });
      await signals.collect(PHONE, { callForwarding: true });
      expect(stub.requests).toHaveLength(2);
      expect(cache.sets).toHaveLength(0);
    });

    it('a broken cache is a miss, not a failed lookup', async () => {
      const failing: SignalCache = { get: async () => undefined, set: async () => {}, close: async () => {} };
      const { signals } = await service({}, failing).collect(PHONE, { callForwarding: true });
      expect(signals.callForwarding.status).toBe('OK');
    });
  });

  describe('coalescing', () => {
    it('20 concurrent identical lookups share 1 upstream request', async () => {
      stub.handler = (req) => ({ ...defaultAnswers(req), delayMs: 50 });
      const signals = service({}, new NoSignalCache());
      const all = await Promise.all(Array.from({ length: 20 }, () => signals.collect(PHONE, { simSwap: { mode: 'date' } })));
      expect(stub.requests).toHaveLength(1);
      expect(all.every((r) => r.signals.simSwap.status === 'OK')).toBe(true);
      expect(all.reduce((sum, r) => sum + r.upstreamCalls, 0)).toBe(1);
      expect(await valueOf(metrics.signalLookups, { signal: 'simSwap', source: 'coalesced' })).toBe(19);
      expect(await valueOf(metrics.signalLookups, { signal: 'simSwap', source: 'upstream' })).toBe(1);
    });

    it('different numbers are not coalesced', async () => {
      stub.handler = (req) => ({ ...defaultAnswers(req), delayMs: 30 });
      const signals = service({}, new NoSignalCache());
      await Promise.all([signals.collect(PHONE, { callForwarding: true }), signals.collect('+491709999999', { callForwarding: true })]);
      expect(stub.requests).toHaveLength(2);
    });
  });
});
