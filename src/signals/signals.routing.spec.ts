import { beforeEach, describe, expect, it } from '@jest/globals';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import type { SignalName } from '../domain/signal-result.js';
import type { SignalProvider, UpstreamResult } from './providers/signal-provider.js';
import { InMemorySignalCache, NoSignalCache, type SignalCache } from './signal-cache.js';
import { SignalRouter } from './signal-router.js';
import { SignalsService } from './signals.service.js';
import { signalsSettingsFrom } from './signals.settings.js';

const DE = '+491701234567';
const FR = '+33612345678';
type Answer = UpstreamResult<SignalName> | (() => Promise<UpstreamResult<SignalName>>);

/** An in-memory provider: answers what it is told for every question and counts the questions. */
class ScriptedProvider implements SignalProvider {
  asked: string[] = [];
  constructor(
    readonly id: string,
    public answer: Answer = { status: 'OK', value: { latestChange: null } },
  ) {}
  private async reply<N extends SignalName>(question: string, phoneNumber: string): Promise<UpstreamResult<N>> {
    this.asked.push(`${question} ${phoneNumber}`);
    return (typeof this.answer === 'function' ? await this.answer() : this.answer) as UpstreamResult<N>;
  }
  simSwapCheck = (n: string) => this.reply<'simSwap'>('simSwapCheck', n);
  simSwapDate = (n: string) => this.reply<'simSwap'>('simSwapDate', n);
  deviceSwapCheck = (n: string) => this.reply<'deviceSwap'>('deviceSwapCheck', n);
  deviceSwapDate = (n: string) => this.reply<'deviceSwap'>('deviceSwapDate', n);
  callForwarding = (n: string) => this.reply<'callForwarding'>('callForwarding', n);
  close = async () => {};
}

const SIM_DATE = { simSwap: { mode: 'date' as const } };
const down: UpstreamResult<SignalName> = { status: 'UNAVAILABLE', reason: 'http_5xx', detail: '503' };

describe('SignalsService routing and failover', () => {
  let metrics: RiskwireMetrics;
  let primary: ScriptedProvider;
  let fallback: ScriptedProvider;
  let france: ScriptedProvider;

  const settings = signalsSettingsFrom(
    {
      baseUrl: 'http://127.0.0.1:1',
      apiKey: 'k',
      timeoutMs: 200,
      callForwardingPath: '/cf',
      maxConnections: 1,
      retries: 0,
      bulkhead: 10,
      cache: 'off',
      cacheMaxEntries: 100,
    },
    { breakerThreshold: 3, halfOpenAfterMs: 60_000, backoffInitialMs: 1, backoffMaxMs: 1 },
  );
  const service = (cache: SignalCache = new NoSignalCache()) =>
    new SignalsService(
      new SignalRouter(
        [primary, fallback, france],
        [
          { prefix: '+49', provider: 'camara-de', fallback: 'tyntec' },
          { prefix: '+33', provider: 'orange-fr' },
        ],
      ),
      cache,
      settings,
      metrics,
    );
  const counter = async (name: 'upstreamCalls' | 'signalFailovers', labels: Record<string, string>) =>
    (await metrics[name].get()).values
      .filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l))
      .reduce((sum, v) => sum + v.value, 0);

  beforeEach(() => {
    metrics = new RiskwireMetrics({ defaultMetrics: false });
    primary = new ScriptedProvider('camara-de', { status: 'OK', value: { latestChange: '2026-11-30T10:00:00Z' } });
    fallback = new ScriptedProvider('tyntec', { status: 'OK', value: { latestChange: null } });
    france = new ScriptedProvider('orange-fr', { status: 'OK', value: { active: true } });
  });

  it('asks the provider of the number’s route and says which one answered', async () => {
    const { signals } = await service().collect(DE, SIM_DATE);
    expect(signals.simSwap).toMatchObject({ status: 'OK', value: { latestChange: '2026-11-30T10:00:00Z' }, provider: 'camara-de' });
    const french = await service().collect(FR, { callForwarding: true });
    expect(french.signals.callForwarding).toMatchObject({ status: 'OK', value: { active: true }, provider: 'orange-fr' });
    expect([primary.asked, fallback.asked, france.asked]).toEqual([[`simSwapDate ${DE}`], [], [`callForwarding ${FR}`]]);
  });

  it('fails over to the fallback when the primary is UNAVAILABLE, within the same deadline', async () => {
    primary.answer = down;
    const started = Date.now();
    const { signals, upstreamCalls } = await service().collect(DE, SIM_DATE, { deadline: started + 500 });
    expect(signals.simSwap).toMatchObject({ status: 'OK', value: { latestChange: null }, provider: 'tyntec' });
    expect(upstreamCalls).toBe(2);
    expect(await counter('signalFailovers', { provider: 'camara-de', signal: 'simSwap' })).toBe(1);
    expect(await counter('upstreamCalls', { provider: 'tyntec', signal: 'simSwap' })).toBe(1);
  });

  it('a primary that never answers leaves the fallback half the deadline', async () => {
    primary.answer = () => new Promise(() => {});
    const started = Date.now();
    const { signals } = await service().collect(DE, SIM_DATE, { deadline: started + 300 });
    expect(signals.simSwap).toMatchObject({ status: 'OK', provider: 'tyntec' });
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('does not fail over on NOT_FOUND: an unknown subscriber is an answer, not an outage', async () => {
    primary.answer = { status: 'NOT_FOUND' };
    const { signals } = await service().collect(DE, SIM_DATE);
    expect(signals.simSwap).toEqual(expect.objectContaining({ status: 'NOT_FOUND', provider: 'camara-de' }));
    expect(fallback.asked).toEqual([]);
    expect(await counter('signalFailovers', {})).toBe(0);
  });

  it('when both are UNAVAILABLE, the answer is the fallback’s', async () => {
    primary.answer = down;
    fallback.answer = { status: 'UNAVAILABLE', reason: 'http_429' };
    const { signals } = await service().collect(DE, SIM_DATE);
    expect(signals.simSwap).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_429', provider: 'tyntec' });
  });

  it('a route without a fallback answers UNAVAILABLE from its provider', async () => {
    france.answer = down;
    const { signals } = await service().collect(FR, SIM_DATE);
    expect(signals.simSwap).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_5xx', provider: 'orange-fr' });
    expect([primary.asked, fallback.asked]).toEqual([[], []]);
  });

  it('a number no route matches is UNAVAILABLE no_provider, and no one is asked', async () => {
    const { signals, upstreamCalls } = await service().collect('+12025550100', SIM_DATE);
    expect(signals.simSwap).toMatchObject({ status: 'UNAVAILABLE', reason: 'no_provider' });
    expect(upstreamCalls).toBe(0);
  });

  it('breakers are per provider and signal: the primary’s opens, the fallback keeps answering, others stay closed', async () => {
    primary.answer = down;
    const signals = service();
    for (let i = 0; i < 3; i++) await signals.collect(DE, SIM_DATE);
    expect(primary.asked).toHaveLength(3);
    const gauge = (await metrics.circuitState.get()).values;
    expect(gauge.find((v) => v.labels.provider === 'camara-de' && v.labels.signal === 'simSwap')?.value).toBe(1);
    expect(gauge.filter((v) => v.value === 1)).toHaveLength(1);
    // Open: the primary is not asked any more, the fallback answers every time.
    const { signals: after } = await signals.collect(DE, SIM_DATE);
    expect(after.simSwap).toMatchObject({ status: 'OK', provider: 'tyntec' });
    expect(primary.asked).toHaveLength(3);
    expect(fallback.asked).toHaveLength(4);
    // The same signal at another provider, and another signal at the same provider, are unaffected.
    expect((await signals.collect(FR, SIM_DATE)).signals.simSwap).toMatchObject({ status: 'OK', provider: 'orange-fr' });
    primary.answer = { status: 'OK', value: { active: false } };
    expect((await signals.collect(DE, { callForwarding: true })).signals.callForwarding).toMatchObject({
      status: 'OK',
      provider: 'camara-de',
    });
    expect(signals.circuitStates()).toEqual({ simSwap: 'open', deviceSwap: 'closed', callForwarding: 'closed' });
  });

  it('the cache keeps answers by question and number, with the provider that gave them', async () => {
    const cache = new InMemorySignalCache(100);
    primary.answer = down;
    const signals = service(cache);
    await signals.collect(DE, SIM_DATE);
    primary.answer = { status: 'OK', value: { latestChange: '2026-11-30T10:00:00Z' } };
    const { signals: again, upstreamCalls } = await signals.collect(DE, SIM_DATE);
    expect(upstreamCalls).toBe(0);
    expect(again.simSwap).toMatchObject({ status: 'OK', value: { latestChange: null }, provider: 'tyntec', fromCache: true });
  });
});
