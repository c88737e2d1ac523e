import { Global, Module } from '@nestjs/common';
import { RiskwireMetrics } from './riskwire-metrics.js';

@Global()
@Module({ providers: [{ provide: RiskwireMetrics, useFactory: () => new RiskwireMetrics() }], exports: [RiskwireMetrics] })
export class MetricsModule {}
