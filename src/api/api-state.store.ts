import type { FactoryProvider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { REDIS_CONNECTIONS, type RedisConnections } from '../redis/redis-connections.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

export const API_STATE_STORE = Symbol('API_STATE_STORE');

/**
 * Short-lived API bookkeeping (idempotency records, pending async assessments), kept in the same backend
 * as decisions: in memory for one process, in Redis when REDIS_URL is set so every replica sees it.
 */
export interface ApiStateStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** true when the key was absent and is now set */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  close?(): Promise<void>;
}

export class MemoryApiStateStore implements ApiStateStore {
  private readonly entries: LRUCache<string, string>;

  constructor(maxEntries: number) {
    this.entries = new LRUCache<string, string>({ max: maxEntries });
  }

  async get(key: string) {
    return this.entries.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number) {
    this.entries.set(key, value, { ttl: ttlSeconds * 1000 });
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    if (this.entries.has(key)) return false;
    this.entries.set(key, value, { ttl: ttlSeconds * 1000 });
    return true;
  }
}

export class RedisApiStateStore implements ApiStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'riskwire:api:',
  ) {}

  async get(key: string) {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number) {
    await this.redis.set(this.prefix + key, value, 'EX', ttlSeconds);
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    return (await this.redis.set(this.prefix + key, value, 'EX', ttlSeconds, 'NX')) === 'OK';
  }
}

export const apiStateStoreProvider: FactoryProvider<ApiStateStore> = {
  provide: API_STATE_STORE,
  inject: [APP_CONFIG, REDIS_CONNECTIONS],
  // Redis when REDIS_URL is set, on the decision store's connection (RedisConnections owns and closes it).
  useFactory: (config: AppConfig, connections: RedisConnections) => {
    const redis = connections.forStores();
    return redis ? new RedisApiStateStore(redis) : new MemoryApiStateStore(config.store.maxEntries);
  },
};
