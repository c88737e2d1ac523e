/** One Kafka record as our code sees it: the kafkajs types stay inside this folder. */
export interface InboundRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** broker/producer timestamp, epoch ms as a string */
  timestamp: string;
  /** the record's headers as the client gave them (not copied: read only what you need, e.g. traceparent) */
  headers?: RecordHeaders;
}

/** Kafka record headers: bytes (or a string), a list when a name repeats. */
export type RecordHeaders = Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;

/**
 * Resolves once the record's outcome (decision or dead letter) is acknowledged by Kafka; only then
 * may its offset be committed. Rejects only for transient faults, after its own bounded retries.
 */
export type RecordHandler = (record: InboundRecord) => Promise<void>;
