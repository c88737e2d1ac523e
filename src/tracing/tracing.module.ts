import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { OtelTracing } from './otel-tracing.js';
import { NOOP_TRACING, Tracing } from './tracing.js';

/**
 * Provides the Tracing port: OtelTracing when the OTEL_* variables ask for it, NOOP_TRACING otherwise. Global, so
 * a feature asks for Tracing (optionally: specs without this module get NOOP_TRACING) and never for @opentelemetry.
 */
@Global()
@Module({})
export class TracingModule implements OnApplicationShutdown {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: TracingModule,
      providers: [{ provide: Tracing, useFactory: () => (config.tracing.enabled ? new OtelTracing(config.tracing) : NOOP_TRACING) }],
      exports: [Tracing],
    };
  }

  constructor(@Inject(Tracing) private readonly tracing: Tracing) {}

  // Last: the spans of the drain (the consumer stops before) are flushed to the collector.
  async onApplicationShutdown(): Promise<void> {
    await this.tracing.shutdown();
  }
}
