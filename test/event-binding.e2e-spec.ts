/* eslint-disable @typescript-eslint/no-explicit-any -- JSON response bodies are untyped */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import type { Decision } from '../src/domain/decision.js';
import { decisionIdFor } from '../src/decisions/decision-id.js';
import type { DeadLetter } from '../src/events/dead-letter.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator-server.js';
import { loginEvent, transactionEvent } from './support/events.js';
import { TopicReader, createTopics, produce, serviceEnvFor, testKafka, uniqueTopics } from './support/kafka-io.js';
import { ServiceProcess } from './support/service-process.js';
import { SimulatorAdmin, hoursAgo } from './support/simulator-admin.js';

const UPSTREAM_KEY = 'e2e-upstream-key';
const DECISION_ID_SECRET = 'e2e-binding-decision-id-secret';
/** acme and globex are API tenants; ops reads the Kafka tenant's decisions, as an operator's key would */
const SECRETS = { acme: 'acme-secret', globex: 'globex-secret', ops: 'ops:reader:secret' };
const API_KEYS = `acme-app:${SECRETS.acme}:assess|read:acme,globex-app:${SECRETS.globex}:assess|read:globex,ops:${SECRETS.ops}:read:kafka`;

const execFileAsync = promisify(execFile);

// the published contracts: the conflict dead letter and the decisions must match them
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
const contract = (name: string) => ajv.compile(JSON.parse(readFileSync(new URL(`../schemas/${name}`, import.meta.url), 'utf8')) as object);
const deadLetterSchema = contract('dead-letter.v1.schema.json');
const decisionSchema = contract('decision.v1.schema.json');

/** The API as its users call it: curl, status code on the last line. */
async function curl(url: string, secret: string, body?: unknown): Promise<{ status: number; body: any }> {
  const args = ['-sS', '-H', `Authorization: Bearer ${secret}`, '-w', '\n%{http_code}'];
  if (body !== undefined) args.push('-H', 'Content-Type: application/json', '--data-binary', JSON.stringify(body));
  const { stdout } = await execFileAsync('curl', [...args, url]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: JSON.parse(stdout.slice(0, cut)) };
}

describe('decisions bound to their event and their owner (real broker, real simulator, service as a process)', () => {
  let kafka: Kafka;
  let simulator: RunningSimulator;
  let admin: SimulatorAdmin;
  let service: ServiceProcess;
  let decisions: TopicReader<Decision>;
  let deadLetters: TopicReader<DeadLetter>;
  const topics = uniqueTopics('binding');
  const clean = '+491730000001';
  const risky = '+491730000002';
  const api = (path: string) => `${service.httpUrl}${path}`;

  beforeAll(async () => {
    kafka = testKafka();
    simulator = await startSimulator({ port: 0, apiKey: UPSTREAM_KEY });
    admin = new SimulatorAdmin(simulator.url);
    await admin.subscriber(clean, {});
    await admin.subscriber(risky, { simSwappedAt: hoursAgo(2), callForwardingActive: true });
    await createTopics(kafka, [topics.login, topics.transaction, topics.decisions, topics.dlq], 3);
    service = await new ServiceProcess(
      serviceEnvFor(topics, { baseUrl: simulator.baseUrl, apiKey: UPSTREAM_KEY }, { SIGNAL_CACHE: 'off', API_KEYS, DECISION_ID_SECRET }),
    ).start();
    decisions = await new TopicReader<Decision>(kafka, topics.decisions).start();
    deadLetters = await new TopicReader<DeadLetter>(kafka, topics.dlq).start();
  });

  afterAll(async () => {
    await decisions?.stop();
    await deadLetters?.stop();
    await service?.kill('SIGTERM');
    await simulator?.close();
  });

  it('an API tenant assessing evt-x first does not decide the Kafka event evt-x: Kafka scores its own content', async () => {
    const eventId = `evt-x-${Date.now()}`;
    // the planted assessment: a clean number, a tiny amount, another account
    const planted = await curl(
      api('/v1/assessments'),
      SECRETS.acme,
      transactionEvent(clean, '1.00', { eventId, accountId: 'acc-mallory' }),
    );
    expect(planted.status).toBe(200);
    expect(planted.body).toMatchObject({ eventId, accountId: 'acc-mallory', outcome: 'ALLOW' });
    expect(planted.body.decisionId).toBe(decisionIdFor(DECISION_ID_SECRET, 'acme', eventId));

    const real = transactionEvent(risky, '5000.00', { eventId, accountId: 'acc-victim' });
    await produce(kafka, topics.transaction, [{ key: real.accountId, value: JSON.stringify(real) }]);
    await decisions.waitFor((rs) => rs.some((r) => r.value.eventId === eventId), 30_000, 'the Kafka decision');
    const published = decisions.records.filter((r) => r.value.eventId === eventId);
    expect(published).toHaveLength(1);
    const decided = published[0]!.value;
    expect(decided).toMatchObject({ eventId, accountId: 'acc-victim', outcome: 'DENY' });
    expect(decided.decisionId).toBe(decisionIdFor(DECISION_ID_SECRET, 'kafka', eventId));
    expect(decided.decisionId).not.toBe(planted.body.decisionId);
    expect(deadLetters.records.filter((r) => r.value.source.key === 'acc-victim')).toEqual([]);

    // each owner sees its own decision only
    expect((await curl(api(`/v1/assessments/${decided.decisionId}`), SECRETS.ops)).body).toMatchObject({
      accountId: 'acc-victim',
      outcome: 'DENY',
    });
    expect((await curl(api(`/v1/assessments/${decided.decisionId}`), SECRETS.acme)).status).toBe(404);
    expect((await curl(api(`/v1/assessments/${planted.body.decisionId}`), SECRETS.ops)).status).toBe(404);
    expect((await curl(api('/v1/assessments?accountId=acc-victim'), SECRETS.acme)).body.decisions).toEqual([]);
  });

  it('the same eventId with other content on Kafka is a dead letter EVENT_ID_CONFLICT and no second decision; a true redelivery is replayed', async () => {
    const first = loginEvent(clean, { accountId: 'acc-k1' });
    const impostor = { ...first, phoneNumber: risky, accountId: 'acc-k2' };
    await produce(kafka, topics.login, [{ key: first.accountId, value: JSON.stringify(first) }]);
    await decisions.waitFor((rs) => rs.some((r) => r.value.eventId === first.eventId), 30_000, 'the first decision');
    await produce(kafka, topics.login, [{ key: impostor.accountId, value: JSON.stringify(impostor) }]);
    await deadLetters.waitFor((rs) => rs.some((r) => r.value.source.key === 'acc-k2'), 30_000, 'the conflict dead letter');

    const letter = deadLetters.records.find((r) => r.value.source.key === 'acc-k2')!.value;
    expect(letter.error).toEqual({
      code: 'EVENT_ID_CONFLICT',
      message: expect.stringContaining(first.eventId),
      details: [expect.objectContaining({ field: 'eventId', code: 'PARAMETER_INVALID' })],
    });
    expect(letter.error.message).not.toContain('+49');
    expect(letter.source).toMatchObject({ topic: topics.login, partition: expect.any(Number), offset: expect.stringMatching(/^\d+$/) });
    expect(JSON.parse(letter.payload!)).toEqual(impostor);
    expect(deadLetterSchema(letter)).toBe(true);

    // a redelivery of the first event (same content) gets the retained decision again, under the same id
    await produce(kafka, topics.login, [{ key: first.accountId, value: JSON.stringify(first) }]);
    await decisions.waitFor((rs) => rs.filter((r) => r.value.eventId === first.eventId).length >= 2, 30_000, 'the replayed decision');
    await new Promise((r) => setTimeout(r, 1000)); // anything extra would show up now
    const published = decisions.records.filter((r) => r.value.eventId === first.eventId).map((r) => r.value);
    expect(published).toHaveLength(2);
    expect(published[1]).toEqual(published[0]);
    expect(published.every((d) => d.accountId === 'acc-k1' && d.outcome === 'ALLOW')).toBe(true);
    expect(decisionSchema(published[0])).toBe(true);
    expect(deadLetters.records.filter((r) => r.value.error.code === 'EVENT_ID_CONFLICT')).toHaveLength(1);

    const metrics = await (await fetch(api('/metrics'))).text();
    expect(metrics).toMatch(/riskwire_dead_letters_total\{code="EVENT_ID_CONFLICT",topic="[^"]+"\} 1/);
  });

  it("over HTTP the same eventId with other content is 409 EVENT_ID_CONFLICT, and another tenant never gets the first tenant's decision", async () => {
    const event = loginEvent(clean, { accountId: 'acc-h1' });
    const first = await curl(api('/v1/assessments'), SECRETS.acme, event);
    expect(first.status).toBe(200);
    const conflict = await curl(api('/v1/assessments'), SECRETS.acme, { ...event, phoneNumber: risky });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ status: 409, code: 'EVENT_ID_CONFLICT', requestId: expect.any(String) });
    expect(JSON.stringify(conflict.body)).not.toContain(risky);

    const byId = await curl(api(`/v1/assessments/${first.body.decisionId}`), SECRETS.globex);
    expect(byId.status).toBe(404);
    expect(byId.body.code).toBe('NOT_FOUND');
    expect((await curl(api('/v1/assessments?accountId=acc-h1'), SECRETS.globex)).body).toMatchObject({ decisions: [], meta: { count: 0 } });
    // globex's event with the same id is its own: decided on its content, under its own id
    const theirs = await curl(api('/v1/assessments'), SECRETS.globex, { ...event, phoneNumber: risky, accountId: 'acc-globex' });
    expect(theirs.status).toBe(200);
    expect(theirs.body).toMatchObject({ accountId: 'acc-globex', outcome: 'DENY' });
    expect(theirs.body.decisionId).not.toBe(first.body.decisionId);
    expect((await curl(api(`/v1/assessments/${first.body.decisionId}`), SECRETS.acme)).body).toEqual(first.body);
  });
});
