import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  CountBreaker,
  DelegateBackoff,
  ExponentialBackoff,
  TaskCancelledError,
  circuitBreaker,
  decorrelatedJitterGenerator,
  handleWhenResult,
  retry,
  wrap,
  type IBackoff,
  type IPolicy,
  type IRetryBackoffContext,
  type IRetryContext,
} from 'cockatiel';
import type { UpstreamResult } from './providers/signal-provider.js';
import { SIGNAL_NAMES, type SignalName, type UnavailableReason } from '../domain/signal-result.js';
import { withinTimeout } from '../common/within-timeout.js';

export interface SignalResilienceSettings {
  /** Budget of one upstream attempt (config.signals.timeoutMs). */
  attemptTimeoutMs: number;
  /** Extra attempts after the first (config.signals.retries). */
  retries: number;
  /** Concurrent lookups per signal before rejecting (config.signals.bulkhead). */
  bulkhead: number;
  /** When set: this many consecutive failed attempts open a signal's circuit (small, deterministic; tests). */
  breakerThreshold?: number;
  /**
   * Otherwise (the default) the circuit opens when at least `failureRatio` of the last `window` attempts failed,
   * once `minimumCalls` were seen: with hundreds of calls in flight, a burst of ten slow answers (a cold start,
   * a GC pause) must not cut a signal off for everyone.
   */
  breakerSampling: { failureRatio: number; window: number; minimumCalls: number };
  /** How long an open circuit rejects before letting one probe through. */
  halfOpenAfterMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Not worth starting an attempt with less time than this before the deadline. */
  minAttemptMs: number;
}

export type CircuitStateName = 'closed' | 'open' | 'half_open' | 'isolated';

/** Transient: the same question may well get an answer a moment later. 400/401/403/404 never will. */
const RETRIED: ReadonlySet<UnavailableReason> = new Set(['http_429', 'http_5xx', 'timeout', 'connection_error']);
/** Signs the upstream itself is unwell, as opposed to our request or its data being wrong. */
const BREAKING: ReadonlySet<UnavailableReason> = new Set(['http_429', 'http_5xx', 'timeout', 'connection_error']);

interface AttemptOutcome {
  result: UpstreamResult<SignalName>;
  retry: boolean;
  breakerFailure: boolean;
  deadline: number;
}

type AttemptContext = IRetryContext & { signal: AbortSignal };

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * Per signal: bulkhead → retry (jittered exponential, Retry-After aware, deadline bound) → circuit breaker
 * (counts each attempt); each attempt is bounded by the client's own request timeout. One signal's outage never trips another's breaker.
 */
export class SignalResilience {
  private readonly breakers = new Map<SignalName, ReturnType<typeof circuitBreaker>>();
  private readonly policies = new Map<SignalName, IPolicy<AttemptContext>>();
  /** lookups under way per signal: the bulkhead */
  private readonly active = new Map<SignalName, number>();

  constructor(
    private readonly settings: SignalResilienceSettings,
    onCircuitChange: (signal: SignalName, state: CircuitStateName) => void = () => {},
  ) {
    for (const signal of SIGNAL_NAMES) {
      const breaker = circuitBreaker(
        handleWhenResult((o) => (o as AttemptOutcome).breakerFailure),
        { halfOpenAfter: settings.halfOpenAfterMs, breaker: this.breakerFor(settings) },
      );
      breaker.onStateChange((state) => onCircuitChange(signal, STATE_NAMES[state]));
      const retryPolicy = retry(
        handleWhenResult((o) => (o as AttemptOutcome).retry),
        { maxAttempts: settings.retries, backoff: this.backoff() },
      );
      // The per-attempt timeout is a plain timer raced with the request (withinAttemptTimeout): cockatiel's
      // timeout policy allocated an AbortController, listeners and, on return, a DOMException per upstream
      // call, more CPU than the call itself at thousands of calls a second.
      this.breakers.set(signal, breaker);
      this.policies.set(signal, wrap(retryPolicy, breaker) as unknown as IPolicy<AttemptContext>);
      this.active.set(signal, 0);
    }
  }

  private breakerFor(settings: SignalResilienceSettings) {
    if (settings.breakerThreshold !== undefined) return new ConsecutiveBreaker(settings.breakerThreshold);
    const { failureRatio, window, minimumCalls } = settings.breakerSampling;
    return new CountBreaker({ threshold: failureRatio, size: window, minimumNumberOfCalls: minimumCalls });
  }

  circuitState(signal: SignalName): CircuitStateName {
    return STATE_NAMES[this.breakers.get(signal)!.state];
  }

  /**
   * Runs `attempt` (one upstream request, cancelled through its AbortSignal) under the signal's policies until it
   * answers, gives up, or `deadline` (epoch ms) passes. Never throws: refusals become UNAVAILABLE results.
   */
  async execute<N extends SignalName>(
    signal: N,
    deadline: number,
    attempt: (abortSignal: AbortSignal, attemptNumber: number) => Promise<UpstreamResult<N>>,
    deadlineSignal?: AbortSignal,
  ): Promise<UpstreamResult<N>> {
    // The bulkhead, without a queue, is a count: cockatiel's bulkhead policy was one more promise layer per call.
    const active = this.active.get(signal)!;
    if (active >= this.settings.bulkhead) return { status: 'UNAVAILABLE', reason: 'bulkhead_full' };
    this.active.set(signal, active + 1);
    // A caller that collects several signals for one event passes one signal aborted at its deadline (one timer and
    // one controller per event, see EventDeadline); a lone caller gets its own.
    let overall: AbortController | undefined;
    let timer: NodeJS.Timeout | undefined;
    if (deadlineSignal === undefined) {
      const own = new AbortController();
      timer = setTimeout(() => own.abort(), Math.max(0, deadline - Date.now()));
      overall = own;
    }
    try {
      const outcome = await this.policies.get(signal)!.execute(async (context) => {
        const result = await this.withinAttemptTimeout(attempt(context.signal, context.attempt));
        return this.judge(result, deadline, context.attempt);
      }, deadlineSignal ?? overall!.signal);
      return (outcome as AttemptOutcome).result as UpstreamResult<N>;
    } catch (error) {
      if (error instanceof BrokenCircuitError) return { status: 'UNAVAILABLE', reason: 'circuit_open' };
      if (error instanceof TaskCancelledError) return { status: 'UNAVAILABLE', reason: 'deadline_exceeded' };
      return { status: 'UNAVAILABLE', reason: 'connection_error', detail: `unexpected ${(error as Error).name}` };
    } finally {
      this.active.set(signal, this.active.get(signal)! - 1);
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  /**
   * The attempt's answer, or a timeout once attemptTimeoutMs has passed. One timer and no AbortController
   * per attempt; a request left behind is cut by the HTTP client's own (coarser) timeout.
   */
  private withinAttemptTimeout<N extends SignalName>(request: Promise<UpstreamResult<N>>): Promise<UpstreamResult<N>> {
    const ms = this.settings.attemptTimeoutMs;
    return withinTimeout(request, ms, (): UpstreamResult<N> => ({
      status: 'UNAVAILABLE',
      reason: 'timeout',
      detail: `no answer within ${ms} ms`,
    }));
  }

  private judge(result: UpstreamResult<SignalName>, deadline: number, attemptNumber: number): AttemptOutcome {
    const failed = result.status === 'UNAVAILABLE';
    const reason = failed ? result.reason : undefined;
    const transient = reason !== undefined && RETRIED.has(reason);
    const remaining = deadline - Date.now();
    const wait = result.retryAfterMs ?? this.settings.backoffInitialMs;
    // A Retry-After longer than our remaining budget means no answer in time: give up now rather than sleep past it.
    const fits = wait + this.settings.minAttemptMs <= remaining;
    return {
      result,
      retry: transient && fits && attemptNumber < this.settings.retries,
      // An attempt cut short by the caller's own deadline says nothing about the upstream's health.
      breakerFailure: reason !== undefined && BREAKING.has(reason) && !(reason === 'timeout' && remaining <= 0),
      deadline,
    };
  }

  private backoff(): DelegateBackoff<IRetryBackoffContext<unknown>, IBackoff<unknown>> {
    const exponential = new ExponentialBackoff({
      generator: decorrelatedJitterGenerator,
      initialDelay: this.settings.backoffInitialMs,
      maxDelay: this.settings.backoffMaxMs,
    });
    return new DelegateBackoff((context, previous?: IBackoff<unknown>) => {
      const state = previous ? previous.next(context) : exponential.next();
      const outcome = 'value' in context.result ? (context.result.value as AttemptOutcome) : undefined;
      const remaining = outcome ? outcome.deadline - Date.now() - this.settings.minAttemptMs : 0;
      const wanted = outcome?.result.retryAfterMs ?? state.duration;
      return { delay: Math.max(0, Math.min(wanted, remaining)), state };
    });
  }
}
