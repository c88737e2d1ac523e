import type { FactoryProvider } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { createRedisClient, redisErrorMessage } from '../redis/redis-client.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DECISION_STORE, type DecisionStore } from './decision-store.js';
import { MemoryDecisionStore } from './memory-decision-store.js';
import { RedisDecisionStore } from './redis-decision-store.js';

/** Redis when REDIS_URL is set (shared by replicas), else a bounded in-process store. */
export function createDecisionStore(config: AppConfig): DecisionStore {
  const { redisUrl, retentionSeconds, maxEntries } = config.store;
  if (!redisUrl) return new MemoryDecisionStore({ maxEntries, retentionSeconds });
  const redis = createRedisClient({ ...config.store, redisUrl }, 'decision store', { maxRetriesPerRequest: 2 });
  const logger = new Logger('RedisDecisionStore');
  // ioredis reconnects by itself; without a listener an 'error' event would crash the process.
  redis.on('error', (err: Error) => logger.warn(`redis: ${redisErrorMessage(err)}`));
  return new RedisDecisionStore(redis, { retentionSeconds });
}

export const decisionStoreProvider: FactoryProvider<DecisionStore> = {
  provide: DECISION_STORE,
  inject: [APP_CONFIG],
  useFactory: createDecisionStore,
};
