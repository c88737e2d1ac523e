import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Decision } from '../src/domain/decision.js';
import type { DeadLetter } from '../src/events/dead-letter.js';
import { loginEvent, transactionEvent } from './support/events.js';
import { Kcat } from './support/kcat.js';
import { testBrokers } from './support/kafka-io.js';
import { PipelineStack } from './support/pipeline-stack.js';
import { metricValue } from './support/service-metrics.js';
import { hoursAgo } from './support/simulator-admin.js';

const API_KEY = 'kcat-upstream-key';

/**
 * What a Kafka user does first: kcat (librdkafka, not our kafkajs) writes hostile records and valid
 * events, and reads riskwire's decisions and dead letters back. One partition, so the valid events
 * queue behind the poison as they would in an incident.
 */
describe('kcat against the running service (real broker, service as a process)', () => {
  let stack: PipelineStack;
  const kcat = new Kcat(testBrokers().join(','));

  beforeAll(async () => {
    stack = await PipelineStack.start({
      prefix: 'kcat',
      upstreamKey: API_KEY,
      partitions: 1,
      readers: false,
      env: { SIGNAL_CACHE: 'off' },
    });
  });

  afterAll(() => stack?.stop());

  it('dead-letters poison written by kcat and decides the events behind it, without a consumer restart', async () => {
    const risky = '+491700009911';
    await stack.admin.subscriber(risky, { simSwappedAt: hoursAgo(3), callForwardingActive: true });
    const login = loginEvent(risky);
    const tx = transactionEvent('+491700009912', '20.00');
    const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
    const poison = [
      { key: 'acc-p1', value: '['.repeat(3000) + ']'.repeat(3000) },
      { key: 'acc-p2', value: Buffer.concat([BOM, Buffer.from(JSON.stringify(loginEvent('+491700009913')))]) },
      { key: 'acc-p3', value: JSON.stringify({ ...loginEvent('+491700009914'), occurredAt: '2026-02-30T10:00:00Z' }) },
      { key: 'acc-p4', value: '{"eventId":"e","phoneNumber": +491700009915}' },
    ];
    const started = Date.now();
    await kcat.produce(stack.topics.login, [
      ...poison,
      { key: login.accountId, value: JSON.stringify(login) },
      { key: tx.accountId, value: JSON.stringify(tx) },
    ]);

    const decisions = await kcat.waitFor(stack.topics.decisions, (r) => r.length >= 2, 20_000);
    expect(Date.now() - started).toBeLessThan(15_000);
    const byEvent = new Map(decisions.map((r) => [(JSON.parse(r.payload!) as Decision).eventId, JSON.parse(r.payload!) as Decision]));
    expect(byEvent.get(login.eventId)).toMatchObject({ outcome: 'DENY', accountId: login.accountId });
    expect(byEvent.get(tx.eventId)).toMatchObject({ outcome: 'ALLOW' });
    // decisions are keyed by account, as a downstream consumer partitions them
    expect(decisions.find((r) => r.payload!.includes(login.eventId))?.key).toBe(login.accountId);

    const letters = await kcat.waitFor(stack.topics.dlq, (r) => r.length >= poison.length, 20_000);
    const bySourceOffset = new Map(
      letters.map((r) => [Number((JSON.parse(r.payload!) as DeadLetter).source.offset), JSON.parse(r.payload!) as DeadLetter]),
    );
    expect([0, 1, 2, 3].map((o) => bySourceOffset.get(o)?.error.code)).toEqual([
      'MALFORMED_JSON',
      'MALFORMED_JSON',
      'VALIDATION_ERROR',
      'MALFORMED_JSON',
    ]);
    expect(bySourceOffset.get(0)?.error.message).toMatch(/deeper than 32 levels/);
    expect(bySourceOffset.get(1)?.error.message).toMatch(/byte order mark/);
    expect(bySourceOffset.get(2)?.error.details).toEqual([
      expect.objectContaining({ field: 'occurredAt', code: 'INVALID_DATETIME_FORMAT' }),
    ]);
    expect(bySourceOffset.get(3)?.source).toMatchObject({ topic: stack.topics.login, partition: 0, key: 'acc-p4' });
    // the error never repeats digits of the number the malformed record carried (its payload keeps the record for replay)
    expect(JSON.stringify(letters.map((r) => (JSON.parse(r.payload!) as DeadLetter).error))).not.toMatch(/1700009/);

    expect(await metricValue(stack.service.httpUrl, 'riskwire_consumer_crashes_total')).toBe(0);
    expect(await metricValue(stack.service.httpUrl, 'riskwire_consumer_restarts_total')).toBe(0);
  });
});
