import { Module, type DynamicModule } from '@nestjs/common';
import { ApiModule } from './api/api.module.js';
import { PolicyLifecycleApiModule } from './api/lifecycle/policy-lifecycle-api.module.js';
import { PolicyListsApiModule } from './api/policy-lists/policy-lists-api.module.js';
import { LoggingModule } from './logging/logging.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DecisionsModule } from './decisions/decisions.module.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { KafkaModule } from './kafka/kafka.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { TracingModule } from './tracing/tracing.module.js';

/** Composition only: each capability lives in its own module. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TracingModule.forRoot(config),
        LoggingModule.forRoot(config),
        MetricsModule,
        KafkaModule,
        DecisionsModule,
        EventsModule,
        ApiModule,
        PolicyLifecycleApiModule,
        PolicyListsApiModule,
        HealthModule,
      ],
    };
  }
}
