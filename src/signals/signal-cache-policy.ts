import { createHash } from 'node:crypto';
import type { Minutes } from './minutes.js';
import type { SignalName, SignalResult } from '../domain/signal-result.js';

/** One question asked of the upstream: the cache key and the coalescing key are both derived from it. */
export type SignalLookup =
  | { signal: 'simSwap' | 'deviceSwap'; mode: 'date' }
  | { signal: 'simSwap' | 'deviceSwap'; mode: 'window'; maxAge: Minutes }
  | { signal: 'callForwarding'; mode: 'check' };

/** What may be remembered: only answers. UNAVAILABLE is never cached, SKIPPED is never looked up. */
export type CacheableSignalResult = Extract<SignalResult<SignalName>, { status: 'OK' | 'NOT_FOUND' | 'NOT_APPLICABLE' }>;

/** How long each kind of answer stays true enough to reuse. All cache lifetimes live here. */
export interface SignalCacheTtls {
  /** A swap was seen (a date, or swapped=true): it will not un-happen, and it is what we most want to reuse. */
  positiveSwapMs: number;
  /** No swap (null date, or swapped=false): a swap could happen any minute, so shorter. */
  cleanSwapMs: number;
  /** Forwarding can be switched on by the fraudster at any moment: at most a minute. */
  callForwardingMs: number;
  /** Unknown subscriber, or a check the network does not offer for it: rarely changes, and asking again costs money. */
  notFoundMs: number;
}

export const DEFAULT_SIGNAL_CACHE_TTLS: SignalCacheTtls = {
  positiveSwapMs: 10 * 60_000,
  cleanSwapMs: 5 * 60_000,
  callForwardingMs: 60_000,
  notFoundMs: 30 * 60_000,
};

/** Milliseconds to keep this answer, or 0 for "do not cache". */
export function ttlFor(lookup: SignalLookup, result: SignalResult, ttls: SignalCacheTtls = DEFAULT_SIGNAL_CACHE_TTLS): number {
  if (result.status === 'NOT_FOUND' || result.status === 'NOT_APPLICABLE') return ttls.notFoundMs;
  if (result.status !== 'OK') return 0;
  if (lookup.signal === 'callForwarding') return ttls.callForwardingMs;
  const value = result.value as { latestChange?: string | null; swappedWithin?: { swapped: boolean } };
  const swapped = value.swappedWithin ? value.swappedWithin.swapped : value.latestChange != null;
  return swapped ? ttls.positiveSwapMs : ttls.cleanSwapMs;
}

/**
 * signal + mode (+ maxAge) + sha256 of the number: keys in Redis (and in heap dumps) hold no raw numbers.
 * The version segment lets a change of cached shape roll out without reading old entries.
 */
export function cacheKeyFor(lookup: SignalLookup, phoneNumber: string): string {
  const digest = createHash('sha256').update(phoneNumber).digest('hex');
  const mode = lookup.mode === 'window' ? `window:${Number(lookup.maxAge)}` : lookup.mode;
  return `v1:${lookup.signal}:${mode}:${digest}`;
}
