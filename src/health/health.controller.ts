import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessService } from './readiness.service.js';

/** Liveness says the process answers; readiness says it can do its job (and names the part that cannot). */
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
    return this.health.check([() => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) })]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(
      this.readiness.parts().map((part) => () => {
        const indicator = this.indicators.check(part.name);
        return part.ready ? indicator.up() : indicator.down({ message: part.why });
      }),
    );
  }
}
