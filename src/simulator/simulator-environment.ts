import {
  DEFAULT_CAMARA_CLIENT_ID,
  DEFAULT_CAMARA_CLIENT_SECRET,
  DEFAULT_CAMARA_TOKEN_TTL_S,
  type CamaraClient,
} from './camara-authority.js';
import { MAX_LATENCY_MS, type LatencyRange } from './fault-injector.js';
import { DEFAULT_SIMULATOR_API_KEY } from './simulator-server.js';
import { DEVICE_SWAP_DATE_FIELDS, type DeviceSwapDateField } from './subscriber-registry.js';

export interface SimulatorEnvironment {
  host: string;
  port: number;
  apiKey: string;
  latencyMs: LatencyRange;
  deviceSwapDateField: DeviceSwapDateField;
  camara: CamaraClient;
}

/** Every invalid variable, named, so a bad start fails once with the whole list. */
export class SimulatorEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid simulator environment: ${problems.join('; ')}`);
    this.name = 'SimulatorEnvironmentError';
  }
}

/**
 * The simulator is a separate process from the service, so it reads its own SIMULATOR_* variables here rather than
 * through the service's AppConfig.
 */
export function loadSimulatorEnvironment(env: Record<string, string | undefined>): SimulatorEnvironment {
  const problems: string[] = [];

  const rawPort = env.SIMULATOR_PORT ?? '8090';
  const port = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : NaN;
  if (!(port >= 0 && port <= 65535)) problems.push(`SIMULATOR_PORT must be an integer in 0..65535, got "${rawPort}"`);

  const host = env.SIMULATOR_HOST ?? '127.0.0.1';
  if (host.trim() === '') problems.push('SIMULATOR_HOST must not be empty');

  const apiKey = env.SIMULATOR_API_KEY ?? DEFAULT_SIMULATOR_API_KEY;
  // Never echo the key itself.
  if (apiKey.trim() === '') problems.push('SIMULATOR_API_KEY must not be empty');

  const rawLatency = (env.SIMULATOR_LATENCY_MS ?? '0').trim();
  const latencyMs = parseLatency(rawLatency);
  if (latencyMs === undefined) {
    problems.push(`SIMULATOR_LATENCY_MS must be "<ms>" or "<min>-<max>" within 0..${MAX_LATENCY_MS}, got "${rawLatency}"`);
  }

  const deviceSwapDateField = (env.SIMULATOR_DEVICE_DATE_FIELD ?? 'latestDeviceChange') as DeviceSwapDateField;
  if (!DEVICE_SWAP_DATE_FIELDS.includes(deviceSwapDateField)) {
    problems.push(`SIMULATOR_DEVICE_DATE_FIELD must be one of ${DEVICE_SWAP_DATE_FIELDS.join(', ')}`);
  }

  // --- CAMARA dialect
  const clientId = env.SIMULATOR_CAMARA_CLIENT_ID ?? DEFAULT_CAMARA_CLIENT_ID;
  if (clientId.trim() === '') problems.push('SIMULATOR_CAMARA_CLIENT_ID must not be empty');
  const clientSecret = env.SIMULATOR_CAMARA_CLIENT_SECRET ?? DEFAULT_CAMARA_CLIENT_SECRET;
  // Never echo the secret itself.
  if (clientSecret.trim() === '') problems.push('SIMULATOR_CAMARA_CLIENT_SECRET must not be empty');
  const rawTtl = (env.SIMULATOR_CAMARA_TOKEN_TTL_S ?? String(DEFAULT_CAMARA_TOKEN_TTL_S)).trim();
  const tokenTtlS = /^\d{1,6}$/.test(rawTtl) ? Number(rawTtl) : NaN;
  if (!(tokenTtlS >= 1 && tokenTtlS <= 86_400))
    problems.push(`SIMULATOR_CAMARA_TOKEN_TTL_S must be an integer in 1..86400, got "${rawTtl}"`);

  if (problems.length > 0) throw new SimulatorEnvironmentError(problems);
  return { host, port, apiKey, latencyMs: latencyMs!, deviceSwapDateField, camara: { clientId, clientSecret, tokenTtlS } };
}

function parseLatency(raw: string): LatencyRange | undefined {
  const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(raw);
  if (!match) return undefined;
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  return min <= max && max <= MAX_LATENCY_MS ? { min, max } : undefined;
}
