import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { ApiAuthenticator } from './api/auth/api-authenticator.js';
import { grpcMicroserviceOptions } from './api/grpc/grpc-options.js';
import { requireKeyForMetrics } from './api/auth/metrics-auth.js';
import { setupOpenApi } from './api/http/openapi.js';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { GrpcHealthStatus } from './health/grpc-health-status.js';
import { assertProvidersAvailable } from './signals/providers/provider-registry.js';

/**
 * One app, three doors: HTTP (API, health, metrics), gRPC and the Kafka consumer. Used by main.ts,
 * the demo, the benchmark and the end-to-end tests, so they all run the same wiring.
 */
export async function startApp(config: AppConfig): Promise<INestApplication> {
  // Nest would exit 1 from inside its injector; a provider type this build lacks is a setting to fix (exit 2).
  assertProvidersAvailable(config.signalProviders);
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  if (config.api.metricsAuth === 'key') app.use('/metrics', requireKeyForMetrics(config, app.get(ApiAuthenticator)));
  app.connectMicroservice(grpcMicroserviceOptions(config, app.get(GrpcHealthStatus)), { inheritAppConfig: true });
  setupOpenApi(app);
  await app.startAllMicroservices();
  await app.listen(config.api.httpPort, config.api.host);
  return app;
}
