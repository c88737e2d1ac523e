import { Module, type DynamicModule } from '@nestjs/common';
import { ApiAuthModule } from '../auth/api-auth.module.js';
import { RiskGrpcController } from './risk-grpc.controller.js';

/**
 * riskwire.v1.RiskService over gRPC: the handlers on `assessments` (the same AssessmentsModule object the HTTP
 * module gets). The server itself is the app's microservice: app.connectMicroservice(grpcMicroserviceOptions(...)).
 */
@Module({})
export class ApiGrpcModule {
  static forRoot(assessments: DynamicModule): DynamicModule {
    return { module: ApiGrpcModule, imports: [assessments, ApiAuthModule], controllers: [RiskGrpcController] };
  }
}
