import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppConfig } from '../../config/app-config.js';
import { RISK_SERVICE_NAME } from '../../contract/risk-service.js';
import type { GrpcHealthStatus } from '../../health/grpc-health-status.js';
import { DescriptorSetReflection, REFLECTION_SERVICE_NAMES } from './descriptor-set-reflection.js';

export { RISK_SERVICE_NAME };
const HEALTH_SERVICE_NAME = 'grpc.health.v1.Health';
/** What reflection's list_services reports: every service the server runs. */
export const GRPC_SERVICE_NAMES = [RISK_SERVICE_NAME, HEALTH_SERVICE_NAME, ...REFLECTION_SERVICE_NAMES];
const RISK_PROTO = join('proto', 'riskwire', 'v1', 'risk.proto');
const DESCRIPTOR_SET = join('proto', 'riskwire-descriptor-set.binpb');

/** proto/ sits at the repository root: three levels above src/api/grpc, four above dist/src/api/grpc; searched upwards. */
function findInProtoDir(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`cannot find ${relative} above ${fileURLToPath(import.meta.url)}`);
}

/** What the server decodes and encodes with (protobufjs reads maps and optionals from the source as they are). */
export const RISK_PROTO_PATH = findInProtoDir(RISK_PROTO);

/**
 * What reflection serves: risk.proto, grpc.health.v1 and grpc.reflection compiled by buf (`npm run proto`;
 * a test fails when it no longer matches proto/).
 */
export const RISK_DESCRIPTOR_SET_PATH = findInProtoDir(DESCRIPTOR_SET);

/** The loader options of the server; clients (tests, tools) should load the proto the same way. */
export const RISK_PROTO_LOADER_OPTIONS = { keepCase: false, longs: String, enums: String, defaults: false, oneofs: true } as const;

/**
 * For bootstrap.ts: `app.connectMicroservice(grpcMicroserviceOptions(config, app.get(GrpcHealthStatus)), { inheritAppConfig: true })`.
 * The health status is the application's (HealthModule's), so readiness and the server share it.
 */
export function grpcMicroserviceOptions(
  config: AppConfig,
  health: Pick<GrpcHealthStatus, 'addToServer'>,
  overrides: { url?: string } = {},
): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      package: 'riskwire.v1',
      protoPath: RISK_PROTO_PATH,
      url: overrides.url ?? `${config.api.host}:${config.api.grpcPort}`,
      loader: { ...RISK_PROTO_LOADER_OPTIONS },
      maxReceiveMessageLength: config.kafka.maxPayloadBytes,
      onLoadPackageDefinition: (_pkg, server) => {
        health.addToServer(server);
        new DescriptorSetReflection(readFileSync(RISK_DESCRIPTOR_SET_PATH), GRPC_SERVICE_NAMES).addToServer(server);
      },
    },
  };
}
