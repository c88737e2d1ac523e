import { DynamicModule, Inject, MiddlewareConsumer, Module, NestModule, type ModuleMetadata } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { RedisModule } from '../redis/redis.module.js';
import { ApiAuthenticator } from './auth/api-authenticator.js';
import { ApiExceptionFilter } from './errors/api-exception.filter.js';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { ApiGate } from './auth/api-gate.js';
import { RateLimits } from './auth/rate-limits.js';
import { apiStateStoreProvider } from './api-state.store.js';
import { AssessmentsController } from './http/assessments.controller.js';
import { AssessmentsService } from './assessments.service.js';
import { CallbackDeliveryService } from './callbacks/callback-delivery.service.js';
import { RiskGrpcController } from './grpc/risk-grpc.controller.js';
import { httpMetricsMiddleware } from './http/http-metrics.middleware.js';
import { IdempotencyService } from './idempotency.service.js';
import { jsonBodyMiddleware } from './http/json-body.middleware.js';
import { requestIdMiddleware } from './http/request-id.middleware.js';

/**
 * Everything of the API except where RiskEngine and DECISION_STORE come from: `imports` supplies them
 * (ApiModule passes DecisionsModule; tests pass a fake). Also installs, app-wide: X-Request-Id, HTTP metrics,
 * the JSON body parser with MAX_PAYLOAD_BYTES (create the app with `bodyParser: false`), and the one global
 * exception filter (APP_FILTER), so the app needs no extra wiring beyond setupOpenApi and the gRPC options.
 */
@Module({})
export class ApiCoreModule implements NestModule {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: RiskwireMetrics,
  ) {}

  static forRoot(options: { imports: NonNullable<ModuleMetadata['imports']> }): DynamicModule {
    return {
      module: ApiCoreModule,
      imports: [...options.imports, RedisModule],
      controllers: [AssessmentsController, RiskGrpcController],
      providers: [
        ApiAuthenticator,
        RateLimits,
        ApiGate,
        ApiKeyGuard,
        IdempotencyService,
        AssessmentsService,
        CallbackDeliveryService,
        apiStateStoreProvider,
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
      exports: [ApiAuthenticator, AssessmentsService],
    };
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
