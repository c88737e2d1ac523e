import { describe, expect, it } from '@jest/globals';
import type { Kafka } from 'kafkajs';
import { BatchingProducer } from './batching-producer.js';
import { RecordTooLargeError } from './kafka-errors.js';

interface SentBatch {
  topicMessages: { topic: string; messages: { value: string }[] }[];
}

/** A kafkajs producer double that refuses any request holding a record bigger than `maxRecord` or more than `maxTotal` bytes. */
function fakeKafka(limits: { maxRecord: number; maxTotal: number }) {
  const requests: number[] = [];
  const producer = {
    events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
    on: () => undefined,
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    sendBatch: (b: SentBatch) => {
      const values = b.topicMessages.flatMap((t) => t.messages.map((m) => m.value.length));
      requests.push(values.length);
      const total = values.reduce((a, v) => a + v, 0);
      if (values.some((v) => v > limits.maxRecord) || total > limits.maxTotal) {
        const cause = Object.assign(new Error('The request included a message larger than the max message size the server will accept'), {
          type: 'MESSAGE_TOO_LARGE',
        });
        return Promise.reject(Object.assign(new Error(cause.message), { name: 'KafkaJSNonRetriableError', cause }));
      }
      return Promise.resolve([]);
    },
  };
  return { kafka: { producer: () => producer } as unknown as Kafka, requests };
}

describe('BatchingProducer', () => {
  it('bounds a request in bytes', async () => {
    const { kafka, requests } = fakeKafka({ maxRecord: 1e9, maxTotal: 1e9 });
    const producer = new BatchingProducer(kafka, { lingerMs: 5, maxBatch: 1000, maxBatchBytes: 70 * 1024 });
    await Promise.all(Array.from({ length: 10 }, () => producer.send('t', { key: null, value: 'x'.repeat(20 * 1024) })));
    expect(requests.every((n) => n <= 3)).toBe(true);
    expect(requests.reduce((a, n) => a + n, 0)).toBe(10);
  });

  it('retries a refused batch record by record: only the record too large on its own fails', async () => {
    const { kafka, requests } = fakeKafka({ maxRecord: 1000, maxTotal: 1e9 });
    let splits = 0;
    const producer = new BatchingProducer(kafka, { lingerMs: 5, maxBatch: 1000, maxBatchBytes: 1e6, onSplit: () => splits++ });
    const results = await Promise.allSettled([
      producer.send('t', { key: 'a', value: 'small' }),
      producer.send('t', { key: 'b', value: 'y'.repeat(5000) }),
      producer.send('u', { key: 'c', value: 'small too' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (results[1] as PromiseRejectedResult).reason as RecordTooLargeError;
    expect(reason).toBeInstanceOf(RecordTooLargeError);
    expect(reason.topic).toBe('t');
    expect(splits).toBe(1);
    expect(requests).toEqual([3, 1, 1, 1]);
  });

  it('passes other failures to every caller of the batch', async () => {
    const { kafka } = fakeKafka({ maxRecord: 1e9, maxTotal: 1e9 });
    const producer = new BatchingProducer(kafka, { lingerMs: 5 });
    (kafka.producer() as unknown as { sendBatch: () => Promise<never> }).sendBatch = () => Promise.reject(new Error('broker down'));
    const results = await Promise.allSettled([
      producer.send('t', { key: null, value: 'a' }),
      producer.send('t', { key: null, value: 'b' }),
    ]);
    expect(results.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual(['broker down', 'broker down']);
  });
});
