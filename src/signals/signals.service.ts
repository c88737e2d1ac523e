import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { isValidMaxAge, minutes } from './minutes.js';
import type { SignalProvider, UpstreamResult } from './providers/signal-provider.js';
import {
  cacheKeyFor,
  numberDigest,
  ttlFor,
  type CacheableSignalResult,
  type NumberDigest,
  type SignalLookup,
} from './signal-cache-policy.js';
import { NoSignalCache, type SignalCache } from './signal-cache.js';
import { SignalResilience, type CircuitStateName } from './signal-resilience.js';
import { SIGNAL_NAMES, type SignalName, type SignalRequest, type SignalResult, type SignalSet } from '../domain/signal-result.js';
import type { SignalsSettings } from './signals.settings.js';
import { SIGNAL_CACHE, SIGNAL_ROUTER, SIGNALS_SETTINGS } from './signals.tokens.js';
import type { SignalRouter } from './signal-router.js';
import { EventDeadline } from './event-deadline.js';
import { askProvider, type SignalEndpoint } from './providers/provider-questions.js';
import { NOOP_TRACING, Tracing, type TraceSpan } from '../tracing/tracing.js';

export interface CollectOptions {
  /** Epoch ms by which every check must have answered; unanswered ones come back UNAVAILABLE deadline_exceeded. */
  deadline?: number;
}

export interface CollectedSignals {
  signals: SignalSet;
  /** Paid upstream requests this collect caused (retries included, cache hits and coalesced lookups excluded). */
  upstreamCalls: number;
}

type Tally = { calls: number };
type DurationLabel = 'ok' | 'not_found' | 'not_applicable' | 'timeout' | 'http_4xx' | 'http_5xx' | 'error';

/**
 * Asks the mobile network the questions the policy needs, all at once: a decision waits for its slowest check,
 * never for the sum. Cached answers are reused, identical in-flight questions share one upstream request,
 * and nothing here ever rejects: the scoring policy decides what an unavailable signal means.
 */
@Injectable()
export class SignalsService {
  private readonly logger = new Logger(SignalsService.name);
  /** Per provider: a provider's outage never trips another's breakers (and, inside, one signal's never another's). */
  private readonly resilience = new Map<string, SignalResilience>();
  private readonly inFlight = new Map<string, Promise<SignalResult>>();
  /** SIGNAL_CACHE=off: no cache round trip and nothing to store (two promises and a copy per question saved) */
  private readonly caching: boolean;

  constructor(
    @Inject(SIGNAL_ROUTER) private readonly router: SignalRouter,
    @Inject(SIGNAL_CACHE) private readonly cache: SignalCache,
    @Inject(SIGNALS_SETTINGS) private readonly settings: SignalsSettings,
    private readonly metrics: RiskwireMetrics,
    @Optional() @Inject(Tracing) private readonly tracing: Tracing = NOOP_TRACING,
  ) {
    this.caching = !(cache instanceof NoSignalCache);
    for (const { id: provider } of router.providers) {
      for (const signal of SIGNAL_NAMES) metrics.circuitState.set({ provider, signal }, 0);
      const resilience = new SignalResilience(settings, (signal, state) => {
        metrics.circuitState.set({ provider, signal }, state === 'closed' ? 0 : 1);
        if (state === 'open') this.logger.warn(`Circuit for ${signal} at ${provider} opened: upstream failing, answering circuit_open`);
        if (state === 'closed') this.logger.log(`Circuit for ${signal} at ${provider} closed again`);
      });
      this.resilience.set(provider, resilience);
    }
  }

  async collect(phoneNumber: string, request: SignalRequest, options: CollectOptions = {}): Promise<CollectedSignals> {
    // one clock for all of the event's checks: one timer and one AbortController, not one of each per check
    const deadline = new EventDeadline(options.deadline ?? Date.now() + this.settings.defaultDeadlineMs);
    const tally: Tally = { calls: 0 };
    const digest = numberDigest(phoneNumber);
    try {
      const entries = await Promise.all(
        SIGNAL_NAMES.map(async (signal): Promise<[SignalName, SignalResult]> => {
          const lookup = lookupFor(signal, request);
          if (lookup === undefined) {
            this.metrics.signalLookups.inc({ signal, source: 'skipped' });
            return [signal, { status: 'SKIPPED' }];
          }
          if ('status' in lookup) return [signal, lookup];
          return [signal, await this.lookupBefore(lookup, phoneNumber, digest, deadline, tally)];
        }),
      );
      return { signals: Object.fromEntries(entries) as unknown as SignalSet, upstreamCalls: tally.calls };
    } finally {
      deadline.dispose();
    }
  }

  /** For health reporting: per signal, its least healthy breaker across the providers (open before half-open before closed). */
  circuitStates(): Record<SignalName, CircuitStateName> {
    const rank: Record<CircuitStateName, number> = { closed: 0, half_open: 1, open: 2, isolated: 3 };
    const worst = (signal: SignalName) =>
      [...this.resilience.values()].map((r) => r.circuitState(signal)).reduce((a, b) => (rank[b] > rank[a] ? b : a), 'closed');
    return Object.fromEntries(SIGNAL_NAMES.map((s) => [s, worst(s)])) as Record<SignalName, CircuitStateName>;
  }

  /** Resolves by the deadline whatever the upstream, the cache or the coalesced leader are doing. */
  private async lookupBefore(
    lookup: SignalLookup,
    phoneNumber: string,
    digest: NumberDigest,
    deadline: EventDeadline,
    tally: Tally,
  ): Promise<SignalResult> {
    const startedAt = Date.now();
    try {
      // raced with the event's one deadline, not a timer of its own
      const answer = await Promise.race([this.lookup(lookup, phoneNumber, digest, deadline, tally, startedAt), deadline.expired]);
      return answer ?? { status: 'UNAVAILABLE', reason: 'deadline_exceeded', latencyMs: Date.now() - startedAt };
    } catch (error) {
      this.logger.error(`Signal lookup ${lookup.signal} failed unexpectedly: ${(error as Error).message}`);
      return { status: 'UNAVAILABLE', reason: 'connection_error', detail: 'internal error', latencyMs: Date.now() - startedAt };
    }
  }

  private async lookup(
    lookup: SignalLookup,
    phoneNumber: string,
    digest: NumberDigest,
    deadline: EventDeadline,
    tally: Tally,
    startedAt: number,
  ): Promise<SignalResult> {
    const { signal } = lookup;
    const key = cacheKeyFor(lookup, digest);
    let pending = this.inFlight.get(key);
    if (pending === undefined && this.caching) {
      const cached = await this.fromCache(key, signal, startedAt);
      if (cached !== undefined) return cached;
      // Re-check after the cache round trip: another event may have started the same request meanwhile.
      pending = this.inFlight.get(key);
    }
    if (pending !== undefined) {
      this.metrics.signalLookups.inc({ signal, source: 'coalesced' });
      return withLatency(await pending, startedAt);
    }
    this.metrics.signalLookups.inc({ signal, source: 'upstream' });
    const request = this.fetch(lookup, key, phoneNumber, deadline, tally).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return withLatency(await request, startedAt);
  }

  private async fromCache(key: string, signal: SignalName, startedAt: number): Promise<SignalResult | undefined> {
    const cached = await this.cache.get(key);
    if (cached === undefined) return undefined;
    this.metrics.signalLookups.inc({ signal, source: 'cache' });
    return { ...cached, fromCache: true, latencyMs: Date.now() - startedAt };
  }

  private async fetch(
    lookup: SignalLookup,
    key: string,
    phoneNumber: string,
    eventDeadline: EventDeadline,
    tally: Tally,
  ): Promise<SignalResult> {
    const deadline = eventDeadline.at;
    const abort = eventDeadline.signal;
    const route = this.router.routeFor(phoneNumber);
    if (route === undefined) return { status: 'UNAVAILABLE', reason: 'no_provider', detail: 'no route of the providers file matches' };
    let result: SignalResult;
    if (route.fallback === undefined) {
      result = await this.ask(route.primary, lookup, phoneNumber, deadline, abort, tally);
    } else {
      // The primary gets half the time left, so a primary that only times out still leaves its fallback a turn.
      const primaryDeadline = Date.now() + Math.floor((deadline - Date.now()) / 2);
      result = await this.ask(route.primary, lookup, phoneNumber, primaryDeadline, abort, tally);
      // NOT_FOUND is an answer (an unknown subscriber), not an outage: only UNAVAILABLE fails over.
      if (result.status === 'UNAVAILABLE' && Date.now() < deadline) {
        this.metrics.signalFailovers.inc({ provider: route.primary.id, signal: lookup.signal });
        result = await this.ask(route.fallback, lookup, phoneNumber, deadline, abort, tally);
      }
    }
    const ttl = this.caching ? ttlFor(lookup, result, this.settings.cacheTtls) : 0;
    if (ttl > 0) void this.cache.set(key, stripForCache(result as CacheableSignalResult), ttl);
    return result;
  }

  /** One provider's answer under its own breaker, bulkhead and retries, labelled with the provider's id. */
  private async ask(
    provider: SignalProvider,
    lookup: SignalLookup,
    phoneNumber: string,
    deadline: number,
    /** the event's one AbortController: cuts whatever is still in flight when the event's deadline passes */
    eventAbort: AbortSignal,
    tally: Tally,
  ): Promise<SignalResult> {
    const { signal } = lookup;
    const endpoint: SignalEndpoint = lookup.mode === 'date' ? 'retrieve-date' : 'check';
    const labels = { provider: provider.id, signal };
    const answer = await this.resilience.get(provider.id)!.execute(
      signal,
      deadline,
      (abortSignal) => {
        tally.calls += 1;
        this.metrics.upstreamCalls.inc({ ...labels, endpoint });
        if (!this.tracing.enabled) return this.call(provider, lookup, phoneNumber, abortSignal);
        // one client span per paid attempt (retries included); the number is never on it
        const attributes = {
          'riskwire.signal.name': signal,
          'riskwire.signal.endpoint': endpoint,
          'riskwire.signal.provider': provider.id,
        };
        return this.tracing.inSpan(`${signal} ${endpoint}`, { kind: 'client', attributes }, (span) =>
          this.call(provider, lookup, phoneNumber, abortSignal, span),
        );
      },
      eventAbort,
    );
    // one copy per answer: it carries the provider's id, and Retry-After (the resilience layer's business) is left out
    const result = { ...answer, provider: provider.id } as SignalResult & { retryAfterMs?: number };
    if ('retryAfterMs' in result) delete result.retryAfterMs;
    // The attempt was cut by the caller's deadline rather than by its own timeout: say so.
    if (result.status === 'UNAVAILABLE' && result.reason === 'timeout' && Date.now() >= deadline) result.reason = 'deadline_exceeded';
    return result;
  }

  private async call(
    provider: SignalProvider,
    lookup: SignalLookup,
    phoneNumber: string,
    abortSignal: AbortSignal,
    span?: TraceSpan,
  ): Promise<UpstreamResult<SignalName>> {
    const startedAt = performance.now();
    const result = await askProvider(provider, lookup, phoneNumber, abortSignal);
    const label = durationLabel(result);
    // inside the span: the histogram's exemplar (tracing on) points to this call
    this.metrics.signalDuration.observe(
      { provider: provider.id, signal: lookup.signal, result: label },
      (performance.now() - startedAt) / 1000,
    );
    if (span) {
      span.setAttributes({
        'riskwire.signal.status': result.status,
        'riskwire.signal.reason': result.status === 'UNAVAILABLE' ? result.reason : undefined,
      });
      if (result.status === 'UNAVAILABLE') span.fail(`${lookup.mode === 'date' ? 'retrieve-date' : 'check'} ${label}`);
    }
    return result;
  }
}

/** What to ask for one signal, nothing when not requested, or an immediate answer when the request cannot be valid. */
function lookupFor(signal: SignalName, request: SignalRequest): SignalLookup | SignalResult | undefined {
  const wanted: SignalRequest[SignalName] = request[signal];
  if (!wanted) return undefined;
  if (wanted === true) return { signal, mode: 'check' } as SignalLookup;
  if (wanted.mode === 'date') return { signal, mode: 'date' } as SignalLookup;
  const maxAge = minutes(Math.max(0, wanted.maxAgeMinutes));
  // The upstream would answer 400 anyway; refusing here saves a paid call and never shrinks the window silently.
  if (!isValidMaxAge(maxAge))
    return { status: 'UNAVAILABLE', reason: 'http_400', detail: 'maxAgeMinutes must be an integer from 1 to 2400' };
  return { signal, mode: 'window', maxAge } as SignalLookup;
}

function withLatency(result: SignalResult, startedAt: number): SignalResult {
  return result.status === 'SKIPPED' ? result : { ...result, latencyMs: Date.now() - startedAt };
}

function stripForCache(result: CacheableSignalResult): CacheableSignalResult {
  const { latencyMs: _latency, fromCache: _fromCache, ...answer } = result;
  return answer as CacheableSignalResult;
}

function durationLabel(result: SignalResult): DurationLabel {
  if (result.status === 'OK') return 'ok';
  if (result.status === 'NOT_FOUND') return 'not_found';
  if (result.status === 'NOT_APPLICABLE') return 'not_applicable';
  if (result.status !== 'UNAVAILABLE') return 'error';
  switch (result.reason) {
    case 'timeout':
    case 'deadline_exceeded':
      return 'timeout';
    case 'http_400':
    case 'http_401':
    case 'http_403':
    case 'http_429':
    case 'http_4xx':
    case 'configuration_error':
      return 'http_4xx';
    case 'http_5xx':
    case 'not_implemented':
      return 'http_5xx';
    case 'auth_failed':
    case 'connection_error':
    case 'invalid_response':
    case 'circuit_open':
    case 'bulkhead_full':
    case 'no_provider':
      return 'error';
  }
}
