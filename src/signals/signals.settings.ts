import type { AppConfig } from '../config/app-config.js';
import { DEFAULT_SIGNAL_CACHE_TTLS, type SignalCacheTtls } from './signal-cache-policy.js';
import type { SignalResilienceSettings } from './signal-resilience.js';

/** Everything that tunes signal collection; the environment sets the main knobs, the rest are defaults kept here. */
export interface SignalsSettings extends SignalResilienceSettings {
  /** Deadline of a collect() whose caller gave none. */
  defaultDeadlineMs: number;
  cacheTtls: SignalCacheTtls;
}

export function signalsSettingsFrom(config: AppConfig['signals'], overrides: Partial<SignalsSettings> = {}): SignalsSettings {
  return {
    attemptTimeoutMs: config.timeoutMs,
    retries: config.retries,
    bulkhead: config.bulkhead,
    breakerSampling: { failureRatio: 0.5, window: 100, minimumCalls: 40 },
    halfOpenAfterMs: 5_000,
    backoffInitialMs: 50,
    backoffMaxMs: 1_000,
    minAttemptMs: 25,
    // Room for one attempt plus one retry; a decision then waits as long as its slowest check, never their sum.
    defaultDeadlineMs: config.timeoutMs * 2,
    cacheTtls: DEFAULT_SIGNAL_CACHE_TTLS,
    ...overrides,
  };
}
