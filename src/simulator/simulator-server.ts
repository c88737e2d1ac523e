import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_PREFIX, createAdminRoutes } from './admin-routes.js';
import {
  CamaraAuthority,
  DEFAULT_CAMARA_CLIENT_ID,
  DEFAULT_CAMARA_CLIENT_SECRET,
  DEFAULT_CAMARA_TOKEN_TTL_S,
  type CamaraClient,
} from './camara-authority.js';
import { CAMARA_PREFIX, createCamaraRoutes, type CamaraOperatorSettings } from './camara-routes.js';
import { FaultInjector, type FaultConfig } from './fault-injector.js';
import { HeldRequests } from './held-requests.js';
import { sendError } from './http-io.js';
import { createNetworkSignalRoutes } from './network-signal-routes.js';
import { RequestStats } from './request-stats.js';
import { SubscriberRegistry, type DeviceSwapDateField } from './subscriber-registry.js';

export const DEFAULT_SIMULATOR_API_KEY = 'riskwire-dev-key';
export const DEFAULT_BASE_PATH = '/network-signal/v1';

export interface SimulatorOptions {
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** 0 picks a free port (tests). Defaults to 8090. */
  port?: number;
  /** Value the `apiKey` header must carry. Defaults to riskwire-dev-key, the service's own default. */
  apiKey?: string;
  /** Defaults to /network-signal/v1, like the real API. */
  basePath?: string;
  /** Faults in force at start and after a reset, e.g. a default latency; for both dialects. */
  faults?: FaultConfig;
  /** The CAMARA dialect's client and token lifetime; defaults riskwire / riskwire-dev-secret / 3600 s. */
  camara?: Partial<CamaraClient>;
  /** Field of the device-swap retrieve-date answer; the reference example shows the legacy latestSimChange. */
  deviceSwapDateField?: DeviceSwapDateField;
  /** How long a request chosen to time out is held before a late 504. Defaults to 30 s. */
  timeoutHoldMs?: number;
  /** Clock for swap windows; injectable for tests. */
  now?: () => number;
  /** Randomness for fault draws and latency; injectable for tests. */
  random?: () => number;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:8090 */
  url: string;
  /** url + base path, what the service's SIGNALS_BASE_URL points at. */
  baseUrl: string;
  port: number;
  registry: SubscriberRegistry;
  /** Faults of the tyntec dialect (today's). */
  faults: FaultInjector;
  /** The CAMARA dialect under /camara: its faults, authorisation server and operator settings. */
  camara: { baseUrl: string; tokenUrl: string; faults: FaultInjector; authority: CamaraAuthority; settings: CamaraOperatorSettings };
  stats: RequestStats;
  /** Requests currently held by timeout injection. */
  held: HeldRequests;
  /** Stops listening and drops every open connection, including held requests. */
  close(): Promise<void>;
}

/** Starts the Network Signals API simulator: same paths, headers, bodies and errors as the upstream. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const basePath = (options.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, '');
  const registry = new SubscriberRegistry(options.deviceSwapDateField);
  const faults = new FaultInjector(options.faults ?? {}, options.random);
  const camaraFaults = new FaultInjector(options.faults ?? {}, options.random);
  const now = options.now ?? Date.now;
  const authority = new CamaraAuthority(
    {
      clientId: options.camara?.clientId ?? DEFAULT_CAMARA_CLIENT_ID,
      clientSecret: options.camara?.clientSecret ?? DEFAULT_CAMARA_CLIENT_SECRET,
      tokenTtlS: options.camara?.tokenTtlS ?? DEFAULT_CAMARA_TOKEN_TTL_S,
    },
    now,
  );
  const camaraSettings: CamaraOperatorSettings = {};
  const stats = new RequestStats();
  const held = new HeldRequests(options.timeoutHoldMs ?? 30_000);

  const handleSignal = createNetworkSignalRoutes({
    basePath,
    apiKey: options.apiKey ?? DEFAULT_SIMULATOR_API_KEY,
    registry,
    faults,
    stats,
    held,
    now,
  });
  const handleCamara = createCamaraRoutes({ registry, faults: camaraFaults, stats, held, authority, settings: camaraSettings, now });
  const handleAdmin = createAdminRoutes({ registry, faults, camaraFaults, camaraSettings, authority, stats, held });

  const server = createServer(
    // Pooled clients keep connections for up to a minute; outliving them avoids races on reused sockets.
    { keepAliveTimeout: 65_000, noDelay: true },
    (req: IncomingMessage, res: ServerResponse) => {
      const url = req.url ?? '/';
      const queryAt = url.indexOf('?');
      const path = queryAt === -1 ? url : url.slice(0, queryAt);
      if (handleSignal(req, res, path)) return;
      if (path.startsWith(`${CAMARA_PREFIX}/`) && handleCamara(req, res, path)) return;
      if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) return handleAdmin(req, res, path);
      stats.record('unmatched', 404);
      sendError(res, 404);
    },
  );
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8090, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    baseUrl: url + basePath,
    port,
    registry,
    faults,
    camara: {
      baseUrl: url + CAMARA_PREFIX,
      tokenUrl: `${url}${CAMARA_PREFIX}/oauth2/token`,
      faults: camaraFaults,
      authority,
      settings: camaraSettings,
    },
    stats,
    held,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        held.releaseAll();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
