import { sha256Hex } from '../common/canonical-json.js';
import type { Minutes } from './minutes.js';
import { SIGNAL_CATALOGUE, type SignalTypes } from '../domain/signal-catalogue.js';
import type { SignalName, SignalResult } from '../domain/signal-result.js';

/** One question about one signal, typed by the catalogue: swaps by date or window, call forwarding by check. */
type LookupOf<N extends SignalName, Q extends SignalTypes[N]['question']> = Q extends 'window'
  ? { signal: N; mode: Q; maxAge: Minutes }
  : { signal: N; mode: Q };

/** One question asked of the upstream: the cache key and the coalescing key are both derived from it. */
export type SignalLookup = { [N in SignalName]: LookupOf<N, SignalTypes[N]['question']> }[SignalName];

/** What may be remembered: only answers. UNAVAILABLE is never cached, SKIPPED is never looked up. */
export type CacheableSignalResult = Extract<SignalResult<SignalName>, { status: 'OK' | 'NOT_FOUND' | 'NOT_APPLICABLE' }>;

/** How long each kind of answer stays true enough to reuse, per signal. The defaults are the catalogue's. */
export type SignalCacheTtls = { [N in SignalName]: { positiveMs: number; cleanMs: number; notFoundMs: number } };

export const DEFAULT_SIGNAL_CACHE_TTLS: SignalCacheTtls = Object.fromEntries(
  Object.entries(SIGNAL_CATALOGUE).map(([name, declaration]) => [name, { ...declaration.cacheTtl }]),
) as SignalCacheTtls;

/** Milliseconds to keep this answer, or 0 for "do not cache". */
export function ttlFor(lookup: SignalLookup, result: SignalResult, ttls: SignalCacheTtls = DEFAULT_SIGNAL_CACHE_TTLS): number {
  const ttl = ttls[lookup.signal];
  // an unknown subscriber, or a check the network does not offer for it: rarely changes, and asking again costs money
  if (result.status === 'NOT_FOUND' || result.status === 'NOT_APPLICABLE') return ttl.notFoundMs;
  if (result.status !== 'OK') return 0;
  const isPositive = SIGNAL_CATALOGUE[lookup.signal].isPositive as (value: unknown) => boolean;
  return isPositive(result.value) ? ttl.positiveMs : ttl.cleanMs;
}

/**
 * signal + mode (+ maxAge) + sha256 of the number: keys in Redis (and in heap dumps) hold no raw numbers, and no
 * provider: whichever provider answered, the answer is about the number. The version segment lets a change of
 * cached shape roll out without reading old entries.
 */
export function cacheKeyFor(lookup: SignalLookup, phoneNumber: string | NumberDigest): string {
  const digest = typeof phoneNumber === 'string' ? numberDigest(phoneNumber).hex : phoneNumber.hex;
  const mode = lookup.mode === 'window' ? `window:${Number(lookup.maxAge)}` : lookup.mode;
  return `v1:${lookup.signal}:${mode}:${digest}`;
}

/** The number's part of every cache key, hashed once per event rather than once per question. */
export interface NumberDigest {
  hex: string;
}

export function numberDigest(phoneNumber: string): NumberDigest {
  return { hex: sha256Hex(phoneNumber) };
}
