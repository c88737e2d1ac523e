import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventsModule } from '../events/events.module.js';
import { ScoringModule } from '../scoring/scoring.module.js';
import { HealthController } from './health.controller.js';
import { ReadinessService } from './readiness.service.js';

@Module({ imports: [TerminusModule, EventsModule, ScoringModule], controllers: [HealthController], providers: [ReadinessService] })
export class HealthModule {}
