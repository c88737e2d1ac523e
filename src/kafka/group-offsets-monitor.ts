import { Logger } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { RiskwireMetrics } from '../metrics/riskwire-metrics.js';

export interface GroupOffsetsMonitorOptions {
  groupId: string;
  /** the input topics the group consumes */
  topics: string[];
  intervalMs: number;
}

/** Partitions this pod's consumer owns right now, by topic (empty while it is out of its group). */
export type OwnedPartitions = () => ReadonlyMap<string, readonly number[]>;

interface PartitionOffsets {
  topic: string;
  partition: number;
  logEnd: bigint;
  /** undefined while the group has committed nothing on the partition */
  committed?: bigint;
  lag: bigint;
}

/**
 * Reads the group's committed offsets and the log-end offsets from the broker on an interval, so
 * lag keeps moving when the consumer stalls, is paused or has left its group (the consumer's own
 * fetch-time lag freezes then). Every pod reports every partition of the input topics: the values
 * are the broker's, identical from each pod, and a partition nobody owns still shows; dashboards
 * and alerts take max by (topic, partition). riskwire_consumer_lag keeps meaning "the partitions
 * this pod owns" and is rebuilt from the assignment on every read, so a partition that moved to
 * another pod in a rebalance disappears from it.
 */
export class GroupOffsetsMonitor {
  private readonly logger = new Logger(GroupOffsetsMonitor.name);
  private admin?: Admin;
  private timer?: NodeJS.Timeout;
  private reading?: Promise<void>;
  private failing = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: GroupOffsetsMonitorOptions,
    private readonly metrics: RiskwireMetrics,
    private readonly owned: OwnedPartitions,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.readOnce(), this.options.intervalMs);
    this.timer.unref();
    void this.readOnce();
  }

  /** One read from the broker; never rejects (a failure is counted and logged once until it recovers). */
  readOnce(): Promise<void> {
    this.reading ??= this.read()
      .then((offsets) => {
        this.publish(offsets);
        this.metrics.kafkaOffsetReads.inc({ result: 'ok' });
        if (this.failing) this.logger.log('reading group offsets from the broker works again');
        this.failing = false;
      })
      .catch(async (error: unknown) => {
        this.metrics.kafkaOffsetReads.inc({ result: 'failed' });
        if (!this.failing) this.logger.warn(`could not read group offsets from the broker: ${(error as Error).message}`);
        this.failing = true;
        // a fresh admin connection next time: the old one may point at a broker that is gone
        const admin = this.admin;
        this.admin = undefined;
        await admin?.disconnect().catch(() => undefined);
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<PartitionOffsets[]> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    const admin = this.admin;
    const { groupId, topics } = this.options;
    const [ends, groupOffsets] = await Promise.all([
      Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) }))),
      admin.fetchOffsets({ groupId, topics }),
    ]);
    const committedOf = new Map<string, string>();
    for (const t of groupOffsets) for (const p of t.partitions) committedOf.set(`${t.topic}\0${p.partition}`, p.offset);
    return ends.flatMap(({ topic, partitions }) =>
      partitions.map((p) => {
        const logEnd = BigInt(p.high);
        const raw = committedOf.get(`${topic}\0${p.partition}`);
        // -1: nothing committed yet; the group then starts from the earliest offset (fromBeginning)
        const committed = raw !== undefined && BigInt(raw) >= 0n ? BigInt(raw) : undefined;
        const from = committed ?? BigInt(p.low);
        return { topic, partition: p.partition, logEnd, committed, lag: logEnd > from ? logEnd - from : 0n };
      }),
    );
  }

  /** Replaces every series in one synchronous step: no scrape sees a half-updated set. */
  private publish(offsets: PartitionOffsets[]): void {
    const { kafkaLogEndOffset, kafkaCommittedOffset, kafkaGroupLag, consumerLag } = this.metrics;
    for (const gauge of [kafkaLogEndOffset, kafkaCommittedOffset, kafkaGroupLag, consumerLag]) gauge.reset();
    const owned = this.owned();
    for (const o of offsets) {
      const labels = { topic: o.topic, partition: String(o.partition) };
      kafkaLogEndOffset.set(labels, Number(o.logEnd));
      if (o.committed !== undefined) kafkaCommittedOffset.set(labels, Number(o.committed));
      kafkaGroupLag.set(labels, Number(o.lag));
      if (owned.get(o.topic)?.includes(o.partition)) consumerLag.set(labels, Number(o.lag));
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.reading;
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
