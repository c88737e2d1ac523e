/* eslint-disable @typescript-eslint/no-explicit-any -- JSON response bodies and gRPC clients loaded from the proto at run time are untyped */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Metadata, credentials, loadPackageDefinition, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import type { Kafka } from 'kafkajs';
import { RISK_PROTO_LOADER_OPTIONS, RISK_PROTO_PATH } from '../../src/api/grpc/grpc-options.js';
import type { Decision } from '../../src/domain/decision.js';
import { decisionIdFor } from '../../src/decisions/decision-id.js';
import { loginEvent, transactionEvent } from '../support/events.js';
import { TopicReader, produce } from '../support/kafka-io.js';
import { PipelineStack } from '../support/pipeline-stack.js';
import { RedisServer } from '../support/redis-server.js';
import { ServiceProcess } from '../support/service-process.js';
import { SimulatorAdmin, hoursAgo } from '../support/simulator-admin.js';

const UPSTREAM_KEY = 'e2e-upstream-key';
const API_SECRET = 'e2e-api-secret';
// the Standard Webhooks form: whsec_ + base64 of the key bytes, as a receiver's library takes it
const SIGNING_SECRET = `whsec_${Buffer.from('e2e-signing-key-of-thirty-two-bytes!').toString('base64')}`;
const DECISION_ID_SECRET = 'e2e-decision-id-secret';
/** The API key is in the Kafka tenant (as an operator's key would be), so it shares decisions with Kafka. */
const KAFKA_TENANT = 'kafka';
const decisionIdOf = (eventId: string) => decisionIdFor(DECISION_ID_SECRET, KAFKA_TENANT, eventId);

const riskPkg = loadPackageDefinition(loadSync(RISK_PROTO_PATH, { ...RISK_PROTO_LOADER_OPTIONS })) as any;
const healthPkg = loadPackageDefinition(loadSync(healthProtoPath, { enums: String })) as any;

/** The JSON event contract as a gRPC AssessRequest. */
function toAssessRequest(event: Record<string, any>) {
  const base = { eventId: event.eventId, occurredAt: event.occurredAt, accountId: event.accountId, phoneNumber: event.phoneNumber };
  if (event.type === 'transaction') {
    return { ...base, transaction: { amount: event.amount, transactionType: event.transactionType } };
  }
  return { ...base, login: { channel: event.channel } };
}

describe('HTTP, gRPC and Kafka share one engine (real broker, real simulator, service as a process)', () => {
  let kafka: Kafka;
  let stack: PipelineStack;
  let admin: SimulatorAdmin;
  let service: ServiceProcess;
  let decisions: TopicReader<Decision>;
  let grpcClient: any;
  let topics: PipelineStack['topics'];
  // decisions and idempotency records live in a real Redis, as with several replicas
  const redis = new RedisServer();

  const http = async (path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(service.httpUrl + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${API_SECRET}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };

  const grpc = (method: string, request: object, deadlineMs = 5000): Promise<any> => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${API_SECRET}`);
    return new Promise((resolve, reject) =>
      grpcClient[method](request, metadata, { deadline: Date.now() + deadlineMs }, (err: ServiceError | null, res: unknown) =>
        err ? reject(err) : resolve(res),
      ),
    );
  };

  beforeAll(async () => {
    await redis.start();
    stack = await PipelineStack.start({
      prefix: 'transports',
      upstreamKey: UPSTREAM_KEY,
      env: {
        SIGNALS_TIMEOUT_MS: '400',
        SIGNAL_CACHE: 'off',
        API_KEYS: `e2e:${API_SECRET}:assess|read:${KAFKA_TENANT}`,
        DECISION_ID_SECRET,
        CALLBACK_SIGNING_SECRET: SIGNING_SECRET,
        CALLBACK_ALLOW_PRIVATE: 'true',
        REDIS_URL: redis.url,
      },
    });
    ({ kafka, topics, admin, service, decisions } = stack);
    grpcClient = new riskPkg.riskwire.v1.RiskService(`127.0.0.1:${service.grpcPort}`, credentials.createInsecure());
  });

  afterAll(async () => {
    grpcClient?.close();
    await stack?.stop();
    await redis.stop();
  });

  it('the same event via HTTP, then gRPC, then Kafka gets one decision id and one outcome (a key in the Kafka tenant)', async () => {
    const phone = '+491720000001';
    await admin.subscriber(phone, { simSwappedAt: hoursAgo(2), callForwardingActive: true });
    const event = transactionEvent(phone, '2500.00');

    const viaHttp = await http('/v1/assessments', event);
    expect(viaHttp.status).toBe(200);
    expect(viaHttp.body.decisionId).toBe(decisionIdOf(event.eventId));
    expect(viaHttp.body.outcome).not.toBe('ALLOW');

    const viaGrpc = await grpc('Assess', toAssessRequest(event));
    // riskwire.v1.Outcome names carry the enum prefix: OUTCOME_DENY is "DENY"
    expect(viaGrpc).toMatchObject({
      decisionId: viaHttp.body.decisionId,
      outcome: `OUTCOME_${viaHttp.body.outcome}`,
      score: viaHttp.body.score,
    });

    await produce(kafka, topics.transaction, [{ key: event.accountId, value: JSON.stringify(event) }]);
    await decisions.waitFor((rs) => rs.some((r) => r.value.eventId === event.eventId), 30_000, 'the Kafka decision');
    const viaKafka = decisions.records.find((r) => r.value.eventId === event.eventId)!.value;
    expect(viaKafka).toMatchObject({ decisionId: viaHttp.body.decisionId, outcome: viaHttp.body.outcome, score: viaHttp.body.score });
    expect(viaKafka.reasons.map((r) => r.code)).toEqual(viaHttp.body.reasons.map((r: { code: string }) => r.code));
  });

  it('a decision made from Kafka is readable over HTTP and gRPC, and listed for its account', async () => {
    const event = loginEvent('+491720000002', { accountId: `acc-transports-${Date.now()}` });
    await produce(kafka, topics.login, [{ key: event.accountId, value: JSON.stringify(event) }]);
    await decisions.waitFor((rs) => rs.some((r) => r.value.eventId === event.eventId), 30_000, 'the Kafka decision');
    const id = decisionIdOf(event.eventId);
    const got = await http(`/v1/assessments/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.eventId).toBe(event.eventId);
    expect(await grpc('GetDecision', { decisionId: id })).toMatchObject({ decisionId: id, outcome: `OUTCOME_${got.body.outcome}` });
    const listed = await http(`/v1/assessments?accountId=${encodeURIComponent(event.accountId)}`);
    expect(listed.body.decisions.map((d: Decision) => d.decisionId)).toEqual([id]);
    expect(listed.body.meta).toMatchObject({ count: 1, page_number: 1, next_page_url: null });
  });

  it('risky and clean subscribers get the same outcome on every transport (distinct events)', async () => {
    const risky = '+491720000003';
    await admin.subscriber(risky, { simSwappedAt: hoursAgo(1), deviceSwappedAt: hoursAgo(1) });
    const outcomes: string[] = [];
    const e1 = loginEvent(risky);
    outcomes.push((await http('/v1/assessments', e1)).body.outcome);
    const e2 = loginEvent(risky);
    outcomes.push(((await grpc('Assess', toAssessRequest(e2))).outcome as string).replace(/^OUTCOME_/, ''));
    const e3 = loginEvent(risky);
    await produce(kafka, topics.login, [{ key: e3.accountId, value: JSON.stringify(e3) }]);
    await decisions.waitFor((rs) => rs.some((r) => r.value.eventId === e3.eventId), 30_000, 'the Kafka decision');
    outcomes.push(decisions.records.find((r) => r.value.eventId === e3.eventId)!.value.outcome);
    expect(new Set(outcomes).size).toBe(1);
    expect(outcomes[0]).not.toBe('ALLOW');
  });

  it('a short gRPC deadline against a slow upstream yields a degraded decision, not DEADLINE_EXCEEDED', async () => {
    await admin.faults({ latencyMs: 4000 });
    try {
      const decision = await grpc('Assess', toAssessRequest(loginEvent('+491720000004')), 1000);
      expect(decision.degraded).toBe(true);
    } finally {
      await admin.reset();
    }
  });

  it('an asynchronous HTTP assessment calls back with a verifiable signature', async () => {
    const received: { body: string; headers: IncomingHttpHeaders }[] = [];
    const receiver: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const { port } = receiver.address() as { port: number };
      const event = loginEvent('+491720000005');
      const accepted = await http('/v1/assessments', { ...event, callbackUrl: `http://127.0.0.1:${port}/cb` });
      expect(accepted.status).toBe(202);
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(received).toHaveLength(1);
      // verified by the Standard Webhooks reference library, not by our own code
      const headers = Object.fromEntries(
        ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(received[0]!.headers[h])]),
      );
      expect(new Webhook(SIGNING_SECRET).verify(received[0]!.body, headers)).toMatchObject({ decisionId: accepted.body.decisionId });
      expect(JSON.parse(received[0]!.body).decisionId).toBe(accepted.body.decisionId);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it('grpc.health.v1 answers SERVING and /openapi.json is served', async () => {
    const health = new healthPkg.grpc.health.v1.Health(`127.0.0.1:${service.grpcPort}`, credentials.createInsecure());
    try {
      const res = await new Promise<any>((resolve, reject) =>
        health.Check({ service: 'riskwire.v1.RiskService' }, (err: ServiceError | null, r: unknown) => (err ? reject(err) : resolve(r))),
      );
      expect(res.status).toBe('SERVING');
    } finally {
      health.close();
    }
    const doc = await fetch(`${service.httpUrl}/openapi.json`);
    expect(doc.status).toBe(200);
  });
});
