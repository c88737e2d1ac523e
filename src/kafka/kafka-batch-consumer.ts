import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { ContiguousOffsets } from './contiguous-offsets.js';
import type { InboundRecord, RecordHandler } from './inbound-record.js';

export interface BatchConsumerOptions {
  groupId: string;
  /** events processed at once across all partitions; fetching pauses while the bound is reached */
  maxInFlight: number;
  /** decide events with the same key (accountId) one after another */
  perKeyOrdering: boolean;
  /** how often completed prefixes are committed */
  commitIntervalMs?: number;
  fromBeginning?: boolean;
}

/**
 * Consumer for latency-bound work. kafkajs fetches the next batch of a partition only when the
 * previous one is resolved, so a consumer that awaits its events runs at the pace of the slowest one.
 * Here eachBatch only *starts* work (bounded by maxInFlight) and resolves the fetch position at once;
 * commits are ours: only the contiguous prefix of completed events is committed, per partition, so a
 * crash redelivers whatever was in flight (at-least-once). kafkajs is not actively maintained: nothing
 * outside this folder imports it.
 */
export class KafkaBatchConsumer {
  private readonly logger = new Logger(KafkaBatchConsumer.name);
  private consumer?: Consumer;
  private topics: string[] = [];
  private handler?: RecordHandler;
  private joined = false;
  private crashed = false;
  private stopping = false;
  /** bumped on every (re)join: work started under an older assignment never commits */
  private generation = 0;
  private progress = new Map<string, { topic: string; partition: number; offsets: ContiguousOffsets }>();
  private readonly dirty = new Set<string>();
  private readonly keyChains = new Map<string, Promise<void>>();
  private inFlight = 0;
  private capacityWaiters: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private commitTimer?: NodeJS.Timeout;
  private committing?: Promise<void>;
  private restarting?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: BatchConsumerOptions,
    private readonly metrics: RiskwireMetrics,
  ) {}

  /** true once the consumer joined its group and has not crashed or stopped since */
  get ready(): boolean {
    return this.joined && !this.crashed && !this.stopping;
  }

  async start(topics: string[], handler: RecordHandler): Promise<void> {
    this.topics = topics;
    this.handler = handler;
    this.stopping = false;
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      // A crashed instance's partitions move to a survivor after this long.
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 20,
      maxBytesPerPartition: 1024 * 1024,
      retry: { retries: 10 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      // kafkajs restarts every assigned partition from its committed offset after a join
      this.generation += 1;
      this.progress.clear();
      this.dirty.clear();
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
    this.commitTimer = setInterval(() => void this.commitCompleted(), this.options.commitIntervalMs ?? 250);
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch: (p) => this.startBatch(p) });
  }

  private async startBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const generation = this.generation;
    const tp = `${batch.topic}\0${batch.partition}`;
    let entry = this.progress.get(tp);
    if (!entry) {
      entry = { topic: batch.topic, partition: batch.partition, offsets: new ContiguousOffsets() };
      this.progress.set(tp, entry);
    }
    const progress = entry.offsets;
    for (const message of batch.messages) {
      while (this.inFlight >= this.options.maxInFlight && !this.stopping && isRunning() && !isStale()) {
        await this.capacity(500);
        await heartbeat().catch(() => undefined);
      }
      if (this.stopping || !isRunning() || isStale() || generation !== this.generation) break;
      progress.append([message.offset]);
      this.launch(toRecord(batch.topic, batch.partition, message), message, progress, tp, generation);
      resolveOffset(message.offset);
    }
    const committed = progress.commitOffset ?? batch.messages[0]?.offset ?? batch.highWatermark;
    this.metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(BigInt(batch.highWatermark) - BigInt(committed)));
  }

  private launch(record: InboundRecord, message: KafkaMessage, progress: ContiguousOffsets, tp: string, generation: number) {
    this.inFlight += 1;
    this.metrics.inFlight.inc();
    const run = () => this.handler!(record);
    let work: Promise<void>;
    const key = this.options.perKeyOrdering && message.key ? `${tp}\0${message.key.toString('latin1')}` : undefined;
    if (key) {
      work = (this.keyChains.get(key) ?? Promise.resolve()).then(run, run);
      this.keyChains.set(key, work);
    } else work = run();
    work.then(
      () => {
        if (generation === this.generation && progress.complete(record.offset) !== undefined) this.dirty.add(tp);
      },
      (error: unknown) => {
        // A transient fault outlived the handler's own retries: never commit past it. Rejoining
        // makes kafkajs fetch again from the last committed offset, which redelivers this record.
        this.logger.error(`giving up on ${record.topic}/${record.partition}@${record.offset} for now, redelivering: ${(error as Error).message}`);
        void this.restart();
      },
    ).finally(() => {
      if (key && this.keyChains.get(key) === work) this.keyChains.delete(key);
      this.inFlight -= 1;
      this.metrics.inFlight.dec();
      this.capacityWaiters.shift()?.();
      if (this.inFlight === 0) this.drainWaiters.splice(0).forEach((w) => w());
    });
  }

  private capacity(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.capacityWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private drained(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Commits, per partition of the current assignment, the prefix of events whose output Kafka acknowledged. */
  commitCompleted(): Promise<void> {
    if (this.committing) return this.committing;
    const consumer = this.consumer;
    if (!consumer || this.dirty.size === 0) return Promise.resolve();
    const generation = this.generation;
    const offsets = [...this.dirty].flatMap((tp) => {
      const entry = this.progress.get(tp);
      const offset = entry?.offsets.commitOffset;
      return entry && offset ? [{ topic: entry.topic, partition: entry.partition, offset }] : [];
    });
    this.dirty.clear();
    this.committing = consumer
      .commitOffsets(offsets)
      .catch((error: unknown) => {
        // e.g. a rebalance in progress: the next assignment restarts from what was committed before
        if (generation === this.generation) offsets.forEach((o) => this.dirty.add(`${o.topic}\0${o.partition}`));
        this.logger.warn(`offset commit failed, will retry: ${(error as Error).message}`);
      })
      .finally(() => (this.committing = undefined));
    return this.committing;
  }

  private restart(): Promise<void> {
    this.restarting ??= (async () => {
      const topics = this.topics;
      const handler = this.handler!;
      await this.stop();
      await new Promise((r) => setTimeout(r, 1000));
      await this.start(topics, handler);
    })()
      .catch((error: unknown) => this.logger.error(`consumer restart failed: ${(error as Error).message}`))
      .finally(() => (this.restarting = undefined));
    return this.restarting;
  }

  /** Stop fetching, let in-flight events finish, commit them, leave the group. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    this.stopping = true;
    consumer.pause(this.topics.map((topic) => ({ topic })));
    this.capacityWaiters.splice(0).forEach((w) => w());
    await this.drained();
    await this.committing;
    await this.commitCompleted();
    clearInterval(this.commitTimer);
    await consumer.stop();
    await consumer.disconnect();
    this.consumer = undefined;
    this.joined = false;
  }
}

function toRecord(topic: string, partition: number, m: KafkaMessage): InboundRecord {
  return { topic, partition, offset: m.offset, key: m.key, value: m.value, timestamp: m.timestamp };
}
