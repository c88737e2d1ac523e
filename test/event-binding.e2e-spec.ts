import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import type { Decision } from '../src/domain/decision.js';
import { decisionIdFor } from '../src/decisions/decision-id.js';
import type { DeadLetter } from '../src/events/dead-letter.js';
import { loginEvent, transactionEvent } from './support/events.js';
import { curl } from './support/curl.js';
import { produce, type TopicReader } from './support/kafka-io.js';
import { PipelineStack } from './support/pipeline-stack.js';
import { hoursAgo } from './support/simulator-admin.js';

const UPSTREAM_KEY = 'e2e-upstream-key';
const DECISION_ID_SECRET = 'e2e-binding-decision-id-secret';
/** acme and globex are API tenants; ops reads the Kafka tenant's decisions, as an operator's key would */
const SECRETS = { acme: 'acme-secret', globex: 'globex-secret', ops: 'ops:reader:secret' };
const API_KEYS = `acme-app:${SECRETS.acme}:assess|read:acme,globex-app:${SECRETS.globex}:assess|read:globex,ops:${SECRETS.ops}:read:kafka`;

// the published contracts: the conflict dead letter and the decisions must match them
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
const contract = (name: string) => ajv.compile(JSON.parse(readFileSync(new URL(`../schemas/${name}`, import.meta.url), 'utf8')) as object);
const deadLetterSchema = contract('dead-letter.v1.schema.json');
const decisionSchema = contract('decision.v1.schema.json');

describe('decisions bound to their event and their owner (real broker, real simulator, service as a process)', () => {
  let stack: PipelineStack;
  let kafka: Kafka;
  let decisions: TopicReader<Decision>;
  let deadLetters: TopicReader<DeadLetter>;
  let topics: PipelineStack['topics'];
  const clean = '+491730000001';
  const risky = '+491730000002';
  const api = (path: string) => stack.url(path);

  beforeAll(async () => {
    stack = await PipelineStack.start({
      prefix: 'binding',
      upstreamKey: UPSTREAM_KEY,
      env: { SIGNAL_CACHE: 'off', API_KEYS, DECISION_ID_SECRET },
      beforeService: async (admin) => {
        await admin.subscriber(clean, {});
        await admin.subscriber(risky, { simSwappedAt: hoursAgo(2), callForwardingActive: true });
      },
    });
    ({ kafka, decisions, deadLetters, topics } = stack);
  });

  afterAll(() => stack?.stop());

  it('an API tenant assessing evt-x first does not decide the Kafka event evt-x: Kafka scores its own content', async () => {
    const eventId = `evt-x-${Date.now()}`;
    // the planted assessment: a clean number, a tiny amount, another account
    const planted = await curl('POST', api('/v1/assessments'), {
      secret: SECRETS.acme,
      body: transactionEvent(clean, '1.00', { eventId, accountId: 'acc-mallory' }),
    });
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
    expect((await curl('GET', api(`/v1/assessments/${decided.decisionId}`), { secret: SECRETS.ops })).body).toMatchObject({
      accountId: 'acc-victim',
      outcome: 'DENY',
    });
    expect((await curl('GET', api(`/v1/assessments/${decided.decisionId}`), { secret: SECRETS.acme })).status).toBe(404);
    expect((await curl('GET', api(`/v1/assessments/${planted.body.decisionId}`), { secret: SECRETS.ops })).status).toBe(404);
    expect((await curl('GET', api('/v1/assessments?accountId=acc-victim'), { secret: SECRETS.acme })).body.decisions).toEqual([]);
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
    const first = await curl('POST', api('/v1/assessments'), { secret: SECRETS.acme, body: event });
    expect(first.status).toBe(200);
    const conflict = await curl('POST', api('/v1/assessments'), { secret: SECRETS.acme, body: { ...event, phoneNumber: risky } });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ status: 409, code: 'EVENT_ID_CONFLICT', requestId: expect.any(String) });
    expect(JSON.stringify(conflict.body)).not.toContain(risky);

    const byId = await curl('GET', api(`/v1/assessments/${first.body.decisionId}`), { secret: SECRETS.globex });
    expect(byId.status).toBe(404);
    expect(byId.body.code).toBe('NOT_FOUND');
    expect((await curl('GET', api('/v1/assessments?accountId=acc-h1'), { secret: SECRETS.globex })).body).toMatchObject({
      decisions: [],
      meta: { count: 0 },
    });
    // globex's event with the same id is its own: decided on its content, under its own id
    const theirs = await curl('POST', api('/v1/assessments'), {
      secret: SECRETS.globex,
      body: { ...event, phoneNumber: risky, accountId: 'acc-globex' },
    });
    expect(theirs.status).toBe(200);
    expect(theirs.body).toMatchObject({ accountId: 'acc-globex', outcome: 'DENY' });
    expect(theirs.body.decisionId).not.toBe(first.body.decisionId);
    expect((await curl('GET', api(`/v1/assessments/${first.body.decisionId}`), { secret: SECRETS.acme })).body).toEqual(first.body);
  });
});
