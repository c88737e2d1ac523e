import { Global, Module } from '@nestjs/common';
import { NOOP_TRACING, Tracing } from '../tracing/tracing.js';
import { MetricsController } from './metrics.controller.js';
import { RiskwireMetrics } from './riskwire-metrics.js';

@Global()
@Module({
  providers: [
    {
      provide: RiskwireMetrics,
      // exemplars only while tracing is on (TracingModule); without it the histograms stay plain
      inject: [{ token: Tracing, optional: true }],
      useFactory: (tracing: Tracing = NOOP_TRACING) => new RiskwireMetrics(tracing.enabled ? { exemplars: () => tracing.activeIds() } : {}),
    },
  ],
  controllers: [MetricsController],
  exports: [RiskwireMetrics],
})
export class MetricsModule {}
