import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EventConsumerService } from '../events/event-consumer.service.js';
import { RISK_POLICY } from '../scoring/risk-policy.token.js';
import type { RiskPolicy } from '../scoring/risk-policy.js';

/** Liveness says the process answers; readiness says it can do its job (and names the part that cannot). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly events: EventConsumerService,
    @Inject(RISK_POLICY) private readonly policy: RiskPolicy,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) })]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    const flag = (key: string, ok: boolean, why: string) => () => (ok ? this.indicators.check(key).up() : this.indicators.check(key).down({ message: why }));
    return this.health.check([
      () => flag('kafkaConsumer', this.events.consumerReady, 'consumer has not joined its group (or crashed)')(),
      () => flag('kafkaProducer', this.events.producerReady, 'producer is not connected')(),
      () => flag('policy', Boolean(this.policy?.version), 'no policy loaded')(),
    ]);
  }
}
