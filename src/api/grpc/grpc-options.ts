import { ReflectionService } from '@grpc/reflection';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HealthImplementation, protoPath as healthProtoPath, type ServingStatus } from 'grpc-health-check';
import type { AppConfig } from '../../config/app-config.js';

export const RISK_SERVICE_NAME = 'riskwire.v1.RiskService';
const RISK_PROTO = join('proto', 'riskwire', 'v1', 'risk.proto');

/** proto/ sits at the repository root: two levels above src/api, three above dist/src/api. */
function findRiskProto(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, RISK_PROTO);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`cannot find ${RISK_PROTO} above ${fileURLToPath(import.meta.url)}`);
}

export const RISK_PROTO_PATH = findRiskProto();

/** The loader options of the server; clients (tests, tools) should load the proto the same way. */
export const RISK_PROTO_LOADER_OPTIONS = { keepCase: false, longs: String, enums: String, defaults: false, oneofs: true } as const;

/**
 * grpc.health.v1.Health of the gRPC server: '' (the whole server) and riskwire.v1.RiskService.
 * The health module flips it with setGrpcServingStatus (e.g. NOT_SERVING while draining on shutdown).
 */
export const riskwireGrpcHealth = new HealthImplementation({ '': 'SERVING', [RISK_SERVICE_NAME]: 'SERVING' });

export function setGrpcServingStatus(status: ServingStatus, service?: '' | typeof RISK_SERVICE_NAME): void {
  for (const name of service === undefined ? ['', RISK_SERVICE_NAME] : [service]) riskwireGrpcHealth.setStatus(name, status);
}

/** For main.ts: `app.connectMicroservice(grpcMicroserviceOptions(config), { inheritAppConfig: false })`. */
export function grpcMicroserviceOptions(config: AppConfig, overrides: { url?: string } = {}): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      package: 'riskwire.v1',
      // the health proto is loaded too, only so that reflection can describe it (Nest binds riskwire.v1 alone)
      protoPath: [RISK_PROTO_PATH, healthProtoPath],
      url: overrides.url ?? `${config.api.host}:${config.api.grpcPort}`,
      loader: { ...RISK_PROTO_LOADER_OPTIONS },
      maxReceiveMessageLength: config.kafka.maxPayloadBytes,
      onLoadPackageDefinition: (pkg, server) => {
        riskwireGrpcHealth.addToServer(server);
        new ReflectionService(pkg).addToServer(server);
      },
    },
  };
}
