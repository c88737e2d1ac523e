import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { AdaptiveConcurrencyLimit } from './adaptive-concurrency.js';
import { backoffMs, WakeableSleeps } from './backoff.js';
import { ContiguousOffsets } from './contiguous-offsets.js';
import type { InboundRecord, RecordHandler } from './inbound-record.js';
import { isAuthFailure } from './kafka-errors.js';

export interface BatchConsumerOptions {
  groupId: string;
  /** events processed at once across all partitions, at most; fetching pauses while the bound is reached */
  maxInFlight: number;
  /** learn the bound below maxInFlight from in-service latency (adaptive-concurrency.ts); off: maxInFlight itself */
  adaptiveConcurrency?: boolean;
  /** decide events with the same key (accountId) one after another */
  perKeyOrdering: boolean;
  /** cap of the backoff between retries of a held record, and between attempts to rejoin */
  retryMaxBackoffMs: number;
  /** how often completed prefixes are committed */
  commitIntervalMs?: number;
  fromBeginning?: boolean;
}

export interface ConsumerState {
  /** in its group and consuming */
  joined: boolean;
  /** epoch ms since which it has not been in its group (undefined while joined) */
  downSince?: number;
  /** records held back by a transient fault */
  held: number;
}

/**
 * Consumer for latency-bound work. kafkajs fetches the next batch of a partition only when the
 * previous one is resolved, so a consumer that awaits its events runs at the pace of the slowest one.
 * Here eachBatch only *starts* work (bounded by maxInFlight) and resolves the fetch position at once;
 * commits are ours: only the contiguous prefix of completed events is committed, per partition, so a
 * crash redelivers whatever was in flight (at-least-once).
 *
 * Two kinds of trouble, two answers, neither of which leaves the group in a loop:
 * - the handler rejects (a transient fault: broker, output topic, Redis): the record is *held* and
 *   retried with capped, jittered backoff for as long as it takes, fetching is paused meanwhile and
 *   its offset is never committed;
 * - the consumer itself crashes (a long broker outage, a non-retriable kafkajs error): kafkajs does
 *   not reliably restart it, so we do, forever, with backoff, on a fresh kafkajs consumer.
 * kafkajs is not actively maintained: nothing outside this folder imports it.
 */
export class KafkaBatchConsumer {
  private readonly logger = new Logger(KafkaBatchConsumer.name);
  private consumer?: Consumer;
  private topics: string[] = [];
  private handler?: RecordHandler;
  private joined = false;
  private stopping = false;
  /** true while connectAndRun is under way: a crash then is reported to its caller, not supervised */
  private connecting = false;
  private downSince: number | undefined = Date.now();
  /** bumped on every (re)join and crash: work started under an older member never commits */
  private generation = 0;
  private progress = new Map<string, { topic: string; partition: number; offsets: ContiguousOffsets }>();
  /** partitions of the current assignment, by topic (empty while out of the group) */
  private assignment = new Map<string, number[]>();
  private readonly dirty = new Set<string>();
  private readonly keyChains = new Map<string, Promise<unknown>>();
  private inFlight = 0;
  private held = 0;
  private capacityWaiters: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private commitTimer?: NodeJS.Timeout;
  private committing?: Promise<void>;
  private supervising?: Promise<void>;
  private readonly holdSleeps = new WakeableSleeps();
  private readonly restartSleeps = new WakeableSleeps();
  private readonly adaptive?: AdaptiveConcurrencyLimit;
  /** event-loop utilisation over the last ~100 ms: the adaptive limit's CPU-bound signal */
  private utilisation = { value: 0, at: 0, since: performance.eventLoopUtilization() };

  constructor(
    private readonly kafka: Kafka,
    private readonly options: BatchConsumerOptions,
    private readonly metrics: RiskwireMetrics,
  ) {
    if (options.adaptiveConcurrency) this.adaptive = new AdaptiveConcurrencyLimit({ maxLimit: options.maxInFlight });
    metrics.concurrencyLimit.set(this.limit);
  }

  /** events let in at once now: the adaptive limit, or MAX_IN_FLIGHT */
  private get limit(): number {
    return this.adaptive?.limit ?? this.options.maxInFlight;
  }

  /** true once the consumer joined its group and has not crashed or stopped since */
  get ready(): boolean {
    return this.joined && !this.stopping;
  }

  get state(): ConsumerState {
    return { joined: this.ready, downSince: this.ready ? undefined : this.downSince, held: this.held };
  }

  /**
   * Joins the group and starts consuming. Rejects when this first attempt fails (the caller decides:
   * an authentication or authorization failure must stop the service); once joined, the consumer
   * rejoins by itself after any crash, forever.
   */
  async start(topics: string[], handler: RecordHandler): Promise<void> {
    this.topics = topics;
    this.handler = handler;
    this.stopping = false;
    this.commitTimer ??= setInterval(() => void this.commitCompleted(), this.options.commitIntervalMs ?? 250);
    await this.connectAndRun();
  }

  private async connectAndRun(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      // A crashed instance's partitions move to a survivor after this long.
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 20,
      maxBytesPerPartition: 1024 * 1024,
      // kafkajs's own restart is not retried when it fails; ours is (see supervise), forever. So kafkajs only
      // rides through a blip (about 10 s of failing requests): past that the consumer crashes, says it is out of
      // its group (readiness details, riskwire_kafka_up, the liveness bound) and supervise rejoins. Its default
      // (10 retries up to 30 s apart) hid a dead broker for a minute or more.
      retry: { retries: 5, maxRetryTime: 5000, restartOnFailure: () => Promise.resolve(false) },
    });
    this.consumer = consumer;
    let crash: Error | undefined;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      if (consumer !== this.consumer) return;
      // kafkajs restarts every assigned partition from its committed offset after a join
      this.newGeneration();
      this.progress.clear();
      this.dirty.clear();
      this.joined = true;
      this.downSince = undefined;
      this.assign(e.payload.memberAssignment);
      this.metrics.kafkaUp.set({ client: 'consumer' }, 1);
      this.metrics.rebalances.inc();
    });
    consumer.on(consumer.events.CRASH, (e) => {
      if (consumer !== this.consumer) return;
      crash = e.payload.error;
      this.onCrash(e.payload.error);
    });
    this.connecting = true;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.topics, fromBeginning: this.options.fromBeginning ?? true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (p) => this.startBatch(p),
      });
      // run() does not reject when joining fails: kafkajs reports a crash instead
      if (crash) throw crash;
    } catch (error) {
      if (this.consumer === consumer) this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    } finally {
      this.connecting = false;
    }
  }

  private newGeneration(): void {
    this.generation += 1;
    // records held under the previous member give up: they are redelivered from the committed offset
    this.holdSleeps.wakeAll();
  }

  private onCrash(error: Error): void {
    this.newGeneration();
    this.joined = false;
    this.downSince ??= Date.now();
    this.assign({});
    this.metrics.kafkaUp.set({ client: 'consumer' }, 0);
    this.metrics.consumerCrashes.inc({ restart: String(!this.stopping) });
    this.logger.error(`consumer crashed: ${error.name}: ${error.message}`);
    if (!this.connecting && !this.stopping) this.supervise();
  }

  /** Rejoins after a crash: a fresh kafkajs consumer, capped backoff, for as long as it takes. */
  private supervise(): void {
    this.supervising ??= (async () => {
      for (let attempt = 0; !this.stopping; attempt++) {
        const wait = backoffMs(attempt, 1000, this.options.retryMaxBackoffMs);
        this.logger.warn(`rejoining consumer group ${this.options.groupId} in ${wait} ms (attempt ${attempt + 1})`);
        await this.restartSleeps.sleep(wait);
        if (this.stopping) return;
        const old = this.consumer;
        this.consumer = undefined;
        await old?.disconnect().catch(() => undefined);
        try {
          await this.connectAndRun();
          this.metrics.consumerRestarts.inc({ result: 'ok' });
          this.logger.log(`consumer rejoined group ${this.options.groupId}`);
          return;
        } catch (error) {
          this.metrics.consumerRestarts.inc({ result: 'failed' });
          const auth = isAuthFailure(error) ? ' (authentication or authorization: check credentials and ACLs)' : '';
          this.logger.error(`consumer could not rejoin${auth}: ${(error as Error).message}`);
        }
      }
    })().finally(() => (this.supervising = undefined));
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
    const halted = () => this.stopping || this.held > 0 || !isRunning() || isStale() || generation !== this.generation;
    for (const message of batch.messages) {
      while (this.inFlight >= this.limit && !halted()) {
        await this.capacity(500);
        await heartbeat().catch(() => undefined);
      }
      // Unresolved messages are fetched again once the consumer resumes (kafkajs fetches from the resolved offset).
      if (halted()) break;
      progress.append([message.offset]);
      this.launch(toRecord(batch.topic, batch.partition, message), message, progress, tp, generation);
      resolveOffset(message.offset);
    }
    const committed = progress.commitOffset ?? batch.messages[0]?.offset ?? batch.highWatermark;
    // a batch of an older member must not bring back a partition the rebalance took away
    if (generation !== this.generation) return;
    this.metrics.consumerLag.set(
      { topic: batch.topic, partition: String(batch.partition) },
      Number(BigInt(batch.highWatermark) - BigInt(committed)),
    );
  }

  private launch(record: InboundRecord, message: KafkaMessage, progress: ContiguousOffsets, tp: string, generation: number) {
    this.inFlight += 1;
    this.metrics.inFlight.inc();
    const startedAt = performance.now();
    const run = () => this.deliver(record, generation);
    let work: Promise<boolean>;
    const key = this.options.perKeyOrdering && message.key ? `${tp}\0${message.key.toString('latin1')}` : undefined;
    if (key) {
      work = (this.keyChains.get(key) ?? Promise.resolve()).then(run, run);
      this.keyChains.set(key, work);
    } else work = run();
    void work
      .then((completed) => {
        if (completed && generation === this.generation && progress.complete(record.offset) !== undefined) this.dirty.add(tp);
        if (completed) this.sampleLatency(performance.now() - startedAt);
      })
      .finally(() => {
        if (key && this.keyChains.get(key) === work) this.keyChains.delete(key);
        this.inFlight -= 1;
        this.metrics.inFlight.dec();
        this.wakeCapacityWaiters();
        if (this.inFlight === 0) this.drainWaiters.splice(0).forEach((w) => w());
      });
  }

  /**
   * Runs the handler until the record's outcome is acknowledged. A rejection is a transient fault
   * (the pipeline dead-letters everything that would recur): the record is held, fetching pauses,
   * and it is tried again with capped backoff. Resolves false when the record is given up because
   * this member no longer owns it (stop, rebalance, crash): it is then redelivered, never skipped.
   */
  private async deliver(record: InboundRecord, generation: number): Promise<boolean> {
    let holding = false;
    const abandoned = () => this.stopping || generation !== this.generation;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.handler!(record);
          if (holding) this.logger.log(`${where(record)} went through after ${attempt} retries`);
          return true;
        } catch (error) {
          if (abandoned()) return false;
          if (!holding) {
            holding = true;
            this.hold(1);
          }
          const wait = backoffMs(attempt, 200, this.options.retryMaxBackoffMs);
          this.metrics.processingRetries.inc();
          if (attempt < 3 || attempt % 10 === 0) {
            this.logger.warn(
              `transient failure on ${where(record)}, holding it (retry ${attempt + 1} in ${wait} ms): ${(error as Error)?.message}`,
            );
          }
          await this.holdSleeps.sleep(wait);
          if (abandoned()) return false;
        }
      }
    } finally {
      if (holding) this.hold(-1);
    }
  }

  /** Pauses fetching while any record is held, resumes when none is. */
  private hold(delta: 1 | -1): void {
    this.held += delta;
    this.metrics.eventsHeld.set(this.held);
    const topics = this.topics.map((topic) => ({ topic }));
    try {
      if (delta === 1 && this.held === 1) this.consumer?.pause(topics);
      if (delta === -1 && this.held === 0 && !this.stopping) this.consumer?.resume(topics);
    } catch (error) {
      // a consumer between crash and rejoin: the next one starts unpaused and finds the fault itself
      this.logger.warn(`could not ${delta === 1 ? 'pause' : 'resume'} fetching: ${(error as Error).message}`);
    }
  }

  /** One completed event's in-service time (records given up on a rebalance or stop are not samples). */
  private sampleLatency(ms: number): void {
    if (!this.adaptive) return;
    const before = this.adaptive.limit;
    this.adaptive.onSample(ms, this.inFlight, this.recentUtilisation());
    if (this.adaptive.limit !== before) this.metrics.concurrencyLimit.set(this.adaptive.limit);
  }

  private recentUtilisation(): number {
    const now = performance.now();
    const u = this.utilisation;
    if (now - u.at >= 100) {
      const current = performance.eventLoopUtilization();
      u.value = performance.eventLoopUtilization(current, u.since).utilization;
      u.since = current;
      u.at = now;
    }
    return u.value;
  }

  /** A finished event frees one place; a limit that grew frees more. */
  private wakeCapacityWaiters(): void {
    let free = Math.max(1, this.limit - this.inFlight);
    while (free-- > 0 && this.capacityWaiters.length > 0) this.capacityWaiters.shift()!();
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

  /** Stop fetching, let in-flight events finish (held ones are given up), commit them, leave the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.restartSleeps.wakeAll();
    this.holdSleeps.wakeAll();
    await this.supervising;
    const consumer = this.consumer;
    try {
      consumer?.pause(this.topics.map((topic) => ({ topic })));
    } catch {
      // not running: nothing to pause
    }
    this.capacityWaiters.splice(0).forEach((w) => w());
    await this.drained();
    await this.committing;
    await this.commitCompleted();
    clearInterval(this.commitTimer);
    this.commitTimer = undefined;
    if (consumer) {
      await consumer.stop().catch(() => undefined);
      await consumer.disconnect().catch(() => undefined);
    }
    this.consumer = undefined;
    this.joined = false;
    this.assign({});
    this.metrics.kafkaUp.set({ client: 'consumer' }, 0);
  }

  /** Partitions this member owns right now, by topic. */
  get ownedPartitions(): ReadonlyMap<string, readonly number[]> {
    return this.assignment;
  }

  /** A new assignment drops the lag of partitions this pod no longer owns (they moved in a rebalance). */
  private assign(memberAssignment: Record<string, number[]>): void {
    this.assignment = new Map(Object.entries(memberAssignment));
    this.metrics.consumerLag.reset();
  }
}

const where = (record: InboundRecord) => `${record.topic}/${record.partition}@${record.offset}`;

function toRecord(topic: string, partition: number, m: KafkaMessage): InboundRecord {
  return { topic, partition, offset: m.offset, key: m.key, value: m.value, timestamp: m.timestamp, headers: m.headers };
}
