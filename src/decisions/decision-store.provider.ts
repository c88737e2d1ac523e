import type { FactoryProvider } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { REDIS_CONNECTIONS, type RedisConnections } from '../redis/redis-connections.js';
import { DECISION_STORE, type DecisionStore } from './decision-store.js';
import { MemoryDecisionStore } from './memory-decision-store.js';
import { RedisDecisionStore } from './redis-decision-store.js';

/** Redis when REDIS_URL is set (shared by replicas; the connection is RedisConnections'), else a bounded in-process store. */
export function createDecisionStore(config: AppConfig, connections: RedisConnections): DecisionStore {
  const { retentionSeconds, maxEntries, maxBytes } = config.store;
  const redis = connections.forStores();
  if (!redis) return new MemoryDecisionStore({ maxEntries, maxBytes, retentionSeconds });
  return new RedisDecisionStore(redis, { retentionSeconds });
}

export const decisionStoreProvider: FactoryProvider<DecisionStore> = {
  provide: DECISION_STORE,
  inject: [APP_CONFIG, REDIS_CONNECTIONS],
  useFactory: createDecisionStore,
};
