import type { EachBatchPayload } from 'kafkajs';
import type { BenchContext } from '../bench-context.js';
import type { BenchEvent } from '../bench-events.js';
import { benchProducer, createScenarioTopics, deleteScenarioTopics, preloadEvents } from '../kafka-bench-io.js';

export interface PassThroughResult {
  scenario: 'broker-pass-through';
  client: 'kafkajs';
  events: number;
  /** consume -> produce to the decisions topic, no processing: what the broker and the client library allow */
  throughputPerSecond: number;
  windowSeconds: number;
}

/**
 * The broker's own pass-through on the same events, in this process, with the same client library riskwire uses:
 * every record of the backlog is read (one consumer group, all partitions) and written to another topic, batch by
 * batch. The ceiling is read against it: what is left between the two is riskwire's consume -> decide -> publish.
 */
export async function runPassThroughScenario(ctx: BenchContext, events: BenchEvent[]): Promise<PassThroughResult> {
  const { kafka, options, log } = ctx;
  const topics = await createScenarioTopics(kafka, 'passthrough', ctx.runTag, options.partitions);
  log(`broker pass-through: pre-loading ${events.length} events`);
  await preloadEvents(kafka, topics, events);
  const consumer = kafka.consumer({ groupId: topics.groupId, maxWaitTimeInMs: 20, maxBytesPerPartition: 1024 * 1024 });
  const producer = benchProducer(kafka);
  let copied = 0;
  let firstAt = 0;
  let lastAt = 0;
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.login, topics.transaction], fromBeginning: true });
    const done = new Promise<void>((resolve, reject) => {
      void consumer
        .run({
          partitionsConsumedConcurrently: options.partitions,
          eachBatch: async ({ batch }: EachBatchPayload) => {
            if (batch.messages.length === 0) return;
            if (firstAt === 0) firstAt = Date.now();
            await producer.send({
              topic: topics.decisions,
              acks: -1,
              messages: batch.messages.map((m) => ({ key: m.key, value: m.value })),
            });
            copied += batch.messages.length;
            lastAt = Date.now();
            if (copied >= events.length) resolve();
          },
        })
        .catch(reject);
    });
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 120_000).unref());
    await Promise.race([done, timeout]);
  } finally {
    await consumer.stop().catch(() => undefined);
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    await deleteScenarioTopics(kafka, topics);
  }
  return {
    scenario: 'broker-pass-through',
    client: 'kafkajs',
    events: copied,
    // from the first fetched batch to the last one written: the whole backlog, moved
    throughputPerSecond: lastAt > firstAt ? Math.round((copied * 10000) / (lastAt - firstAt)) / 10 : 0,
    windowSeconds: Math.round((lastAt - firstAt) / 100) / 10,
  };
}
