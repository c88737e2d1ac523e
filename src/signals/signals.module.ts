import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { RedisModule } from '../redis/redis.module.js';
import { REDIS_CONNECTIONS, type RedisConnections } from '../redis/redis-connections.js';
import { createProviders } from './providers/provider-registry.js';
import { createSignalCache, type SignalCache } from './signal-cache.js';
import { SignalRouter } from './signal-router.js';
import { SignalsService } from './signals.service.js';
import { signalsSettingsFrom } from './signals.settings.js';
import { SIGNAL_CACHE, SIGNAL_ROUTER, SIGNALS_SETTINGS } from './signals.tokens.js';

/**
 * The signal providers of the configuration (providers/provider-registry.ts), routed by number prefix, with the
 * cache and per-provider resilience behind SignalsService. Needs ConfigModule and (global) MetricsModule.
 */
@Module({
  imports: [RedisModule],
  providers: [
    {
      provide: SIGNAL_ROUTER,
      inject: [APP_CONFIG, RiskwireMetrics],
      useFactory: (config: AppConfig, metrics: RiskwireMetrics): SignalRouter =>
        new SignalRouter(
          createProviders(config.signalProviders, { timeoutMs: config.signals.timeoutMs, metrics }),
          config.signalProviders.routes,
        ),
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
    @Inject(SIGNAL_ROUTER) private readonly router: SignalRouter,
    @Inject(SIGNAL_CACHE) private readonly cache: SignalCache,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.router.close(), this.cache.close()]);
  }
}
