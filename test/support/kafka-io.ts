import { randomUUID } from 'node:crypto';
import { Partitioners, type Consumer, type Kafka, type Producer } from 'kafkajs';
import { loadConfig } from '../../src/config/app-config.js';
import { createKafka } from '../../src/kafka/kafka-factory.js';

export function testBrokers(): string[] {
  const brokers = process.env.RISKWIRE_TEST_BROKERS;
  if (!brokers) throw new Error('RISKWIRE_TEST_BROKERS is not set: run the e2e tests through jest (globalSetup starts the broker)');
  return brokers.split(',');
}

/**
 * A test client through the service's own factory. With `env` (riskwire's variables, e.g. what
 * `kafka.sh client-env admin` prints) it connects to those brokers with their TLS/SASL settings.
 */
export function testKafka(env?: Record<string, string | undefined>): Kafka {
  const kafka = env ? loadConfig(env).kafka : undefined;
  return createKafka({
    clientId: 'riskwire-test',
    brokers: kafka?.brokers ?? testBrokers(),
    security: kafka?.security,
    quiet: true,
    retry: { retries: 10, initialRetryTime: 200 },
  });
}

/** Topic names unique to one test, so test files never see each other's records. */
export function uniqueTopics(prefix: string) {
  const id = `${prefix}-${randomUUID().slice(0, 8)}`;
  return { login: `${id}.login`, transaction: `${id}.transaction`, decisions: `${id}.decisions`, dlq: `${id}.dlq`, group: `${id}-group` };
}

/**
 * The service's environment for one test: its own topics and consumer group, the given simulator,
 * the test broker unless another is named. `extra` adds or overrides variables.
 */
export function serviceEnvFor(
  topics: ReturnType<typeof uniqueTopics>,
  signals: { baseUrl: string; apiKey: string },
  extra: Record<string, string> = {},
  brokers: string[] = testBrokers(),
): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_GROUP_ID: topics.group,
    TOPIC_LOGIN: topics.login,
    TOPIC_TRANSACTION: topics.transaction,
    TOPIC_DECISIONS: topics.decisions,
    TOPIC_DLQ: topics.dlq,
    SIGNALS_BASE_URL: signals.baseUrl,
    SIGNALS_API_KEY: signals.apiKey,
    ...extra,
  };
}

export async function createTopics(kafka: Kafka, topics: string[], partitions = 3): Promise<void> {
  await createTopicsWith(
    kafka,
    topics.map((topic) => ({ topic, partitions })),
  );
}

/** Creates topics each with its own partition count and topic configuration (e.g. max.message.bytes). */
export async function createTopicsWith(
  kafka: Kafka,
  topics: { topic: string; partitions: number; config?: Record<string, string> }[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((t) => ({
      topic: t.topic,
      numPartitions: t.partitions,
      replicationFactor: 1,
      configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
    })),
  });
  await admin.disconnect();
}

export async function produce(
  kafka: Kafka,
  topic: string,
  messages: { key?: string | null; value: string | Buffer | null }[],
): Promise<void> {
  // idempotent: a retried produce right after topic creation must not duplicate records the tests count
  const producer: Producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  for (let i = 0; i < messages.length; i += 500) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500).map((m) => ({ key: m.key ?? null, value: m.value })) });
  }
  await producer.disconnect();
}

export interface CollectedRecord<T> {
  key: string | null;
  value: T;
  partition: number;
  offset: string;
}

/** Reads a topic from the beginning into memory until stopped; `waitFor` polls it. */
export class TopicReader<T = unknown> {
  readonly records: CollectedRecord<T>[] = [];
  private consumer?: Consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  async start(): Promise<this> {
    this.consumer = this.kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 50 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message, partition }) => {
        this.records.push({
          key: message.key?.toString() ?? null,
          value: JSON.parse(message.value?.toString() ?? 'null') as T,
          partition,
          offset: message.offset,
        });
      },
    });
    return this;
  }

  async waitFor(predicate: (records: CollectedRecord<T>[]) => boolean, timeoutMs: number, what = 'records'): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate(this.records)) {
      if (Date.now() > until)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} on ${this.topic} (have ${this.records.length})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
