/**
 * What one upstream question costs in CPU, layer by layer, measured in the bench process against the simulator:
 * the bare HTTP client (the floor any Node service pays), then each layer riskwire adds on top of it. Three
 * questions per event put a floor under the service's CPU per event that no Kafka or scoring work can remove.
 */
import { Pool, type Dispatcher } from 'undici';
import { JsonOverHttp } from '../../../src/signals/providers/json-over-http.js';
import { TyntecProvider } from '../../../src/signals/providers/tyntec/tyntec-provider.js';
import { SignalResilience } from '../../../src/signals/signal-resilience.js';
import { SignalsService } from '../../../src/signals/signals.service.js';
import { SignalRouter } from '../../../src/signals/signal-router.js';
import { NoSignalCache } from '../../../src/signals/signal-cache.js';
import { signalsSettingsFrom } from '../../../src/signals/signals.settings.js';
import { RiskwireMetrics } from '../../../src/metrics/riskwire-metrics.js';
import type { BenchContext } from '../bench-context.js';
import { BENCH_SIGNALS_API_KEY } from '../simulator-control.js';
import { uniquePhoneNumber } from '../bench-events.js';
import { round } from '../latency-stats.js';

export interface UpstreamLayer {
  layer: string;
  /** user + system CPU of the bench process per upstream question */
  cpuMicrosPerCall: number;
  callsPerSecond: number;
}

export interface UpstreamLayersResult {
  scenario: 'upstream-layers';
  calls: number;
  concurrency: number;
  layers: UpstreamLayer[];
}

const PATH = '/sim-swap/retrieve-date';

export async function runUpstreamLayersScenario(ctx: BenchContext, calls = 6000, concurrency = 150): Promise<UpstreamLayersResult> {
  await ctx.simulator.setSubscribers({});
  const base = new URL(ctx.simulator.baseUrl);
  const headers = { 'content-type': 'application/json', accept: 'application/json', apiKey: BENCH_SIGNALS_API_KEY };
  const phone = (i: number) => uniquePhoneNumber(7, i % 5000);
  const body = (i: number) => JSON.stringify({ phoneNumber: phone(i) });
  const pool = new Pool(base.origin, { connections: concurrency, pipelining: 1 });
  const http = new JsonOverHttp({ baseUrl: ctx.simulator.baseUrl, timeoutMs: 5000, maxConnections: concurrency });
  const tyntec = new TyntecProvider({
    baseUrl: ctx.simulator.baseUrl,
    apiKey: BENCH_SIGNALS_API_KEY,
    timeoutMs: 5000,
    callForwardingPath: '/call-forwarding/check',
    maxConnections: concurrency,
  });
  const settings = signalsSettingsFrom({
    baseUrl: ctx.simulator.baseUrl,
    apiKey: BENCH_SIGNALS_API_KEY,
    timeoutMs: 2000,
    callForwardingPath: '/call-forwarding/check',
    maxConnections: concurrency,
    retries: 1,
    bulkhead: 10_000,
    cache: 'off',
    cacheMaxEntries: 1000,
  });
  const resilience = new SignalResilience(settings);
  const signals = new SignalsService(
    SignalRouter.single(tyntec),
    new NoSignalCache(),
    settings,
    new RiskwireMetrics({ defaultMetrics: false }),
  );
  const ALL = { simSwap: { mode: 'date' as const }, deviceSwap: { mode: 'date' as const }, callForwarding: true as const };
  const layers: UpstreamLayer[] = [];
  const measure = async (layer: string, call: (i: number) => Promise<unknown>, questionsPerCall = 1) => {
    const rounds = Math.ceil(calls / questionsPerCall);
    const run = async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.ceil(concurrency / questionsPerCall) }, async () => {
          while (next < rounds) await call(next++);
        }),
      );
    };
    await run(); // warm: connections open, code optimised
    const cpu = process.cpuUsage();
    const started = performance.now();
    await run();
    const used = process.cpuUsage(cpu);
    const seconds = (performance.now() - started) / 1000;
    const questions = rounds * questionsPerCall;
    layers.push({
      layer,
      cpuMicrosPerCall: round((used.user + used.system) / questions, 1),
      callsPerSecond: Math.round(questions / seconds),
    });
  };
  try {
    await measure('undici dispatch, bare handler (the floor)', (i) => bareDispatch(pool, base.pathname + PATH, headers, body(i)));
    await measure('undici request() + body.text()', async (i) => {
      const res = await pool.request({ method: 'POST', path: base.pathname + PATH, headers, body: body(i) });
      return JSON.parse(await res.body.text()) as unknown;
    });
    const shared = new AbortController();
    await measure('JsonOverHttp.post', (i) => http.post({ path: PATH, headers, body: body(i), signal: shared.signal }));
    await measure('TyntecProvider (request + reading the answer)', (i) => tyntec.simSwapDate(phone(i), shared.signal));
    await measure('+ SignalResilience (bulkhead, retry, breaker, attempt timeout)', (i) =>
      resilience.execute('simSwap', Date.now() + 2000, (signal) => tyntec.simSwapDate(phone(i), signal), shared.signal),
    );
    await measure('+ SignalsService.collect (3 questions per event)', (i) => signals.collect(phone(i), ALL), 3);
  } finally {
    await Promise.allSettled([pool.close(), http.close(), tyntec.close()]);
  }
  return { scenario: 'upstream-layers', calls, concurrency, layers };
}

/** The least a Node HTTP/1.1 client can do: send, collect the bytes, parse the JSON. */
function bareDispatch(pool: Pool, path: string, headers: Record<string, string>, body: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const handler: Dispatcher.DispatchHandler = {
      // its presence is what marks a handler as the current API (undici wraps it), not the deprecated one
      onRequestStart: () => undefined,
      onResponseData: (_controller, chunk) => void chunks.push(chunk),
      onResponseEnd: () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown),
      onResponseError: (_controller, error) => reject(error),
    };
    pool.dispatch({ method: 'POST', path, headers, body }, handler);
  });
}
