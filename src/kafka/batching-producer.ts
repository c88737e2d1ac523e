import { Logger } from '@nestjs/common';
import type { Kafka, Message, Producer } from 'kafkajs';
import { CompressionTypes, Partitioners } from 'kafkajs';
import { isRecordTooLarge, RecordTooLargeError } from './kafka-errors.js';

interface Pending {
  topic: string;
  message: Message;
  bytes: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface OutboundMessage {
  key: string | null;
  value: string;
  headers?: Record<string, string>;
}

export interface BatchingProducerOptions {
  lingerMs: number;
  maxBatch: number;
  /**
   * Bound of one produce request in bytes. The broker checks each partition's record batch against
   * message.max.bytes (1 MiB by default): a batch past it is refused as a whole, whoever caused it.
   */
  maxBatchBytes: number;
  /** told when a refused batch is split and its records are sent one by one */
  onSplit?: (records: number) => void;
  /** told when the producer connects or disconnects */
  onConnection?: (connected: boolean) => void;
}

// Per-record framing in a v2 record batch (varints, attributes, header counts): generous.
const RECORD_OVERHEAD_BYTES = 64;

function sizeOf(message: OutboundMessage): number {
  let bytes = RECORD_OVERHEAD_BYTES + Buffer.byteLength(message.value) + (message.key === null ? 0 : Buffer.byteLength(message.key));
  for (const [k, v] of Object.entries(message.headers ?? {})) bytes += Buffer.byteLength(k) + Buffer.byteLength(v) + 8;
  return bytes;
}

/**
 * kafkajs sends one request per send() call; at thousands of decisions a second that is the
 * bottleneck. Messages published within lingerMs share one acks=all produce request (bounded in
 * count and bytes), and each caller still learns when its own message is acknowledged. When the
 * broker refuses a request as too large, its records are retried one by one, so only a record that
 * is too large on its own fails (with RecordTooLargeError), never its batch mates.
 */
export class BatchingProducer {
  private readonly logger = new Logger(BatchingProducer.name);
  private readonly producer: Producer;
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private timer?: NodeJS.Timeout;
  private connected = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly options: BatchingProducerOptions;

  constructor(kafka: Kafka, options: Partial<BatchingProducerOptions> = {}) {
    this.options = { lingerMs: 2, maxBatch: 1000, maxBatchBytes: 512 * 1024, ...options };
    this.producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: true,
      // A few quick retries ride out a leader change; a longer fault is the caller's to wait for
      // (the consumer holds the record and retries it with backoff, pausing fetches meanwhile).
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 5000 },
    });
    const connection = (connected: boolean) => {
      this.connected = connected;
      this.options.onConnection?.(connected);
    };
    this.producer.on(this.producer.events.CONNECT, () => connection(true));
    this.producer.on(this.producer.events.DISCONNECT, () => connection(false));
  }

  get ready(): boolean {
    return this.connected;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  send(topic: string, message: OutboundMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const bytes = sizeOf(message);
      if (this.queue.length > 0 && this.queuedBytes + bytes > this.options.maxBatchBytes) this.flush();
      this.queue.push({ topic, message, bytes, resolve, reject });
      this.queuedBytes += bytes;
      if (this.queue.length >= this.options.maxBatch || this.queuedBytes >= this.options.maxBatchBytes) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.lingerMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.queuedBytes = 0;
    const sent = this.sendBatch(batch);
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  private async sendBatch(batch: Pending[]): Promise<void> {
    try {
      await this.produce(batch);
      batch.forEach((p) => p.resolve());
    } catch (error) {
      if (!isRecordTooLarge(error)) {
        batch.forEach((p) => p.reject(error));
        return;
      }
      if (batch.length === 1) {
        const [p] = batch;
        p.reject(new RecordTooLargeError(p.topic, p.bytes, { cause: error }));
        return;
      }
      // Records of other partitions in the refused request may have been written: at-least-once.
      this.logger.warn(`broker refused a batch of ${batch.length} records as too large; sending them one by one`);
      this.options.onSplit?.(batch.length);
      await Promise.all(batch.map((p) => this.sendBatch([p])));
    }
  }

  private async produce(batch: Pending[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const p of batch) {
      const list = byTopic.get(p.topic) ?? [];
      list.push(p.message);
      byTopic.set(p.topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  async disconnect(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
    await this.producer.disconnect();
  }
}
