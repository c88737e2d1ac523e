import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { RedisModule } from '../redis/redis.module.js';
import { REDIS_CONNECTIONS, type RedisConnections } from '../redis/redis-connections.js';
import { NetworkSignalsClient, type NetworkSignalsPort } from './providers/tyntec/tyntec-provider.js';
import { createSignalCache, type SignalCache } from './signal-cache.js';
import { SignalsService } from './signals.service.js';
import { signalsSettingsFrom } from './signals.settings.js';
import { NETWORK_SIGNALS_CLIENT, SIGNAL_CACHE, SIGNALS_SETTINGS } from './signals.tokens.js';

/** Network Signals client, cache and resilience behind SignalsService. Needs ConfigModule and (global) MetricsModule. */
@Module({
  imports: [RedisModule],
  providers: [
    {
      provide: NETWORK_SIGNALS_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): NetworkSignalsPort => new NetworkSignalsClient(config.signals),
    },
    {
      provide: SIGNAL_CACHE,
      inject: [APP_CONFIG, REDIS_CONNECTIONS],
      useFactory: (config: AppConfig, connections: RedisConnections): SignalCache => createSignalCache(config.signals, connections),
    },
    { provide: SIGNALS_SETTINGS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => signalsSettingsFrom(config.signals) },
    SignalsService,
  ],
  exports: [SignalsService],
})
export class SignalsModule implements OnApplicationShutdown {
  constructor(
    @Inject(NETWORK_SIGNALS_CLIENT) private readonly client: NetworkSignalsPort,
    @Inject(SIGNAL_CACHE) private readonly cache: SignalCache,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.client.close(), this.cache.close()]);
  }
}
