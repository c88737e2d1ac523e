/** Where the backtest reads records from: a JSON Lines file, or a Kafka topic from its beginning to its end now. */
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { createKafka, type KafkaClientOptions } from '../../src/kafka/kafka-factory.js';

export interface ReadRecords {
  values: unknown[];
  /** lines or records that were not JSON */
  unreadable: number;
}

export async function readJsonLines(file: string): Promise<ReadRecords> {
  const values: unknown[] = [];
  let unreadable = 0;
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line));
    } catch {
      unreadable += 1;
    }
  }
  return { values, unreadable };
}

/**
 * Reads every record the topic holds now (up to each partition's high watermark at the start), as a throwaway
 * consumer group that is deleted afterwards; commits nothing anybody else depends on.
 */
export async function readTopic(
  connection: Omit<KafkaClientOptions, 'clientId'>,
  topic: string,
  timeoutMs = 120_000,
): Promise<ReadRecords> {
  const kafka = createKafka({ ...connection, clientId: 'riskwire-backtest', quiet: true });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `riskwire-backtest-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const remaining = new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
    const values: unknown[] = [];
    let unreadable = 0;
    if (remaining.size === 0) return { values, unreadable };
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} took longer than ${timeoutMs} ms`)), timeoutMs);
      void consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const high = remaining.get(partition);
            if (high === undefined || BigInt(message.offset) >= high) return;
            try {
              values.push(JSON.parse(message.value?.toString('utf8') ?? ''));
            } catch {
              unreadable += 1;
            }
            if (BigInt(message.offset) + 1n >= high) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return { values, unreadable };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
