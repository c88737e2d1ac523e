import { Controller, Get, Headers, Res } from '@nestjs/common';
import { Registry } from 'prom-client';
import { RiskwireMetrics } from './riskwire-metrics.js';

/** What a scraper that reads exemplars asks for (Prometheus sends it first in its Accept header). */
const OPENMETRICS = /application\/openmetrics-text/i;

@Controller()
export class MetricsController {
  constructor(private readonly metrics: RiskwireMetrics) {}

  /**
   * The Prometheus text format, or, while tracing is on and the scraper asks for it, OpenMetrics with the exemplars
   * that link a latency bucket to a trace. Without tracing there are no exemplars, and the text format stays.
   */
  @Get('metrics')
  async scrape(@Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: { setHeader(n: string, v: string): void }) {
    if (this.metrics.exemplarsEnabled && accept !== undefined && OPENMETRICS.test(accept)) {
      res.setHeader('Content-Type', Registry.OPENMETRICS_CONTENT_TYPE);
      return this.metrics.openMetrics();
    }
    res.setHeader('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE);
    return this.metrics.registry.metrics();
  }
}
