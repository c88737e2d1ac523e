import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kafka } from 'kafkajs';
import type { Decision } from '../src/domain/decision.js';
import type { DeadLetter } from '../src/events/dead-letter.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator-server.js';
import { auditDelivery } from './support/delivery-audit.js';
import { loginEvent, transactionEvent } from './support/events.js';
import { runBrokerScript } from './support/kafka-global-setup.js';
import { TopicReader, createTopics, produce, serviceEnvFor, testKafka, uniqueTopics } from './support/kafka-io.js';
import { RedisServer } from './support/redis-server.js';
import { ServiceProcess } from './support/service-process.js';
import { SimulatorAdmin } from './support/simulator-admin.js';

const API_KEY = 'chaos-key';

interface Run {
  topics: ReturnType<typeof uniqueTopics>;
  service: ServiceProcess;
  decisions: TopicReader<Decision>;
  deadLetters: TopicReader<DeadLetter>;
}

/** Events with a poison message every `poisonEvery` records; keys of the poison ones are returned. */
function workload(count: number, poisonEvery = 0) {
  const valid: { eventId: string; accountId: string; json: string }[] = [];
  const messages: { key: string; value: string }[] = [];
  const poisonKeys: string[] = [];
  for (let i = 0; i < count; i++) {
    if (poisonEvery > 0 && i % poisonEvery === poisonEvery - 1) {
      const key = `poison-${i}`;
      poisonKeys.push(key);
      messages.push({ key, value: i % 2 ? '{"not": json' : JSON.stringify({ type: 'login', eventId: `p-${i}` }) });
      continue;
    }
    const phone = `+4915${String(10000000 + (i % 500)).padStart(8, '0')}`;
    const e = i % 2 ? loginEvent(phone) : transactionEvent(phone, String(50 + (i % 2000)));
    valid.push({ eventId: e.eventId, accountId: e.accountId, json: JSON.stringify(e) });
    messages.push({ key: e.accountId, value: JSON.stringify(e) });
  }
  return { valid, messages, poisonKeys };
}

describe('fault tolerance (real broker, real simulator, real process)', () => {
  let kafka: Kafka;
  let simulator: RunningSimulator;
  let admin: SimulatorAdmin;
  let run: Run | undefined;
  // Decisions are retained in Redis, shared by the instance before and after a crash, as in production
  // with several replicas: a replayed event then returns the very decision it got the first time.
  const redis = new RedisServer();

  const serviceEnv = (topics: Run['topics'], extra: Record<string, string> = {}) =>
    serviceEnvFor(
      topics,
      { baseUrl: simulator.baseUrl, apiKey: API_KEY },
      { SIGNALS_TIMEOUT_MS: '300', MAX_IN_FLIGHT: '500', REDIS_URL: redis.url, ...extra },
    );

  async function begin(name: string, extra: Record<string, string> = {}): Promise<Run> {
    const topics = uniqueTopics(name);
    await createTopics(kafka, [topics.login, topics.transaction, topics.decisions, topics.dlq], 3);
    const service = await new ServiceProcess(serviceEnv(topics, extra)).start();
    const decisions = await new TopicReader<Decision>(kafka, topics.decisions).start();
    const deadLetters = await new TopicReader<DeadLetter>(kafka, topics.dlq).start();
    run = { topics, service, decisions, deadLetters };
    return run;
  }

  beforeAll(async () => {
    await redis.start();
    kafka = testKafka();
    simulator = await startSimulator({ port: 0, apiKey: API_KEY });
    admin = new SimulatorAdmin(simulator.url);
  });

  afterEach(async () => {
    await run?.decisions.stop();
    await run?.deadLetters.stop();
    await run?.service.kill('SIGKILL');
    run = undefined;
    await admin.reset();
  });

  afterAll(async () => {
    await simulator?.close();
    await redis.stop();
  });

  it('loses nothing when the service is killed with SIGKILL mid-stream and restarted; replays carry the same decision ids', async () => {
    await admin.faults({ latencyMs: { min: 20, max: 40 } });
    const r = await begin('kill9');
    const { valid, messages, poisonKeys } = workload(3000, 250);
    await produce(kafka, r.topics.login, messages);
    await r.decisions.waitFor((d) => d.length >= 300, 60000, 'first decisions');
    const before = r.decisions.records.length;
    await r.service.kill('SIGKILL');
    expect(before).toBeLessThan(valid.length); // it really died mid-stream
    r.service = await new ServiceProcess(serviceEnv(r.topics)).start();
    await r.decisions.waitFor((d) => new Set(d.map((x) => x.value.eventId)).size >= valid.length, 120000, 'all decisions after restart');
    await r.deadLetters.waitFor((d) => d.length >= poisonKeys.length, 30000, 'dead letters');
    // uncommitted work is redone after the crash: duplicates may appear and must be the same decision
    auditDelivery(
      valid.map((v) => v.eventId),
      poisonKeys,
      r.decisions.records,
      r.deadLetters.records,
    );
  });

  it('drains on SIGTERM: in-flight events are finished, published and committed, then the process exits 0', async () => {
    await admin.faults({ latencyMs: { min: 30, max: 60 } });
    const r = await begin('sigterm');
    const { valid, messages, poisonKeys } = workload(2000, 200);
    await produce(kafka, r.topics.login, messages);
    await r.decisions.waitFor((d) => d.length >= 200, 60000, 'first decisions');
    const started = Date.now();
    const exitCode = await r.service.kill('SIGTERM');
    expect(exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(25000); // SHUTDOWN_TIMEOUT_MS (20 s) + a margin
    const beforeRestart = r.decisions.records.length;
    expect(beforeRestart).toBeLessThan(valid.length); // stopped mid-stream
    r.service = await new ServiceProcess(serviceEnv(r.topics)).start();
    await r.decisions.waitFor((d) => new Set(d.map((x) => x.value.eventId)).size >= valid.length, 120000, 'all decisions after restart');
    await r.deadLetters.waitFor((d) => d.length >= poisonKeys.length, 30000, 'dead letters');
    const { duplicates } = auditDelivery(
      valid.map((v) => v.eventId),
      poisonKeys,
      r.decisions.records,
      r.deadLetters.records,
    );
    // everything finished before the exit was committed: nothing is decided twice
    expect(duplicates).toBe(0);
  });

  it('keeps every event through a broker restart mid-stream', async () => {
    await admin.faults({ latencyMs: { min: 10, max: 20 } });
    const r = await begin('broker-restart');
    const { valid, messages, poisonKeys } = workload(1500, 100);
    await produce(kafka, r.topics.transaction, messages.slice(0, 750));
    await r.decisions.waitFor((d) => d.length >= 100, 60000, 'first decisions');
    runBrokerScript(['stop']);
    runBrokerScript(['start']);
    await produce(kafka, r.topics.transaction, messages.slice(750));
    await r.decisions.waitFor(
      (d) => new Set(d.map((x) => x.value.eventId)).size >= valid.length,
      150000,
      'all decisions after broker restart',
    );
    await r.deadLetters.waitFor((d) => new Set(d.map((x) => x.value.source.key)).size >= poisonKeys.length, 60000, 'dead letters');
    auditDelivery(
      valid.map((v) => v.eventId),
      poisonKeys,
      r.decisions.records,
      r.deadLetters.records,
    );
  });

  it('decides every event while the upstream fails 30 % of requests and times out 10 %, with a poison message every 100', async () => {
    await admin.faults({ errorRate: 0.3, errorStatus: 503, timeoutRate: 0.1, latencyMs: { min: 5, max: 15 } });
    const r = await begin('flaky-upstream', { SIGNALS_RETRIES: '1', SIGNAL_CACHE: 'off' });
    const { valid, messages, poisonKeys } = workload(1000, 100);
    await produce(kafka, r.topics.login, messages);
    await r.decisions.waitFor((d) => new Set(d.map((x) => x.value.eventId)).size >= valid.length, 120000, 'all decisions');
    await r.deadLetters.waitFor((d) => d.length >= poisonKeys.length, 30000, 'dead letters');
    auditDelivery(
      valid.map((v) => v.eventId),
      poisonKeys,
      r.decisions.records,
      r.deadLetters.records,
    );
    const decided = r.decisions.records.map((x) => x.value);
    expect(decided.some((d) => d.degraded)).toBe(true);
    // a degraded decision says which signal was missing
    for (const d of decided.filter((x) => x.degraded)) {
      expect(d.reasons.some((x) => x.code.startsWith('SIGNAL_'))).toBe(true);
    }
    const health = await fetch(`${r.service.httpUrl}/health/ready`);
    expect(health.status).toBe(200);
  });
});
