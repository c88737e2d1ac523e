import { Logger } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { createRedisClient, redisErrorMessage, type RedisConnection } from './redis-client.js';

/** Injection token of the service's one RedisConnections (RedisModule provides it). */
export const REDIS_CONNECTIONS = Symbol('REDIS_CONNECTIONS');

/** The stores' profile: a command waits through a reconnect (offline queue) and is retried twice. */
const STORES_OPTIONS: RedisOptions = { maxRetriesPerRequest: 2 };

/**
 * The signal cache's profile: fail fast (short command timeout, no offline queue) and keep reconnecting, so an
 * unreachable Redis turns into fast cache misses instead of slow decisions.
 */
const SIGNAL_CACHE_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 250,
  connectTimeout: 2_000,
  retryStrategy: (times) => Math.min(times * 200, 5_000),
};

/**
 * Every Redis connection of the service, from one set of settings (REDIS_URL, REDIS_PASSWORD_FILE,
 * REDIS_TLS_CA_FILE): one connection shared by the decision store and the API state store, and one for the signal
 * cache (its fail-fast profile would fail a store's write during a reconnect that the stores' profile rides out).
 * Each opens on first use; close() quits them, once, at shutdown (RedisModule), so no store or cache closes them.
 */
export class RedisConnections {
  private stores?: Redis;
  private signalCache?: Redis;
  private readonly logger = new Logger('Redis');

  /** undefined: REDIS_URL is not set, and the stores and the cache stay in process. */
  constructor(private readonly connection?: RedisConnection) {}

  static fromConfig(store: Pick<AppConfig['store'], 'redisUrl' | 'redisSecurity'>): RedisConnections {
    return new RedisConnections(store.redisUrl ? { redisUrl: store.redisUrl, redisSecurity: store.redisSecurity } : undefined);
  }

  /** Whether REDIS_URL is set. */
  get configured(): boolean {
    return this.connection !== undefined;
  }

  /** The decision store's and the API state store's connection; undefined without REDIS_URL. */
  forStores(): Redis | undefined {
    if (!this.connection) return undefined;
    if (!this.stores) {
      this.stores = createRedisClient(this.connection, 'decision store and API state', STORES_OPTIONS);
      // ioredis reconnects by itself; without a listener an 'error' event would crash the process.
      this.stores.on('error', (err: Error) => this.logger.warn(`decision store and API state: ${redisErrorMessage(err)}`));
    }
    return this.stores;
  }

  /** The signal cache's connection; undefined without REDIS_URL. */
  forSignalCache(): Redis | undefined {
    if (!this.connection) return undefined;
    if (!this.signalCache) {
      this.signalCache = createRedisClient(this.connection, 'signal cache', SIGNAL_CACHE_OPTIONS);
      // Failures surface (once) through RedisSignalCache; without a listener ioredis would print every reconnect error.
      this.signalCache.on('error', () => {});
    }
    return this.signalCache;
  }

  /** Quits every connection opened so far (disconnecting one that cannot quit); later calls do nothing. */
  async close(): Promise<void> {
    const open = [this.stores, this.signalCache].filter((redis): redis is Redis => redis !== undefined);
    this.stores = this.signalCache = undefined;
    await Promise.all(open.map((redis) => redis.quit().catch(() => redis.disconnect())));
  }
}
