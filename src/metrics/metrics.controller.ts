import { Controller, Get, Header } from '@nestjs/common';
import { RiskwireMetrics } from './riskwire-metrics.js';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: RiskwireMetrics) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
