/* eslint-disable @typescript-eslint/no-explicit-any -- JSON response bodies and gRPC clients loaded from the proto at run time are untyped */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Metadata, credentials, loadPackageDefinition, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ApiTestApp, KEYS, call, decisionIdOf, startApiApp } from '../../../test/api/api-test-kit.js';
import { RISK_DESCRIPTOR_SET_PATH, RISK_PROTO_LOADER_OPTIONS, RISK_PROTO_PATH } from './grpc-options.js';

type Callback<T> = (err: ServiceError | null, value?: T) => void;
type Unary = (request: object, metadata: Metadata, options: { deadline?: number } | Callback<any>, callback?: Callback<any>) => void;

const riskPkg = loadPackageDefinition(loadSync(RISK_PROTO_PATH, { ...RISK_PROTO_LOADER_OPTIONS })) as any;
const healthPkg = loadPackageDefinition(loadSync(healthProtoPath, { enums: String })) as any;
// a Node reflection client from the reflection protos' sources (camelCase), unlike the server's set
const reflectionProto = (version: string) =>
  join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), `../proto/grpc/reflection/${version}/reflection.proto`);
const reflectionPkgs: Record<string, any> = {
  v1: loadPackageDefinition(loadSync(reflectionProto('v1'))),
  v1alpha: loadPackageDefinition(loadSync(reflectionProto('v1alpha'))),
};

let t: ApiTestApp;
let client: Client & Record<string, Unary>;

function auth(key: string | null = KEYS.ops): Metadata {
  const m = new Metadata();
  if (key !== null) m.set('authorization', `Bearer ${key}`);
  return m;
}

function unary<T = any>(method: string, request: object, metadata = auth(), options: { deadline?: number } = {}): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method]!(request, metadata, options, (err: ServiceError | null, value?: T) => (err ? reject(err) : resolve(value!))),
  );
}

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('expected the call to fail');
}

const login = (eventId: string) => ({
  eventId,
  occurredAt: '2026-11-21T10:15:00Z',
  accountId: 'acc-grpc',
  phoneNumber: '+491701234565',
  login: { channel: 'web', otpChannel: 'sms' },
});

beforeAll(async () => {
  t = await startApiApp({ grpc: true });
  client = new riskPkg.riskwire.v1.RiskService(t.grpcAddress, credentials.createInsecure());
});
afterAll(async () => {
  client.close();
  await t.close();
});

describe('riskwire.v1.RiskService', () => {
  it('Assess decides a login event; the decision is the one HTTP returns for the same id', async () => {
    const decision = await unary('Assess', login('evt-grpc-1'));
    expect(decision).toMatchObject({
      decisionId: decisionIdOf('evt-grpc-1'),
      eventId: 'evt-grpc-1',
      eventType: 'login',
      accountId: 'acc-grpc',
      outcome: 'OUTCOME_CHALLENGE',
      score: 50,
    });
    expect(decision.reasons).toEqual([{ code: 'FAKE_DIGIT', points: 50, message: 'last digit 5' }]);
    expect(decision.signals.simSwap).toMatchObject({
      status: 'OK',
      latestChange: '2026-11-20T08:00:00Z',
      valueJson: '{"latestChange":"2026-11-20T08:00:00Z"}',
    });
    expect(decision.signals.deviceSwap).toMatchObject({ status: 'OK', swapped: false, maxAgeMinutes: 1440 });
    expect(decision.signals.callForwarding).toMatchObject({ status: 'UNAVAILABLE', reason: 'timeout' });
    expect(t.engine.calls.at(-1)!.event).toEqual({
      eventId: 'evt-grpc-1',
      type: 'login',
      occurredAt: '2026-11-21T10:15:00Z',
      accountId: 'acc-grpc',
      phoneNumber: '+491701234565',
      channel: 'web',
      otpChannel: 'sms',
    });
    expect(t.engine.delivered.at(-1)).toEqual({ decisionId: decision.decisionId, source: 'grpc' });
    const http = await call(t.baseUrl, `/v1/assessments/${decision.decisionId}`);
    expect(http.body).toMatchObject({ decisionId: decision.decisionId, outcome: 'CHALLENGE', score: decision.score });
  });

  it('Assess decides a transaction event with the amount as a string', async () => {
    const decision = await unary('Assess', {
      eventId: 'evt-grpc-tx',
      occurredAt: '2026-11-21T10:16:00Z',
      accountId: 'acc-grpc',
      phoneNumber: '+491701234568',
      transaction: { amount: { value: '99.95', currency: 'EUR' }, transactionType: 'card', beneficiaryIsNew: false },
    });
    expect(decision).toMatchObject({ eventType: 'transaction', outcome: 'OUTCOME_ALLOW', avoidOtpChannels: ['sms'] });
    expect(t.engine.calls.at(-1)!.event).toMatchObject({
      type: 'transaction',
      amount: { value: '99.95', currency: 'EUR' },
      transactionType: 'card',
      beneficiaryIsNew: false,
    });
  });

  it('passes the call deadline to the engine, so the answer is degraded rather than DEADLINE_EXCEEDED', async () => {
    const deadline = Date.now() + 2000;
    const decision = await unary('Assess', login('evt-grpc-deadline'), auth(), { deadline });
    expect(decision.degraded).toBe(true);
    const passed = t.engine.calls.at(-1)!.options.deadline!;
    // a margin is kept back to answer in time: a fifth of the budget, 40-250 ms
    expect(passed).toBeLessThanOrEqual(deadline - 40);
    expect(passed).toBeGreaterThan(deadline - 250 - 100);
  });

  it('INVALID_ARGUMENT with field details in the message and the riskwire-error-bin trailer', async () => {
    const err = await rejection(
      unary('Assess', {
        ...login('evt-grpc-bad'),
        phoneNumber: '12345',
        transaction: { amount: { value: '1', currency: 'XXXX' } },
        login: undefined,
      }),
    );
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.metadata.get('riskwire-error-code')).toEqual(['VALIDATION_ERROR']);
    const body = JSON.parse((err.metadata.get('riskwire-error-bin')[0] as Buffer).toString('utf8'));
    expect(body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'phoneNumber', code: 'INVALID_PHONENUMBER_FORMAT' }),
        expect.objectContaining({ field: 'amount.currency', code: 'INVALID_CURRENCY_CODE' }),
      ]),
    );
    expect(err.details).toContain('INVALID_PHONENUMBER_FORMAT');
  });

  it('INVALID_ARGUMENT with type PARAMETER_REQUIRED when neither login nor transaction is set', async () => {
    const err = await rejection(
      unary('Assess', { eventId: 'evt-grpc-none', occurredAt: '2026-11-21T10:15:00Z', accountId: 'a', phoneNumber: '+491701234565' }),
    );
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    const body = JSON.parse((err.metadata.get('riskwire-error-bin')[0] as Buffer).toString('utf8'));
    expect(body.details).toEqual([expect.objectContaining({ field: 'type', code: 'PARAMETER_REQUIRED' })]);
  });

  it('UNAUTHENTICATED without or with a wrong key', async () => {
    expect((await rejection(unary('Assess', login('evt-grpc-noauth'), auth(null)))).code).toBe(status.UNAUTHENTICATED);
    expect((await rejection(unary('GetDecision', { decisionId: 'dec_x' }, auth('nope')))).code).toBe(status.UNAUTHENTICATED);
  });

  it('PERMISSION_DENIED when the key lacks the scope', async () => {
    expect((await rejection(unary('Assess', login('evt-grpc-scope'), auth(KEYS.reader)))).code).toBe(status.PERMISSION_DENIED);
    expect((await rejection(unary('ListDecisions', { accountId: 'acc-grpc' }, auth(KEYS.assessor)))).code).toBe(status.PERMISSION_DENIED);
  });

  it('GetDecision returns a retained decision, NOT_FOUND otherwise', async () => {
    const made = await unary('Assess', login('evt-grpc-get'));
    const got = await unary('GetDecision', { decisionId: made.decisionId }, auth(KEYS.reader));
    expect(got).toEqual(made);
    const err = await rejection(unary('GetDecision', { decisionId: 'dec_doesnotexist' }, auth(KEYS.reader)));
    expect(err.code).toBe(status.NOT_FOUND);
    expect(err.metadata.get('riskwire-error-code')).toEqual(['NOT_FOUND']);
  });

  it('ListDecisions pages an account newest first', async () => {
    for (let i = 0; i < 5; i++) {
      await unary('Assess', { ...login(`evt-grpc-list-${i}`), accountId: 'acc-grpc-list', occurredAt: `2026-11-21T10:1${i}:00Z` });
    }
    const first = await unary('ListDecisions', { accountId: 'acc-grpc-list', pageSize: 2 }, auth(KEYS.reader));
    expect(first).toMatchObject({ count: 5, pageSize: 2, pageNumber: 1, nextPageNumber: 2 });
    expect(first.decisions.map((d: { eventId: string }) => d.eventId)).toEqual(['evt-grpc-list-4', 'evt-grpc-list-3']);
    const last = await unary('ListDecisions', { accountId: 'acc-grpc-list', pageSize: 2, pageNumber: 3 }, auth(KEYS.reader));
    expect(last.decisions.map((d: { eventId: string }) => d.eventId)).toEqual(['evt-grpc-list-0']);
    expect(last.nextPageNumber ?? 0).toBe(0);
    const err = await rejection(unary('ListDecisions', { pageSize: 2 }, auth(KEYS.reader)));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
  });

  it('ALREADY_EXISTS with EVENT_ID_CONFLICT for the same eventId with other content', async () => {
    const first = await unary('Assess', login('evt-grpc-conflict'));
    const err = await rejection(unary('Assess', { ...login('evt-grpc-conflict'), accountId: 'acc-other' }));
    expect(err.code).toBe(status.ALREADY_EXISTS);
    expect(err.metadata.get('riskwire-error-code')).toEqual(['EVENT_ID_CONFLICT']);
    expect(err.details).toContain('evt-grpc-conflict');
    expect(err.details).not.toContain('+49');
    expect(await unary('GetDecision', { decisionId: first.decisionId })).toEqual(first);
  });

  it("another tenant's decision is NOT_FOUND and its account lists are empty", async () => {
    const made = await unary('Assess', { ...login('evt-grpc-tenant'), accountId: 'acc-grpc-tenant' });
    const err = await rejection(unary('GetDecision', { decisionId: made.decisionId }, auth(KEYS.globex)));
    expect(err.code).toBe(status.NOT_FOUND);
    const listed = await unary('ListDecisions', { accountId: 'acc-grpc-tenant' }, auth(KEYS.globex));
    expect(listed.decisions ?? []).toEqual([]);
    expect(listed.count ?? 0).toBe(0);
    const theirs = await unary('Assess', { ...login('evt-grpc-tenant'), accountId: 'acc-globex' }, auth(KEYS.globex));
    expect(theirs.decisionId).toBe(decisionIdOf('evt-grpc-tenant', 'globex'));
    expect(theirs.decisionId).not.toBe(made.decisionId);
  });

  it('INTERNAL with a generic message when the engine fails unexpectedly, counted as INTERNAL', async () => {
    t.engine.failWith = new Error('engine exploded near +491701234565');
    try {
      const err = await rejection(unary('Assess', login('evt-grpc-internal')));
      expect(err.code).toBe(status.INTERNAL);
      expect(err.details).toBe('Internal error');
      expect(err.metadata.get('riskwire-error-code')).toEqual(['INTERNAL_ERROR']);
    } finally {
      t.engine.failWith = undefined;
    }
    const text = await t.metrics.registry.getSingleMetricAsString('riskwire_grpc_requests_total');
    expect(text).toMatch(/method="Assess",code="INTERNAL"/);
  });

  it('counts requests by method and status code name', async () => {
    const text = await t.metrics.registry.getSingleMetricAsString('riskwire_grpc_requests_total');
    expect(text).toMatch(/method="Assess",code="OK"/);
    expect(text).toMatch(/method="Assess",code="INVALID_ARGUMENT"/);
    expect(text).toMatch(/method="GetDecision",code="NOT_FOUND"/);
    expect(text).toMatch(/method="Assess",code="ALREADY_EXISTS"/);
  });
});

describe('standard services', () => {
  it('grpc.health.v1.Health answers SERVING for the server and the service, and follows the GrpcHealthStatus it was given', async () => {
    const health = new healthPkg.grpc.health.v1.Health(t.grpcAddress, credentials.createInsecure());
    const check = (service: string) =>
      new Promise<any>((resolve, reject) =>
        health.Check({ service }, (err: ServiceError | null, res: any) => (err ? reject(err) : resolve(res))),
      );
    try {
      expect(await check('')).toEqual({ status: 'SERVING' });
      expect(await check('riskwire.v1.RiskService')).toEqual({ status: 'SERVING' });
      t.grpcHealth.set('NOT_SERVING');
      expect(await check('riskwire.v1.RiskService')).toEqual({ status: 'NOT_SERVING' });
      expect((await check('')).status).toBe('NOT_SERVING');
    } finally {
      t.grpcHealth.set('SERVING');
      health.close();
    }
  });

  it.each(['v1', 'v1alpha'])('server reflection (%s) lists every service and answers with the compiled descriptors', async (version) => {
    const reflection = new reflectionPkgs[version].grpc.reflection[version].ServerReflection(t.grpcAddress, credentials.createInsecure());
    try {
      const answers = await new Promise<any[]>((resolve, reject) => {
        const received: any[] = [];
        const stream = reflection.ServerReflectionInfo();
        stream.on('data', (res: any) => {
          received.push(res);
          if (received.length === 3) stream.end();
        });
        stream.on('end', () => resolve(received));
        stream.on('error', reject);
        stream.write({ listServices: '' });
        stream.write({ fileContainingSymbol: 'riskwire.v1.Decision' });
        stream.write({ fileContainingSymbol: 'riskwire.v1.Missing' });
      });
      expect(answers[0].listServicesResponse.service.map((s: { name: string }) => s.name)).toEqual([
        'grpc.health.v1.Health',
        'grpc.reflection.v1.ServerReflection',
        'grpc.reflection.v1alpha.ServerReflection',
        'riskwire.v1.RiskService',
      ]);
      const [risk] = answers[1].fileDescriptorResponse.fileDescriptorProto as Buffer[];
      expect(readFileSync(RISK_DESCRIPTOR_SET_PATH).includes(risk!)).toBe(true);
      expect(risk!.toString('latin1')).toContain('SignalsEntry');
      expect(answers[2].errorResponse).toMatchObject({ errorCode: status.NOT_FOUND });
    } finally {
      reflection.close();
    }
  });
});
