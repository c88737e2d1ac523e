import { Module } from '@nestjs/common';
import { DecisionsModule } from '../decisions/decisions.module.js';
import { ApiCoreModule } from './api-core.module.js';

/**
 * The HTTP /v1 API and the riskwire.v1.RiskService gRPC service, on the app's RiskEngine and decision store.
 * APP_CONFIG and RiskwireMetrics come from the global Config and Metrics modules. The app also calls
 * setupOpenApi(app) and app.connectMicroservice(grpcMicroserviceOptions(config, app.get(GrpcHealthStatus))) (the gRPC health status is HealthModule's).
 */
@Module({ imports: [ApiCoreModule.forRoot({ imports: [DecisionsModule] })], exports: [ApiCoreModule] })
export class ApiModule {}
