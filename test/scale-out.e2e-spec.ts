import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kafka } from 'kafkajs';
import type { Decision } from '../src/domain/decision.js';
import type { DeadLetter } from '../src/events/dead-letter.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator-server.js';
import { auditDelivery } from './support/delivery-audit.js';
import { loginEvent, transactionEvent } from './support/events.js';
import { TopicReader, createTopics, produce, serviceEnvFor, testKafka, uniqueTopics } from './support/kafka-io.js';
import { RedisServer } from './support/redis-server.js';
import { metricValue } from './support/service-metrics.js';
import { ServiceProcess } from './support/service-process.js';
import { SimulatorAdmin } from './support/simulator-admin.js';

const API_KEY = 'scale-out-key';
const PARTITIONS = 6;
const EVENTS = 4000;

/**
 * The consumer group is how riskwire grows past one machine (docs/benchmark.md, sizing model): instances in one
 * group share the partitions, a crashed one's partitions move to the others after the session timeout, and a new
 * one takes its share at the next rebalance. Whatever was in flight or uncommitted when an instance died is
 * decided again by another: the decision store (Redis, shared as in production) makes that an identical replay.
 */
describe('scale-out: three instances in one consumer group (real broker, simulator, processes)', () => {
  let kafka: Kafka;
  let simulator: RunningSimulator;
  const redis = new RedisServer();
  const instances: ServiceProcess[] = [];

  beforeAll(async () => {
    await redis.start();
    kafka = testKafka();
    simulator = await startSimulator({ port: 0, apiKey: API_KEY });
    // slow enough that the backlog outlasts the crash and the join: a faster service drained 4,000 events at
    // 20-40 ms before the fourth instance had its share
    await new SimulatorAdmin(simulator.url).faults({ latencyMs: { min: 50, max: 90 } });
  });

  afterAll(async () => {
    await Promise.all(instances.map((s) => s.kill('SIGKILL')));
    await simulator?.close();
    await redis.stop();
  });

  it('drains a backlog with nothing lost through a kill -9 of one and a new one joining mid-stream; duplicates are identical replays', async () => {
    const topics = uniqueTopics('scale-out');
    // topic creation is off (as in production): every topic the service writes must exist, labels included
    const labels = `${topics.decisions}.labels`;
    await createTopics(kafka, [topics.login, topics.transaction, topics.decisions, topics.dlq, labels], PARTITIONS);
    const env = serviceEnvFor(
      topics,
      { baseUrl: simulator.baseUrl, apiKey: API_KEY },
      // a small in-flight cap, so that the backlog outlasts the crash and the join
      { REDIS_URL: redis.url, MAX_IN_FLIGHT: '8', KAFKA_CREATE_TOPICS: 'false', TOPIC_LABELS: labels },
    );
    const valid: string[] = [];
    const login: { key: string; value: string }[] = [];
    const transaction: { key: string; value: string }[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const phone = `+4915${String(20000000 + i).padStart(8, '0')}`;
      const e = i % 2 ? loginEvent(phone) : transactionEvent(phone, String(10 + (i % 900)));
      valid.push(e.eventId);
      (i % 2 ? login : transaction).push({ key: e.accountId, value: JSON.stringify(e) });
    }
    const poison = [{ key: 'poison-1', value: '{"type": "login", "eventId": ' }];

    const decisions = await new TopicReader<Decision>(kafka, topics.decisions).start();
    const deadLetters = await new TopicReader<DeadLetter>(kafka, topics.dlq).start();
    try {
      // the group forms first (a busy instance answers /health/ready late), then the backlog lands at once
      const [a, b, c] = [0, 1, 2].map(() => new ServiceProcess(env));
      instances.push(a, b, c);
      await Promise.all([a, b, c].map((s) => s.start(120_000)));
      await Promise.all([
        produce(kafka, topics.login, [...login.slice(0, 1000), ...poison, ...login.slice(1000)]),
        produce(kafka, topics.transaction, transaction),
      ]);
      const distinct = () => new Set(decisions.records.map((r) => r.value.eventId)).size;
      await decisions.waitFor(() => distinct() >= 600, 90_000, 'first decisions from the group');

      const atKill = distinct();
      await b.kill('SIGKILL');
      // ServiceProcess.kill waits for an exit that already happened when called twice: afterAll must skip it
      instances.splice(instances.indexOf(b), 1);
      expect(atKill).toBeLessThan(EVENTS - 1000); // it really died mid-stream
      const d = new ServiceProcess(env);
      instances.push(d);
      await d.start(120_000);
      const atJoin = distinct();
      expect(atJoin).toBeLessThan(EVENTS); // and the new one joined with work left

      await decisions.waitFor(() => distinct() >= EVENTS, 180_000, 'every event decided');
      await deadLetters.waitFor((r) => r.length >= 1, 30_000, 'the poison record dead-lettered');

      // nothing lost, nothing invented, the poison record parked; a duplicate has the same id and outcome ...
      auditDelivery(valid, ['poison-1'], decisions.records, deadLetters.records);
      // ... and is the very same decision, field for field (returned from the shared store, not decided again)
      const firstSeen = new Map<string, Decision>();
      for (const { value } of decisions.records) {
        const earlier = firstSeen.get(value.eventId);
        if (earlier) expect(value).toEqual(earlier);
        else firstSeen.set(value.eventId, value);
      }
      // every surviving instance took part, the one that joined mid-stream included
      for (const survivor of [a, c, d]) {
        expect(await metricValue(survivor.httpUrl, 'riskwire_decisions_total', { source: 'kafka' })).toBeGreaterThan(0);
      }
    } finally {
      await decisions.stop();
      await deadLetters.stop();
    }
  }, 420_000);
});
