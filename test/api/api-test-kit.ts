/* eslint-disable @typescript-eslint/no-explicit-any -- JSON response bodies and gRPC clients loaded from the proto at run time are untyped */
/* Test harness for the API specs: a Nest app from ApiCoreModule (ApiModule minus DecisionsModule) with a fake RiskEngine and a real decision store. */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { ApiCoreModule } from '../../src/api/api-core.module.js';
import { grpcMicroserviceOptions } from '../../src/api/grpc/grpc-options.js';
import { setupOpenApi } from '../../src/api/http/openapi.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { ConfigModule } from '../../src/config/config.module.js';
import type { Decision, Outcome } from '../../src/domain/decision.js';
import { DecisionIds, decisionIdFor } from '../../src/decisions/decision-id.js';
import { DECISION_STORE, type DecisionStore } from '../../src/decisions/decision-store.js';
import { MemoryDecisionStore } from '../../src/decisions/memory-decision-store.js';
import { eventFingerprint } from '../../src/decisions/event-fingerprint.js';
import {
  RiskEngine,
  eventIdConflict,
  type AssessOptions,
  type AssessResult,
  type DecisionSource,
} from '../../src/decisions/risk-engine.js';
import type { RiskEvent } from '../../src/domain/risk-event.js';
import { GrpcHealthStatus } from '../../src/health/grpc-health-status.js';
import { MetricsModule } from '../../src/metrics/metrics.module.js';
import { RiskwireMetrics } from '../../src/metrics/riskwire-metrics.js';
import { freePort } from '../support/ports.js';

export const KEYS = {
  ops: 'ops-secret-1',
  /** read-only, in ops's tenant */
  reader: 'reader-secret-2',
  assessor: 'assessor:with:colons',
  /** a second key of ops's tenant (tenant given explicitly) */
  opsBot: 'ops-bot:secret:3',
  /** a key of another tenant, globex */
  globex: 'globex-secret-4',
};
/** ops and assessor belong to the tenants named like them (no tenant given: the 3-part form); reader and ops-bot to ops */
export const API_KEYS = `ops:${KEYS.ops}:assess|read,reader:${KEYS.reader}:read:ops,assessor:${KEYS.assessor}:assess,ops-bot:${KEYS.opsBot}:assess|read:ops,globex-app:${KEYS.globex}:assess|read:globex`;
export const TEST_DECISION_ID_SECRET = 'test-decision-id-secret';

/** The decision id the test app gives eventId in tenant (ops, the default key's, unless named). */
export function decisionIdOf(eventId: string, tenant = 'ops'): string {
  return decisionIdFor(TEST_DECISION_ID_SECRET, tenant, eventId);
}

const OUTCOMES: Outcome[] = ['ALLOW', 'CHALLENGE', 'REVIEW', 'DENY'];

/**
 * Stands in for RiskEngine (whose signal and scoring dependencies are tested elsewhere): a deterministic
 * decision from the event, retained in the real store per tenant, replays answered from it, the same
 * eventId with other content refused as the engine refuses it, every call counted.
 */
export class FakeRiskEngine {
  calls: { event: RiskEvent; options: AssessOptions }[] = [];
  delivered: { decisionId: string; source: DecisionSource }[] = [];
  delayMs = 0;
  failWith?: Error;

  constructor(
    private readonly store: DecisionStore,
    private readonly ids: DecisionIds,
  ) {}

  async assess(event: RiskEvent, options: AssessOptions): Promise<AssessResult> {
    this.calls.push({ event, options });
    const tenant = options.source === 'kafka' ? 'kafka' : options.tenant;
    const decisionId = this.ids.idFor(tenant, event.eventId);
    const fingerprint = eventFingerprint(event);
    const earlier = await this.store.get(tenant, decisionId);
    if (earlier) {
      if (earlier.eventFingerprint !== fingerprint) throw eventIdConflict(event.eventId);
      return { decision: earlier.decision, replayed: true };
    }
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failWith) throw this.failWith;
    const digit = Number(event.phoneNumber.slice(-1));
    const decision: Decision = {
      decisionId,
      eventId: event.eventId,
      eventType: event.type,
      accountId: event.accountId,
      score: digit * 10,
      outcome: OUTCOMES[digit % 4]!,
      reasons: digit > 0 ? [{ code: 'FAKE_DIGIT', points: digit * 10, message: `last digit ${digit}` }] : [],
      avoidOtpChannels: digit >= 6 ? ['sms'] : [],
      degraded: options.deadline !== undefined,
      policyVersion: 'fake-1',
      signals: {
        simSwap: { status: 'OK', value: { latestChange: '2026-11-20T08:00:00Z' } },
        deviceSwap: { status: 'OK', value: { swappedWithin: { swapped: false, maxAgeMinutes: 1440 } } },
        callForwarding: { status: 'UNAVAILABLE', reason: 'timeout' },
      },
      evidence: { occurredAt: event.occurredAt },
      decidedAt: event.occurredAt,
      latencyMs: 3,
    };
    await this.store.putIfAbsent({ tenant, eventFingerprint: fingerprint, decision });
    return { decision, replayed: false };
  }

  recordDelivered(decision: Decision, source: DecisionSource) {
    this.delivered.push({ decisionId: decision.decisionId, source });
  }
}

// The API specs' builders are the shared kit's fixed-value payloads (test/support/events.ts).
export { loginPayload as loginEvent, transactionPayload as transactionEvent } from '../support/events.js';

export { freePort };

export interface ApiTestApp {
  app: NestExpressApplication;
  baseUrl: string;
  grpcAddress?: string;
  /** what the gRPC server's grpc.health.v1.Health reports (the app's HealthModule owns it in production) */
  grpcHealth: GrpcHealthStatus;
  engine: FakeRiskEngine;
  store: DecisionStore;
  config: AppConfig;
  metrics: RiskwireMetrics;
  close(): Promise<void>;
}

export async function startApiApp(
  options: { env?: Record<string, string>; grpc?: boolean; store?: DecisionStore } = {},
): Promise<ApiTestApp> {
  const config = loadConfig({
    API_KEYS,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    GRPC_PORT: '0',
    CALLBACK_ALLOW_PRIVATE: 'true',
    CALLBACK_SIGNING_SECRET: 'test-signing-secret',
    MAX_PAYLOAD_BYTES: '4096',
    DECISION_ID_SECRET: TEST_DECISION_ID_SECRET,
    ...options.env,
  });
  const store = options.store ?? new MemoryDecisionStore({ maxEntries: 10_000, retentionSeconds: 3600 });
  const ids = new DecisionIds(config);
  const engine = new FakeRiskEngine(store, ids);
  const FakeDecisionsModule = {
    module: class FakeDecisionsModule {},
    providers: [
      { provide: RiskEngine, useValue: engine },
      { provide: DECISION_STORE, useValue: store },
      { provide: DecisionIds, useValue: ids },
    ],
    exports: [RiskEngine, DECISION_STORE, DecisionIds],
  };
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), MetricsModule, ApiCoreModule.forRoot({ imports: [FakeDecisionsModule] })],
  }).compile();
  // the same wiring as src/bootstrap.ts: no default body parser, OpenAPI, gRPC inheriting the app config
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false, bodyParser: false });
  setupOpenApi(app);
  let grpcAddress: string | undefined;
  const grpcHealth = new GrpcHealthStatus();
  if (options.grpc) {
    grpcAddress = `127.0.0.1:${await freePort()}`;
    app.connectMicroservice(grpcMicroserviceOptions(config, grpcHealth, { url: grpcAddress }), { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    grpcAddress,
    grpcHealth,
    engine,
    store,
    config,
    metrics: app.get(RiskwireMetrics),
    close: () => app.close(),
  };
}

/** fetch with JSON defaults; returns status, headers and the parsed body. */
export async function call(
  baseUrl: string,
  path: string,
  init: { method?: string; key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? KEYS.ops}`;
  let body: string | undefined;
  if (init.rawBody !== undefined || init.body !== undefined) {
    body = init.rawBody ?? JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(baseUrl + path, { method: init.method ?? (body !== undefined ? 'POST' : 'GET'), headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
