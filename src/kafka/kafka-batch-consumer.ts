import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import pLimit, { type LimitFunction } from 'p-limit';
import type { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { ContiguousOffsets } from './contiguous-offsets.js';
import type { InboundRecord, RecordHandler } from './inbound-record.js';

export interface BatchConsumerOptions {
  groupId: string;
  /** events processed at once across all partitions */
  maxInFlight: number;
  /** decide events with the same key (accountId) one after another */
  perKeyOrdering: boolean;
  /** partitions whose batches are processed at the same time */
  partitionsConsumedConcurrently?: number;
  fromBeginning?: boolean;
}

/**
 * Consumer for latency-bound work on kafkajs eachBatch: every record of a batch runs concurrently
 * (bounded globally by maxInFlight), offsets are resolved only over the contiguous completed prefix,
 * heartbeats continue during long batches, and a stale batch (partition revoked) stops resolving.
 * kafkajs is not actively maintained: nothing outside this folder imports it.
 */
export class KafkaBatchConsumer {
  private readonly logger = new Logger(KafkaBatchConsumer.name);
  private consumer?: Consumer;
  private readonly limit: LimitFunction;
  private joined = false;
  private crashed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: BatchConsumerOptions,
    private readonly metrics: RiskwireMetrics,
  ) {
    this.limit = pLimit(options.maxInFlight);
  }

  /** true once the consumer joined its group and has not crashed or stopped since */
  get ready(): boolean {
    return this.joined && !this.crashed;
  }

  async start(topics: string[], handler: RecordHandler): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      // A crashed instance's partitions move to a survivor after this long; heartbeats keep going during long batches.
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 50,
      maxBytesPerPartition: 1024 * 1024,
      retry: { retries: 10 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      this.crashed = false;
      this.metrics.rebalances.inc();
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.crashed = true;
      this.metrics.consumerCrashes.inc({ restart: String(e.payload.restart) });
      this.logger.error(`consumer crashed (restart=${e.payload.restart}): ${e.payload.error.message}`);
    });
    consumer.on(consumer.events.STOP, () => (this.joined = false));
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 16,
      eachBatch: (payload) => this.processBatch(payload, handler),
    });
  }

  private async processBatch(payload: EachBatchPayload, handler: RecordHandler): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const lag = BigInt(batch.highWatermark) - BigInt(batch.messages[0]?.offset ?? batch.highWatermark);
    this.metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(lag));
    const tracker = new ContiguousOffsets(batch.messages.map((m) => m.offset));
    const beat = setInterval(() => heartbeat().catch(() => undefined), 1000);
    const keyChains = new Map<string, Promise<unknown>>();
    let firstError: unknown;

    const runOne = async (message: KafkaMessage) => {
      if (!isRunning() || isStale() || firstError !== undefined) return;
      this.metrics.inFlight.inc();
      try {
        await handler(toRecord(batch.topic, batch.partition, message));
      } catch (error) {
        firstError ??= error;
        return;
      } finally {
        this.metrics.inFlight.dec();
      }
      const advanced = tracker.complete(message.offset);
      if (advanced !== undefined && !isStale()) resolveOffset(advanced);
    };

    const schedule = (message: KafkaMessage) => {
      if (!this.options.perKeyOrdering || !message.key) return this.limit(() => runOne(message));
      const key = message.key.toString('latin1');
      const next = (keyChains.get(key) ?? Promise.resolve()).then(() => this.limit(() => runOne(message)));
      keyChains.set(key, next);
      return next;
    };

    try {
      await Promise.all(batch.messages.map(schedule));
      if (!isStale()) await commitOffsetsIfNecessary();
    } finally {
      clearInterval(beat);
      const done = tracker.commitOffset ?? batch.messages[0]?.offset ?? batch.highWatermark;
      this.metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(BigInt(batch.highWatermark) - BigInt(done)));
    }
    // A transient fault outlived its retries: fail the batch so kafkajs fetches again from the last
    // committed offset (at-least-once; decision ids are deterministic so redelivery is harmless).
    if (firstError !== undefined) throw firstError;
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    // stop() waits for the running batches; the offsets they resolved are committed on the way out.
    await consumer.stop();
    await consumer.disconnect();
    this.joined = false;
  }
}

function toRecord(topic: string, partition: number, m: KafkaMessage): InboundRecord {
  return { topic, partition, offset: m.offset, key: m.key, value: m.value, timestamp: m.timestamp };
}
