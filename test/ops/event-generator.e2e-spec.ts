import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Consumer, Kafka } from 'kafkajs';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator-server.js';
import { createTopics, testBrokers, testKafka, uniqueTopics } from '../support/kafka-io.js';

const execFileAsync = promisify(execFile);
const generatorJs = fileURLToPath(new URL('../../dist/tools/event-generator.js', import.meta.url));

/** The compose stack's event source, run as compose runs it (the built file), against the real broker. */
describe('event generator (compose service event-generator)', () => {
  let kafka: Kafka;
  let simulator: RunningSimulator;
  const topics = uniqueTopics('generator');
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    kafka = testKafka();
    simulator = await startSimulator({ port: 0 });
    await createTopics(kafka, [topics.login, topics.transaction], 2);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await simulator.close();
  });

  it('produces the demo mix at the given rate to the configured topics, poison included, and seeds the simulator', async () => {
    const started = Date.now();
    await execFileAsync(
      process.execPath,
      [generatorJs, '--events', '30', '--rate', '60', '--poison-every', '10', '--simulator', simulator.url],
      {
        env: { ...process.env, KAFKA_BROKERS: testBrokers().join(','), TOPIC_LOGIN: topics.login, TOPIC_TRANSACTION: topics.transaction },
        timeout: 60_000,
      },
    );
    // 30 events at 60/s take at least half a second
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    // every record, poison included, read raw from both topics
    const raw: string[] = [];
    const consumer = kafka.consumer({ groupId: `${topics.group}-reader`, maxWaitTimeInMs: 50 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.login, topics.transaction], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void raw.push(message.value?.toString() ?? '') });
    const deadline = Date.now() + 20_000;
    while (raw.length < 33 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(raw).toHaveLength(33); // 30 events and a poison record after every tenth
    const parsed = raw.flatMap((text) => {
      try {
        return [JSON.parse(text) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    expect(parsed).toHaveLength(30);
    expect(parsed.filter((e) => e.type === 'login').length).toBe(10);
    expect(parsed.filter((e) => e.type === 'transaction').length).toBe(20);
    // the simulator was seeded with the population's subscriber states (swapped, forwarded, unknown)
    const seeded = (await (await fetch(`${simulator.url}/_admin/subscribers`)).json()) as { subscribers: Record<string, unknown> };
    expect(Object.keys(seeded.subscribers).length).toBeGreaterThan(20);
  });
});
