import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { BatchingProducer } from '../kafka/batching-producer.js';
import type { InboundRecord } from '../kafka/inbound-record.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import type { DeadLetter } from './dead-letter.js';
import type { DecodedRecord } from './record-decoder.js';

@Injectable()
export class DeadLetterPublisher {
  constructor(
    private readonly producer: BatchingProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: RiskwireMetrics,
  ) {}

  async publish(record: InboundRecord, rejected: Extract<DecodedRecord, { ok: false }>): Promise<void> {
    const key = record.key === null ? null : record.key.toString('utf8');
    const letter: DeadLetter = {
      error: rejected.error,
      source: { topic: record.topic, partition: record.partition, offset: record.offset, key },
      payload: rejected.payload,
      payloadEncoding: rejected.payloadEncoding,
      receivedAt: new Date().toISOString(),
    };
    try {
      await this.producer.send(this.config.kafka.topics.dlq, {
        key,
        value: JSON.stringify(letter),
        headers: { 'riskwire-error-code': rejected.error.code, 'riskwire-source': `${record.topic}/${record.partition}/${record.offset}` },
      });
    } catch (error) {
      this.metrics.producerErrors.inc({ topic_kind: 'dlq' });
      throw error;
    }
    this.metrics.deadLetters.inc({ code: rejected.error.code, topic: record.topic });
  }
}
