import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { REDIS_CONNECTIONS, RedisConnections } from './redis-connections.js';

export { REDIS_CONNECTIONS } from './redis-connections.js';

/**
 * The one RedisConnections of the app, for the decision store, the API state store and the signal cache. Nest
 * shuts the deepest modules down last, so the connections close after every module that uses them. Needs ConfigModule.
 */
@Module({
  providers: [
    { provide: REDIS_CONNECTIONS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => RedisConnections.fromConfig(config.store) },
  ],
  exports: [REDIS_CONNECTIONS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CONNECTIONS) private readonly connections: RedisConnections) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connections.close();
  }
}
