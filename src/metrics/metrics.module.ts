import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { RiskwireMetrics } from './riskwire-metrics.js';

@Global()
@Module({
  providers: [{ provide: RiskwireMetrics, useFactory: () => new RiskwireMetrics() }],
  controllers: [MetricsController],
  exports: [RiskwireMetrics],
})
export class MetricsModule {}
