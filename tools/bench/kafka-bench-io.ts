import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import type { BenchEvent } from './bench-events.js';
import { withinTimeout } from '../../src/common/within-timeout.js';

export function benchKafka(brokers: string): Kafka {
  return new Kafka({
    clientId: 'riskwire-bench',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 200 },
  });
}

/** The topics and group of one scenario: fresh names, so scenarios and runs never see each other's records. */
export interface ScenarioTopics {
  login: string;
  transaction: string;
  decisions: string;
  dlq: string;
  groupId: string;
}

export async function createScenarioTopics(kafka: Kafka, scenario: string, runTag: string, partitions: number): Promise<ScenarioTopics> {
  const prefix = `bench.${runTag}.${scenario}`;
  const topics: ScenarioTopics = {
    login: `${prefix}.login`,
    transaction: `${prefix}.transaction`,
    decisions: `${prefix}.decisions`,
    dlq: `${prefix}.dlq`,
    groupId: `${prefix}.group`,
  };
  // A busy broker sometimes answers the leader wait with "does not host this topic-partition" for topics it has
  // just created: ask again (creating an existing topic is a no-op) rather than lose the run.
  for (let attempt = 1; ; attempt++) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [topics.login, topics.transaction, topics.decisions, topics.dlq].map((topic) => ({
          topic,
          numPartitions: partitions,
          replicationFactor: 1,
        })),
      });
      return topics;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      await admin.disconnect();
    }
  }
}

export async function deleteScenarioTopics(kafka: Kafka, topics: ScenarioTopics): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topics.login, topics.transaction, topics.decisions, topics.dlq], timeout: 10_000 });
  } catch {
    // Best effort: the topics are uniquely named, leftovers harm nothing but disk.
  } finally {
    await admin.disconnect();
  }
}

export function benchProducer(kafka: Kafka): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
}

/** Writes the whole backlog before any consumer runs; a few batches in flight keep it quick. */
export async function preloadEvents(kafka: Kafka, topics: ScenarioTopics, events: BenchEvent[]): Promise<void> {
  const producer = benchProducer(kafka);
  await producer.connect();
  try {
    const batchSize = 1000;
    const batches: BenchEvent[][] = [];
    for (let i = 0; i < events.length; i += batchSize) batches.push(events.slice(i, i + batchSize));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        await producer.sendBatch({
          acks: -1,
          topicMessages: (['login', 'transaction'] as const)
            .map((type) => ({
              topic: topics[type],
              messages: batch.filter((e) => e.type === type).map((e) => ({ key: e.key, value: e.value })),
            }))
            .filter((t) => t.messages.length > 0),
        });
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  } finally {
    await producer.disconnect();
  }
}

/** Records written to a topic so far (fresh topics start at offset 0, so the high watermarks are the count). */
export async function topicRecordCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, o) => sum + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** A long-lived admin client for frequent polling. */
export class TopicCounter {
  private readonly admin;
  private connected = false;

  constructor(kafka: Kafka) {
    this.admin = kafka.admin();
  }

  async count(topic: string): Promise<number> {
    if (!this.connected) {
      await this.admin.connect();
      this.connected = true;
    }
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, o) => sum + Number(o.high), 0);
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect();
    this.connected = false;
  }
}

export interface DecisionRecord {
  eventId: string;
  /** the decision record's CreateTime: when the service handed it to its producer */
  timestamp: number;
  /** when this reader received it */
  receivedAt: number;
  /** the service's own measure of its processing time, when present */
  serviceLatencyMs?: number;
  /**
   * at least one upstream answer was missing (a signal UNAVAILABLE: timeout, deadline, bulkhead, breaker...):
   * the decision fell back to the policy's "unavailable" points. An unknown subscriber (NOT_FOUND) is an answer.
   */
  unavailable: boolean;
}

/** The fields of a decision record the benchmark reads (riskwire's Decision, or the naive baseline's smaller one). */
interface DecisionFields {
  eventId?: unknown;
  latencyMs?: unknown;
  degraded?: unknown;
  signals?: Record<string, { status?: string } | undefined>;
}

/** Reads a decisions topic from the beginning, calling onRecord for each decision. */
export class DecisionReader {
  private consumer?: Consumer;
  /** decisions seen */
  count = 0;
  /** records seen, decisions or not */
  rawCount = 0;
  private joined?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly onRecord: (record: DecisionRecord) => void,
  ) {}

  async start(): Promise<this> {
    const consumer = this.kafka.consumer({
      groupId: `bench-reader-${randomUUID()}`,
      maxWaitTimeInMs: 20,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    this.consumer = consumer;
    this.joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const receivedAt = Date.now();
        for (const message of batch.messages) {
          this.rawCount++;
          if (!message.value) continue;
          const decision = JSON.parse(message.value.toString()) as DecisionFields;
          if (typeof decision.eventId !== 'string') continue;
          this.count++;
          this.onRecord({
            eventId: decision.eventId,
            timestamp: Number(message.timestamp),
            receivedAt,
            serviceLatencyMs: typeof decision.latencyMs === 'number' ? decision.latencyMs : undefined,
            unavailable: decision.signals
              ? Object.values(decision.signals).some((signal) => signal?.status === 'UNAVAILABLE')
              : decision.degraded === true,
          });
        }
      },
    });
    return this;
  }

  /** Resolves once the reader owns its partitions, so receipt times do not include its own group join. */
  async waitJoined(timeoutMs = 30_000): Promise<void> {
    await withinTimeout(Promise.resolve(this.joined), timeoutMs, () => {
      throw new Error(`decision reader did not join its group within ${timeoutMs} ms`);
    });
  }

  async waitForCount(n: number, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.count < n) {
      if (Date.now() > until) return false;
      await sleep(100);
    }
    return true;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** All decisions of a finished scenario, read after the fact so reading costs the measured service nothing. */
export async function readAllDecisions(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<DecisionRecord[]> {
  const total = await topicRecordCount(kafka, topic);
  const records: DecisionRecord[] = [];
  const reader = await new DecisionReader(kafka, topic, (r) => records.push(r)).start();
  try {
    const until = Date.now() + timeoutMs;
    while (reader.rawCount < total) {
      if (Date.now() > until) throw new Error(`read ${reader.rawCount} of ${total} records of ${topic} in ${timeoutMs} ms`);
      await sleep(100);
    }
  } finally {
    await reader.stop();
  }
  return records;
}
