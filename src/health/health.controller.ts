import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { ReadinessService } from './readiness.service.js';

/**
 * Liveness says the process answers and its consumer has not been out of its group for too long;
 * readiness says the API can serve (and names the part that cannot). Kafka's own state is in the
 * readiness details under `kafka`, for people and dashboards, without taking the API out of service.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessService,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([
      () => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) }),
      () => {
        const indicator = this.indicators.check('kafkaConsumer');
        const why = this.readiness.liveness();
        return why === undefined ? indicator.up() : indicator.down({ message: why });
      },
    ]);
  }

  @Get('ready')
  @HealthCheck()
  async ready() {
    const kafka = this.readiness.kafka();
    const withKafka = (result: HealthCheckResult) => ({ ...result, details: { ...result.details, kafka } });
    try {
      return withKafka(
        await this.health.check(
          this.readiness.parts().map((part) => () => {
            const indicator = this.indicators.check(part.name);
            return part.ready ? indicator.up() : indicator.down({ message: part.why });
          }),
        ),
      );
    } catch (error) {
      if (error instanceof ServiceUnavailableException)
        throw new ServiceUnavailableException(withKafka(error.getResponse() as HealthCheckResult));
      throw error;
    }
  }
}
