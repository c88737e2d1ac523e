import { afterEach, describe, expect, it } from '@jest/globals';
import { Partitioners, type IHeaders, type Kafka } from 'kafkajs';
import { loginEvent, transactionEvent } from './support/events.js';
import { PipelineStack } from './support/pipeline-stack.js';
import { metricValue } from './support/service-metrics.js';

const API_KEY = 'poison-key';

interface Hostile {
  name: string;
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: IHeaders;
  /** the dead letter's code, or 'decision' for a valid event in a hostile envelope */
  expect: string;
}

const phone = (i: number) => `+4916${String(1000000 + i).padStart(8, '0')}`;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Every hostile record we know of, valid events in hostile envelopes included. */
function hostileRecords(): Hostile[] {
  const login = loginEvent(phone(1));
  const tx = transactionEvent(phone(2));
  const manyHeaders: IHeaders = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`h-${i}`, Buffer.from([i % 256, 0xff, 0x00])]));
  return [
    { name: '3,000 levels of nested arrays (6 KB)', value: '['.repeat(3000) + ']'.repeat(3000), expect: 'MALFORMED_JSON' },
    {
      name: 'an event with 5,000 nested arrays in a field',
      value: JSON.stringify(loginEvent(phone(3))).replace('}', `,"x":${'['.repeat(5000)}${']'.repeat(5000)}}`),
      expect: 'MALFORMED_JSON',
    },
    { name: '4,000 nested objects', value: '{"a":'.repeat(4000) + '1' + '}'.repeat(4000), expect: 'MALFORMED_JSON' },
    { name: '900 KB of control characters (5.4 MB once escaped)', value: Buffer.alloc(900_000, 0x01), expect: 'MALFORMED_JSON' },
    { name: '900 KB that is not UTF-8 (1.2 MB as base64)', value: Buffer.alloc(900_000, 0xff), expect: 'MALFORMED_JSON' },
    {
      name: 'a valid event behind a byte order mark',
      value: Buffer.concat([BOM, Buffer.from(JSON.stringify(loginEvent(phone(4))))]),
      expect: 'MALFORMED_JSON',
    },
    {
      name: 'invalid UTF-8 inside a JSON string',
      value: Buffer.concat([Buffer.from('{"type":"login","eventId":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
      expect: 'MALFORMED_JSON',
    },
    {
      name: 'a 10 KB key on a valid event',
      key: 'k'.repeat(10_000),
      value: JSON.stringify(loginEvent(phone(5))),
      expect: 'PAYLOAD_TOO_LARGE',
    },
    {
      name: 'an amount that overflows to Infinity',
      value: JSON.stringify(transactionEvent(phone(6))).replace(/"value":"[^"]+"/, '"value":1e400'),
      expect: 'VALIDATION_ERROR',
    },
    {
      name: 'an amount of 400 digits',
      value: JSON.stringify(transactionEvent(phone(7))).replace(/"value":"[^"]+"/, `"value":1${'0'.repeat(400)}`),
      expect: 'VALIDATION_ERROR',
    },
    {
      name: 'an amount that is an array of 20,000 numbers',
      value: JSON.stringify({ ...transactionEvent(phone(8)), amount: Array.from({ length: 20_000 }, () => 1) }),
      expect: 'VALIDATION_ERROR',
    },
    {
      name: 'a NUL character in the eventId',
      value: JSON.stringify({ ...loginEvent(phone(9)), eventId: 'a\u0000b' }),
      expect: 'VALIDATION_ERROR',
    },
    {
      name: '__proto__ and constructor keys',
      value: '{"__proto__":{"eventId":"x","type":"login"},"constructor":{"prototype":{"a":1}},"type":"login"}',
      expect: 'VALIDATION_ERROR',
    },
    { name: 'a tombstone', value: null, expect: 'MALFORMED_JSON' },
    { name: 'an empty value', value: '', expect: 'MALFORMED_JSON' },
    {
      name: 'a valid login with a binary key',
      key: Buffer.from([0xff, 0xfe, 0x00, 0x01]),
      value: JSON.stringify(login),
      expect: 'decision',
    },
    {
      name: 'a valid transaction with 200 binary headers and a 100 KB header',
      value: JSON.stringify(tx),
      headers: { ...manyHeaders, big: 'h'.repeat(100_000) },
      expect: 'decision',
    },
  ];
}

async function produceRecords(
  kafka: Kafka,
  topic: string,
  records: { key?: string | Buffer | null; value: string | Buffer | null; headers?: IHeaders }[],
) {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (const r of records) await producer.send({ topic, acks: -1, messages: [{ key: r.key ?? null, value: r.value, headers: r.headers }] });
  await producer.disconnect();
}

describe('poison records on the Kafka path (real broker, service as a process)', () => {
  let stack: PipelineStack | undefined;

  afterEach(async () => {
    await stack?.stop('SIGKILL');
    stack = undefined;
  });

  it('dead-letters every hostile record and decides the valid events behind it within seconds, without a consumer restart', async () => {
    stack = await PipelineStack.start({
      prefix: 'poison',
      upstreamKey: API_KEY,
      // one partition: the valid events queue behind the poison, as in the incident
      partitions: 1,
      topicSettings: { decisions: { partitions: 3 } },
      // MAX_PAYLOAD_BYTES at its maximum, so the 900 KB records reach the decoder and their dead letters would be megabytes
      env: { MAX_PAYLOAD_BYTES: '1048576', SIGNALS_TIMEOUT_MS: '500' },
    });
    const { kafka, topics, service, decisions, deadLetters } = stack;

    const hostile = hostileRecords();
    await produceRecords(kafka, topics.login, hostile);
    const valid = Array.from({ length: 30 }, (_, i) => (i % 2 ? loginEvent(phone(100 + i)) : transactionEvent(phone(100 + i))));
    const producedAt = Date.now();
    await produceRecords(
      kafka,
      topics.login,
      valid.map((e) => ({ key: e.accountId, value: JSON.stringify(e) })),
    );

    const wanted = new Set(valid.map((e) => e.eventId));
    await decisions.waitFor(
      (d) => d.filter((r) => wanted.has(r.value.eventId)).length >= valid.length,
      20_000,
      'the valid events behind the poison',
    );
    const decidedWithin = Date.now() - producedAt;
    expect(decidedWithin).toBeLessThan(10_000);

    const expectedLetters = hostile.filter((h) => h.expect !== 'decision');
    await deadLetters.waitFor((d) => d.length >= expectedLetters.length, 20_000, 'dead letters');
    // offsets on the one partition follow the order produced
    const byOffset = new Map(deadLetters.records.map((r) => [Number(r.value.source.offset), r.value]));
    hostile.forEach((h, offset) => {
      const letter = byOffset.get(offset);
      if (h.expect === 'decision') expect([h.name, letter]).toEqual([h.name, undefined]);
      else expect([h.name, letter?.error.code]).toEqual([h.name, h.expect]);
    });
    for (const { value: letter } of deadLetters.records) {
      // every letter fits: payload cut at 64 KiB after escaping, plus a bounded envelope
      expect(Buffer.byteLength(JSON.stringify(letter))).toBeLessThan(64 * 1024 + 4096);
    }
    const control = byOffset.get(3)!;
    expect(control).toMatchObject({ payloadEncoding: 'utf8', payloadTruncated: true, payloadBytes: 900_000 });
    expect(control.payloadSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(byOffset.get(4)).toMatchObject({ payloadEncoding: 'base64', payloadTruncated: true, payloadBytes: 900_000 });
    expect(byOffset.get(7)?.source).toMatchObject({ keyTruncated: true, keyBytes: 10_000, key: 'k'.repeat(1024) });
    expect(byOffset.get(10)?.error.details.length).toBeLessThanOrEqual(20);

    // the two valid events in hostile envelopes were decided too
    const decidedIds = new Set(decisions.records.map((r) => r.value.eventId));
    for (const h of hostile.filter((x) => x.expect === 'decision')) {
      expect(decidedIds.has((JSON.parse(h.value as string) as { eventId: string }).eventId)).toBe(true);
    }

    // and nothing restarted: one join, no crash, no restart
    expect(await metricValue(service.httpUrl, 'riskwire_consumer_rebalances_total')).toBe(1);
    expect(await metricValue(service.httpUrl, 'riskwire_consumer_crashes_total')).toBe(0);
    expect(await metricValue(service.httpUrl, 'riskwire_consumer_restarts_total')).toBe(0);
    expect(await metricValue(service.httpUrl, 'riskwire_processing_errors_total')).toBe(0);
  });

  it('replaces a dead letter the broker refuses by a minimal one, and its batch mates are still delivered', async () => {
    stack = await PipelineStack.start({
      prefix: 'too-large',
      upstreamKey: API_KEY,
      partitions: 1,
      topicSettings: {
        // a decision is ~1 KB: batches of several are refused and must be split; one alone fits
        decisions: { config: { 'max.message.bytes': '6000' } },
        // a full dead letter of the 20 KB records below is refused; a minimal one fits
        dlq: { config: { 'max.message.bytes': '3000' } },
      },
      env: { SIGNALS_TIMEOUT_MS: '500' },
    });
    const { kafka, topics, service, decisions, deadLetters } = stack;

    const valid = Array.from({ length: 60 }, (_, i) => loginEvent(phone(200 + i)));
    const bigValue = `{"broken": "${'x'.repeat(20_000)}`;
    const records: { key: string; value: string }[] = [];
    valid.forEach((e, i) => {
      records.push({ key: e.accountId, value: JSON.stringify(e) });
      if (i % 20 === 10) records.push({ key: `big-${i}`, value: bigValue });
    });
    // one request: the poison and the valid events reach the service together and share output batches
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: topics.login, acks: -1, messages: records });
    await producer.disconnect();

    await decisions.waitFor((d) => new Set(d.map((r) => r.value.eventId)).size >= valid.length, 30_000, 'every decision');
    await deadLetters.waitFor((d) => d.length >= 3, 20_000, 'the minimal dead letters');
    expect(new Set(decisions.records.map((r) => r.value.eventId))).toEqual(new Set(valid.map((e) => e.eventId)));
    // A refused request may have written its other partitions' records before the split resends
    // them: at-least-once, so a letter may appear twice; each source record has exactly one kind of letter.
    expect(new Set(deadLetters.records.map((r) => r.value.source.offset)).size).toBe(3);
    for (const { value: letter } of deadLetters.records) {
      expect(letter).toMatchObject({
        error: { code: 'MALFORMED_JSON' },
        payload: null,
        payloadTruncated: true,
        payloadBytes: Buffer.byteLength(bigValue),
      });
      expect(letter.error.message).toContain('refused by the broker as too large');
      expect(letter.source.key).toMatch(/^big-\d+$/);
    }
    expect(await metricValue(service.httpUrl, 'riskwire_dead_letters_shrunk_total', { how: 'minimal' })).toBe(3);
    expect(await metricValue(service.httpUrl, 'riskwire_dead_letters_shrunk_total', { how: 'truncated' })).toBe(0);
    expect(await metricValue(service.httpUrl, 'riskwire_producer_batch_splits_total')).toBeGreaterThan(0);
    expect(await metricValue(service.httpUrl, 'riskwire_consumer_crashes_total')).toBe(0);
  });
});
