import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { redisErrorMessage } from '../redis/redis-client.js';
import type { RedisConnections } from '../redis/redis-connections.js';
import { LRUCache } from 'lru-cache';
import type { CacheableSignalResult } from './signal-cache-policy.js';

/** Where answers are remembered. Implementations never throw: a broken cache is a miss, not a failed decision. */
export interface SignalCache {
  get(key: string): Promise<CacheableSignalResult | undefined>;
  set(key: string, value: CacheableSignalResult, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

/** SIGNAL_CACHE=off: every lookup goes upstream (coalescing still applies). */
export class NoSignalCache implements SignalCache {
  async get(): Promise<undefined> {
    return undefined;
  }
  async set(): Promise<void> {}
  async close(): Promise<void> {}
}

/** One process, bounded by entry count; each entry carries its own TTL. */
export class InMemorySignalCache implements SignalCache {
  private readonly lru: LRUCache<string, CacheableSignalResult>;

  constructor(maxEntries: number) {
    this.lru = new LRUCache({ max: maxEntries });
  }

  async get(key: string): Promise<CacheableSignalResult | undefined> {
    return this.lru.get(key);
  }

  async set(key: string, value: CacheableSignalResult, ttlMs: number): Promise<void> {
    if (ttlMs > 0) this.lru.set(key, value, { ttl: ttlMs });
  }

  /** Remaining lifetime of an entry in ms (0 when absent); for tests and diagnostics. */
  remainingTtl(key: string): number {
    return this.lru.getRemainingTTL(key);
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}

/**
 * Shared between replicas, so a burst of events for one number pays upstream once per fleet.
 * Its connection is RedisConnections.forSignalCache(): a short commandTimeout and no offline queue, so an unreachable
 * Redis turns into fast misses instead of slow decisions. RedisConnections owns it and closes it at shutdown.
 */
export class RedisSignalCache implements SignalCache {
  private readonly logger = new Logger('SignalCache');
  private failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix = 'riskwire:signal:',
  ) {}

  async get(key: string): Promise<CacheableSignalResult | undefined> {
    let raw: string | null;
    try {
      raw = await this.redis.get(this.keyPrefix + key);
      this.recovered();
    } catch (error) {
      this.failed('get', error);
      return undefined;
    }
    if (raw === null) return undefined;
    try {
      const parsed = JSON.parse(raw) as CacheableSignalResult;
      return parsed && (parsed.status === 'OK' || parsed.status === 'NOT_FOUND' || parsed.status === 'NOT_APPLICABLE') ? parsed : undefined;
    } catch {
      // Written by an older or foreign version: not ours to trust.
      return undefined;
    }
  }

  async set(key: string, value: CacheableSignalResult, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    try {
      await this.redis.set(this.keyPrefix + key, JSON.stringify(value), 'PX', Math.ceil(ttlMs));
      this.recovered();
    } catch (error) {
      this.failed('set', error);
    }
  }

  /** Nothing to close: the connection is RedisConnections', closed once at shutdown. */
  async close(): Promise<void> {}

  // Log the transition only: a Redis outage must not flood the logs at event rate.
  private failed(operation: string, error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn(`Redis signal cache ${operation} failed, serving misses until it recovers: ${redisErrorMessage(error)}`);
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.log('Redis signal cache recovered');
  }
}

/** SIGNAL_CACHE decides; 'redis' without REDIS_URL falls back to memory rather than refusing to start. */
export function createSignalCache(
  settings: { cache: 'memory' | 'redis' | 'off'; cacheMaxEntries: number },
  connections?: RedisConnections,
): SignalCache {
  if (settings.cache === 'off') return new NoSignalCache();
  if (settings.cache === 'redis') {
    const redis = connections?.forSignalCache();
    if (redis) return new RedisSignalCache(redis);
    new Logger('SignalCache').warn('SIGNAL_CACHE=redis but REDIS_URL is not set: using the in-process cache');
  }
  return new InMemorySignalCache(settings.cacheMaxEntries);
}
