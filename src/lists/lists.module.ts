import { Module, type FactoryProvider } from '@nestjs/common';
import { REDIS_CONNECTIONS, type RedisConnections } from '../redis/redis-connections.js';
import { RedisModule } from '../redis/redis.module.js';
import type { ListStore } from './list-entry.js';
import { LIST_STORE, ListsService } from './lists.service.js';
import { MemoryListStore } from './memory-list-store.js';
import { RedisListStore } from './redis-list-store.js';

const listStoreProvider: FactoryProvider<ListStore> = {
  provide: LIST_STORE,
  inject: [REDIS_CONNECTIONS],
  // Redis when REDIS_URL is set, on the stores' connection (RedisConnections owns and closes it)
  useFactory: (connections: RedisConnections) => {
    const redis = connections.forStores();
    return redis ? new RedisListStore(redis) : new MemoryListStore();
  },
};

/** The deny, allow and watch lists: matched before scoring, managed through /v1/lists (src/api). Needs ConfigModule. */
@Module({
  imports: [RedisModule],
  providers: [listStoreProvider, ListsService],
  exports: [ListsService],
})
export class ListsModule {}
