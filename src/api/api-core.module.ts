import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { AssessmentsModule } from './assessments.module.js';
import { ApiAuthModule } from './auth/api-auth.module.js';
import { CallbacksModule } from './callbacks/callbacks.module.js';
import { ApiErrorsModule } from './errors/api-errors.module.js';
import { ApiGrpcModule } from './grpc/api-grpc.module.js';
import { ApiHttpModule } from './http/api-http.module.js';

/**
 * Wiring only: the API's concerns, each a module in its folder (http/, grpc/, auth/, callbacks/, errors/), on
 * one AssessmentsModule built from `imports` (which supply RiskEngine, DECISION_STORE and DecisionIds: ApiModule
 * passes DecisionsModule, the API specs a fake). The app needs no extra wiring beyond setupOpenApi and the gRPC
 * options; create it with `bodyParser: false` (ApiHttpModule installs the bounded JSON parser).
 */
@Module({})
export class ApiCoreModule {
  static forRoot(options: { imports: NonNullable<ModuleMetadata['imports']> }): DynamicModule {
    const assessments = AssessmentsModule.forRoot(options);
    return {
      module: ApiCoreModule,
      imports: [
        ApiErrorsModule,
        ApiAuthModule,
        CallbacksModule,
        assessments,
        ApiHttpModule.forRoot(assessments),
        ApiGrpcModule.forRoot(assessments),
      ],
      exports: [ApiAuthModule, assessments],
    };
  }
}
