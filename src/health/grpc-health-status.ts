import { Injectable } from '@nestjs/common';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { RISK_SERVICE_NAME } from '../contract/risk-service.js';

/** '' is the whole server; the other name is the one service it runs. */
export type GrpcHealthService = '' | typeof RISK_SERVICE_NAME;

/**
 * grpc.health.v1.Health of the gRPC server: '' and riskwire.v1.RiskService. Readiness flips it (e.g.
 * NOT_SERVING while draining on shutdown); the gRPC server setup is given it and adds it to the server.
 * One per application (a provider of HealthModule), not a module-level singleton.
 */
@Injectable()
export class GrpcHealthStatus {
  private readonly implementation = new HealthImplementation({ '': 'SERVING', [RISK_SERVICE_NAME]: 'SERVING' });

  set(status: ServingStatus, service?: GrpcHealthService): void {
    for (const name of service === undefined ? ['', RISK_SERVICE_NAME] : [service]) this.implementation.setStatus(name, status);
  }

  addToServer(server: Parameters<HealthImplementation['addToServer']>[0]): void {
    this.implementation.addToServer(server);
  }
}
