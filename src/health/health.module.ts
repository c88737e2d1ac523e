import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventsModule } from '../events/events.module.js';
import { ScoringModule } from '../policy/scoring.module.js';
import { GrpcHealthStatus } from './grpc-health-status.js';
import { HealthController } from './health.controller.js';
import { ReadinessService } from './readiness.service.js';

@Module({
  imports: [TerminusModule, EventsModule, ScoringModule],
  controllers: [HealthController],
  providers: [ReadinessService, GrpcHealthStatus],
  exports: [GrpcHealthStatus],
})
export class HealthModule {}
