import { DynamicModule, Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { RiskwireMetrics } from '../../metrics/riskwire-metrics.js';
import { ApiAuthModule } from '../auth/api-auth.module.js';
import { AssessmentsController } from './assessments.controller.js';
import { httpMetricsMiddleware } from './http-metrics.middleware.js';
import { jsonBodyMiddleware } from './json-body.middleware.js';
import { requestIdMiddleware } from './request-id.middleware.js';

/**
 * HTTP /v1: the assessments controller on `assessments` (AssessmentsModule.forRoot, the same module object the
 * gRPC module gets, so both share one AssessmentsService). Also installs, app-wide: X-Request-Id, HTTP
 * metrics and the JSON body parser with MAX_PAYLOAD_BYTES (create the app with `bodyParser: false`).
 * OpenAPI is set up on the app by setupOpenApi (openapi.ts).
 */
@Module({})
export class ApiHttpModule implements NestModule {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: RiskwireMetrics,
  ) {}

  static forRoot(assessments: DynamicModule): DynamicModule {
    return { module: ApiHttpModule, imports: [assessments, ApiAuthModule], controllers: [AssessmentsController] };
  }

  configure(consumer: MiddlewareConsumer) {
    consumer
      .apply(
        requestIdMiddleware,
        httpMetricsMiddleware(this.metrics),
        jsonBodyMiddleware(this.config.kafka.maxPayloadBytes, this.config.kafkaResilience.maxJsonDepth),
      )
      .forRoutes('{*path}');
  }
}
