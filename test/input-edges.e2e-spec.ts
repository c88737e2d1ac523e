import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kafka } from 'kafkajs';
import type { Decision } from '../src/domain/decision.js';
import type { DeadLetter } from '../src/events/dead-letter.js';
import { loginEvent, transactionEvent } from './support/events.js';
import { curl } from './support/curl.js';
import { produce, type TopicReader } from './support/kafka-io.js';
import { PipelineStack } from './support/pipeline-stack.js';
import type { ServiceProcess } from './support/service-process.js';

const API_KEY = 'e2e-upstream-key';
const PHONE = '+491709876543';
/** Any 6 consecutive digits of PHONE's subscriber part, or its country code with the next digits. */
const DIGITS_OF_PHONE = /(?:1709876|709876|098765|987654|876543|49170)/;

describe('hostile input over HTTP (curl) and Kafka (real broker), service as a process', () => {
  let stack: PipelineStack;
  let kafka: Kafka;
  let service: ServiceProcess;
  let decisions: TopicReader<Decision>;
  let deadLetters: TopicReader<DeadLetter>;
  let topics: PipelineStack['topics'];

  beforeAll(async () => {
    stack = await PipelineStack.start({
      prefix: 'input-edges',
      upstreamKey: API_KEY,
      partitions: 1,
      env: { SIGNAL_CACHE: 'off', LOG_LEVEL: 'info' },
    });
    ({ kafka, service, decisions, deadLetters, topics } = stack);
  });

  afterAll(() => stack?.stop());

  describe('POST /v1/assessments answers 400 with per-field details', () => {
    it('amount: [] is PARAMETER_INVALID_TYPE on amount', async () => {
      const res = await curl('POST', `${service.httpUrl}/v1/assessments`, {
        body: JSON.stringify(transactionEvent(PHONE, '1', { amount: [] })),
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        status: 400,
        code: 'VALIDATION_ERROR',
        message: 'Event failed validation: amount',
        details: [{ field: 'amount', code: 'PARAMETER_INVALID_TYPE', message: 'amount must be an object {value, currency}' }],
        requestId: expect.stringMatching(/^req_/),
      });
    });

    it('an impossible date (2026-02-30) is INVALID_DATETIME_FORMAT on occurredAt', async () => {
      const res = await curl('POST', `${service.httpUrl}/v1/assessments`, {
        body: JSON.stringify(loginEvent(PHONE, { occurredAt: '2026-02-30T10:00:00Z' })),
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        status: 400,
        code: 'VALIDATION_ERROR',
        details: [
          {
            field: 'occurredAt',
            code: 'INVALID_DATETIME_FORMAT',
            message: expect.stringMatching(/^occurredAt must be an existing RFC 3339 date-time/),
          },
        ],
      });
    });

    it('both at once, with a bad phone number, in one answer that repeats no digit of the number', async () => {
      const event = transactionEvent(PHONE.replace('+', '00'), '1', { amount: [], occurredAt: '2026-02-30T10:00:00Z' });
      const res = await curl('POST', `${service.httpUrl}/v1/assessments`, { body: JSON.stringify(event) });
      expect(res.status).toBe(400);
      expect((res.body.details as { field: string; code: string }[]).map((d) => `${d.field}:${d.code}`).sort()).toEqual([
        'amount:PARAMETER_INVALID_TYPE',
        'occurredAt:INVALID_DATETIME_FORMAT',
        'phoneNumber:INVALID_PHONENUMBER_FORMAT',
      ]);
      expect(JSON.stringify(res.body)).not.toMatch(DIGITS_OF_PHONE);
    });

    it('neither an unsupported type nor an unknown decision id echoes the number', async () => {
      const wrongType = await curl('POST', `${service.httpUrl}/v1/assessments`, {
        body: JSON.stringify(loginEvent(PHONE, { type: PHONE })),
      });
      expect(wrongType.status).toBe(400);
      // HTTP answers every event error as VALIDATION_ERROR (400); the message is the validator's
      expect(wrongType.body).toMatchObject({
        code: 'VALIDATION_ERROR',
        message: 'Unsupported event type',
        details: [{ field: 'type', code: 'UNKNOWN_ENUM_VALUE' }],
      });
      expect(JSON.stringify(wrongType.body)).not.toMatch(DIGITS_OF_PHONE);
      const unknown = await curl('GET', `${service.httpUrl}/v1/assessments/${encodeURIComponent(PHONE)}`);
      expect(unknown.status).toBe(404);
      expect(JSON.stringify(unknown.body)).not.toMatch(DIGITS_OF_PHONE);
    });
  });

  it('dead letters on the real broker say what is wrong without the digits of the number; the valid event is decided', async () => {
    const hostile = [
      loginEvent(PHONE, { type: PHONE }),
      loginEvent(PHONE.replace('+', '00')),
      loginEvent(`${PHONE.slice(0, 3)} ${PHONE.slice(3, 6)} ${PHONE.slice(6)}`),
      transactionEvent(PHONE, '1', { amount: [] }),
      loginEvent(PHONE, { occurredAt: '2026-02-30T10:00:00Z', accountId: `acc\n${PHONE}` }),
      transactionEvent(PHONE, '1', { amount: { value: PHONE, currency: PHONE.slice(1, 4) } }),
    ];
    const valid = loginEvent(PHONE);
    await produce(
      kafka,
      topics.login,
      [...hostile, valid].map((e) => ({ key: 'acc-edge', value: JSON.stringify(e) })),
    );

    await deadLetters.waitFor((r) => r.length >= hostile.length, 60_000, `${hostile.length} dead letters`);
    await decisions.waitFor((r) => r.some((d) => d.value.eventId === valid.eventId), 60_000, 'the valid event’s decision');
    const letters = deadLetters.records.map((r) => r.value);
    expect(letters.map((l) => l.error.code)).toEqual([
      'UNSUPPORTED_EVENT_TYPE',
      'VALIDATION_ERROR',
      'VALIDATION_ERROR',
      'VALIDATION_ERROR',
      'VALIDATION_ERROR',
      'VALIDATION_ERROR',
    ]);
    expect(letters.map((l) => l.error.details.map((d) => `${d.field}:${d.code}`).sort())).toEqual([
      ['type:UNKNOWN_ENUM_VALUE'],
      ['phoneNumber:INVALID_PHONENUMBER_FORMAT'],
      ['phoneNumber:INVALID_PHONENUMBER_FORMAT'],
      ['amount:PARAMETER_INVALID_TYPE'],
      ['accountId:PARAMETER_INVALID', 'occurredAt:INVALID_DATETIME_FORMAT'],
      ['amount.currency:INVALID_CURRENCY_CODE', 'amount.value:PARAMETER_INVALID'],
    ]);
    for (const letter of letters) {
      // the payload is kept verbatim for replay, by design; the error is what tools and people read
      expect(JSON.stringify(letter.error)).not.toMatch(DIGITS_OF_PHONE);
      expect(letter.source).toMatchObject({ topic: topics.login, partition: 0 });
    }
    expect(deadLetters.records.map((r) => r.value.source.offset)).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('nothing the service logged holds the digits of the number', async () => {
    // the requests and records above went through validation, scoring, the upstream and the error paths
    const logs = service.output.join('');
    expect(logs).toContain('"level"');
    // the 404 for /v1/assessments/%2B491709876543 is logged with its URL: masked, so the check above is not vacuous
    expect(logs).toContain('49******6543');
    expect(logs).not.toMatch(DIGITS_OF_PHONE);
  });
});
