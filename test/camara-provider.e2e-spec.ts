/**
 * The CAMARA provider end to end at the provider level: the real SignalsService (resilience, retries, breaker,
 * cache, coalescing) over the CAMARA adapter and the tyntec client, both against one simulator process on
 * 127.0.0.1, scored by the real policy. The routed pipeline (providers file, Kafka) is test/signal-providers*.e2e-spec.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RiskEvent } from '../src/domain/risk-event.js';
import { RiskwireMetrics } from '../src/metrics/riskwire-metrics.js';
import { loadPolicy } from '../src/policy/policy-file.js';
import { scoreEvent } from '../src/scoring/score-event.js';
import { signalsNeeded } from '../src/scoring/signals-needed.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator-server.js';
import { camaraMetricsFrom } from '../src/signals/providers/camara/camara-metrics.js';
import { createCamaraProvider, type CamaraProvider } from '../src/signals/providers/camara/camara-provider.js';
import { TyntecProvider } from '../src/signals/providers/tyntec/tyntec-provider.js';
import type { SignalProvider } from '../src/signals/providers/signal-provider.js';
import { SignalRouter } from '../src/signals/signal-router.js';
import { InMemorySignalCache, NoSignalCache } from '../src/signals/signal-cache.js';
import { SignalsService } from '../src/signals/signals.service.js';
import { signalsSettingsFrom } from '../src/signals/signals.settings.js';

const HOUR_MS = 3_600_000;
const policy = loadPolicy(undefined);
const quiet = { debug: () => undefined, warn: () => undefined };
const ago = (hours: number) => new Date(Date.now() - hours * HOUR_MS).toISOString();

const settings = signalsSettingsFrom(
  {
    baseUrl: 'unused',
    apiKey: 'unused',
    timeoutMs: 1000,
    callForwardingPath: '/call-forwarding/check',
    maxConnections: 32,
    retries: 1,
    bulkhead: 500,
    cache: 'memory',
    cacheMaxEntries: 10_000,
  },
  { backoffInitialMs: 10, backoffMaxMs: 50 },
);

function event(type: 'login' | 'transaction', phoneNumber: string, i: number): RiskEvent {
  const common = { eventId: `evt-${type}-${i}`, occurredAt: new Date().toISOString(), accountId: `acc-${i}`, phoneNumber };
  return type === 'login'
    ? { ...common, type: 'login', channel: 'web' }
    : { ...common, type: 'transaction', amount: { value: '2500.00', currency: 'EUR' }, transactionType: 'transfer' };
}

/** One provider for every number, as a providers file with the one route "" would configure it. */
function everyNumberTo(provider: SignalProvider): SignalRouter {
  return new SignalRouter([provider], [{ prefix: '', provider: provider.id }]);
}

async function decide(service: SignalsService, e: RiskEvent) {
  const { signals } = await service.collect(e.phoneNumber, signalsNeeded(e, policy));
  return { signals, assessment: scoreEvent(e, signals, policy, new Date()) };
}

describe('CAMARA provider under the real SignalsService, scored by the real policy', () => {
  let sim: RunningSimulator;
  let camara: CamaraProvider;
  let tyntec: TyntecProvider;
  let metrics: RiskwireMetrics;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, camara: { tokenTtlS: 2 } });
    metrics = new RiskwireMetrics({ defaultMetrics: false });
    camara = createCamaraProvider(
      'camara-de',
      {
        baseUrl: sim.camara.baseUrl,
        tokenUrl: sim.camara.tokenUrl,
        clientId: 'riskwire',
        clientSecret: 'riskwire-dev-secret',
        maxConnections: 32,
        timeoutMs: 1000,
      },
      { metrics: camaraMetricsFrom(metrics), logger: quiet },
    );
    tyntec = new TyntecProvider({
      baseUrl: sim.baseUrl,
      apiKey: 'riskwire-dev-key',
      timeoutMs: 1000,
      callForwardingPath: '/call-forwarding/check',
      maxConnections: 32,
    });
  });
  afterAll(async () => {
    await Promise.all([camara.close(), tyntec.close()]);
    await sim.close();
  });

  it('decides the same way through CAMARA (hours) and tyntec (minutes) for the same subscriber state', async () => {
    const states: Record<string, Parameters<typeof sim.registry.set>[1]> = {
      '+491710000001': {},
      '+491710000002': { simSwappedAt: ago(2), callForwardingActive: true },
      '+491710000003': { simSwappedAt: ago(23.5) },
      '+491710000004': { simSwappedAt: ago(24.5), deviceSwappedAt: ago(3) },
      '+491710000005': { simSwappedAt: ago(24 * 6), deviceSwappedAt: ago(24 * 6) },
      '+491710000006': { simSwappedAt: ago(24 * 20) },
      '+491710000007': { deviceSwappedAt: ago(23.9) },
      '+491710000008': { known: false },
      '+491710000009': { callForwardingActive: true, deviceSwappedAt: ago(24 * 40) },
    };
    for (const [phone, state] of Object.entries(states)) sim.registry.set(phone, state);
    const viaCamara = new SignalsService(everyNumberTo(camara), new NoSignalCache(), settings, metrics);
    const viaTyntec = new SignalsService(everyNumberTo(tyntec), new NoSignalCache(), settings, metrics);
    let i = 0;
    const outcomes = new Set<string>();
    for (const phone of Object.keys(states)) {
      for (const type of ['login', 'transaction'] as const) {
        const e = event(type, phone, i++);
        const [c, t] = await Promise.all([decide(viaCamara, e), decide(viaTyntec, e)]);
        expect({ phone, type, ...c.assessment }).toEqual({ phone, type, ...t.assessment });
        expect(c.assessment.degraded).toBe(phone === '+491710000008');
        outcomes.add(c.assessment.outcome);
      }
    }
    // the states cover the whole range, so equality is not "everything ALLOW"
    expect(outcomes).toEqual(new Set(['ALLOW', 'CHALLENGE', 'REVIEW', 'DENY']));
  });

  it('tokens expiring and revoked mid-stream: 300 decisions, none degraded, one token request per scope per renewal', async () => {
    sim.stats.clear();
    const service = new SignalsService(everyNumberTo(camara), new InMemorySignalCache(10_000), settings, metrics);
    const revoke = setInterval(() => sim.camara.authority.revokeAll(), 700);
    try {
      const degraded: string[] = [];
      for (let round = 0; round < 30; round++) {
        const batch = Array.from({ length: 10 }, (_, k) =>
          event(k % 2 ? 'login' : 'transaction', `+4917200${String(round * 10 + k).padStart(5, '0')}`, round * 10 + k),
        );
        const results = await Promise.all(batch.map((e) => decide(service, e)));
        for (const r of results) if (r.assessment.degraded) degraded.push(JSON.stringify(r.signals));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(degraded).toEqual([]);
    } finally {
      clearInterval(revoke);
    }
    const byPath = sim.stats.snapshot().byEndpoint;
    const refused = Object.entries(byPath).reduce((sum, [path, counts]) => sum + (path.includes('oauth2') ? 0 : (counts['401'] ?? 0)), 0);
    const tokens = byPath['/camara/oauth2/token']?.['200'] ?? 0;
    // ~3 s with 2 s tokens and revocations every 0.7 s: several renewals, each one request per scope (four scopes in use)
    expect(refused).toBeGreaterThan(0);
    expect(tokens).toBeGreaterThanOrEqual(8);
    expect(tokens).toBeLessThanOrEqual(4 * 12);
  });

  it('a CAMARA outage (every request 503) is UNAVAILABLE after the retry, degraded, while tyntec keeps answering', async () => {
    sim.camara.faults.configure({ errorRate: 1, errorStatus: 503 });
    try {
      const e = event('transaction', '+491730000001', 999);
      const viaCamara = new SignalsService(everyNumberTo(camara), new NoSignalCache(), settings, metrics);
      const viaTyntec = new SignalsService(everyNumberTo(tyntec), new NoSignalCache(), settings, metrics);
      const [c, t] = await Promise.all([decide(viaCamara, e), decide(viaTyntec, e)]);
      expect(c.signals.simSwap).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_5xx' });
      expect(c.assessment.degraded).toBe(true);
      expect(c.assessment.outcome).not.toBe('ALLOW');
      expect(t.assessment.degraded).toBe(false);
    } finally {
      sim.camara.faults.reset();
    }
  });

  it('counts token requests and provider problems on the service registry', async () => {
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/riskwire_signal_provider_token_requests_total\{provider="camara-de",outcome="ok"\} \d+/);
    await fetch(`${sim.url}/_admin/camara`, { method: 'PUT', body: JSON.stringify({ tokenErrorStatus: 500 }) });
    sim.camara.authority.revokeAll();
    const fresh = createCamaraProvider(
      'camara-down',
      { baseUrl: sim.camara.baseUrl, tokenUrl: sim.camara.tokenUrl, clientId: 'riskwire', clientSecret: 'riskwire-dev-secret' },
      { metrics: camaraMetricsFrom(metrics), logger: quiet },
    );
    expect(await fresh.callForwarding('+491730000002')).toMatchObject({ status: 'UNAVAILABLE', reason: 'auth_failed' });
    await fresh.close();
    await fetch(`${sim.url}/_admin/camara`, { method: 'PUT', body: JSON.stringify({ tokenErrorStatus: null }) });
    expect(await metrics.registry.metrics()).toContain(
      'riskwire_signal_provider_problems_total{provider="camara-down",operation="call-forwarding",problem="auth_failed"} 1',
    );
  });
});
