import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { ErrorDescription } from '../domain/error-codes.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { BatchingProducer } from '../kafka/batching-producer.js';
import type { InboundRecord } from '../kafka/inbound-record.js';
import { isRecordTooLarge } from '../kafka/kafka-errors.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { buildDeadLetter, minimalDeadLetter, type DeadLetter } from './dead-letter.js';
import { NOOP_TRACING, Tracing } from '../tracing/tracing.js';

/**
 * Publishes the dead letter of a record. The letter is bounded (payload and key cut at their
 * limits, error text bounded); if the broker still refuses it as too large (a topic with a small
 * max.message.bytes), a minimal letter without the payload takes its place. Only a refusal of that
 * one, or the topic being unavailable, surfaces: both are waited for, the record is not skipped.
 */
@Injectable()
export class DeadLetterPublisher {
  private readonly logger = new Logger(DeadLetterPublisher.name);

  constructor(
    private readonly producer: BatchingProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: RiskwireMetrics,
    @Optional() @Inject(Tracing) private readonly tracing: Tracing = NOOP_TRACING,
  ) {}

  async publish(record: InboundRecord, error: ErrorDescription): Promise<void> {
    const limits = {
      maxPayloadBytes: this.config.kafkaResilience.deadLetterMaxPayloadBytes,
      maxKeyBytes: this.config.kafkaResilience.maxKeyBytes,
    };
    const receivedAt = new Date();
    const letter = buildDeadLetter(record, error, limits, receivedAt);
    try {
      await this.send(record, letter);
      if (letter.payloadTruncated || letter.source.keyTruncated) this.metrics.deadLettersShrunk.inc({ how: 'truncated' });
    } catch (failure) {
      if (!isRecordTooLarge(failure)) throw failure;
      this.logger.warn(
        `dead letter of ${record.topic}/${record.partition}@${record.offset} refused by the broker as too large; publishing a minimal one`,
      );
      await this.send(
        record,
        minimalDeadLetter(record, error, 'dead letter refused by the broker as too large; payload omitted', receivedAt),
      );
      this.metrics.deadLettersShrunk.inc({ how: 'minimal' });
    }
    this.metrics.deadLetters.inc({ code: error.code, topic: record.topic });
  }

  private async send(record: InboundRecord, letter: DeadLetter): Promise<void> {
    const headers: Record<string, string> = {
      'riskwire-error-code': letter.error.code,
      'riskwire-source': `${record.topic}/${record.partition}/${record.offset}`,
    };
    // tracing on: the letter continues the record's trace (the consume span's context), so a replay can too
    if (this.tracing.enabled) Object.assign(headers, this.tracing.traceHeaders());
    try {
      await this.producer.send(this.config.kafka.topics.dlq, {
        key: letter.source.keyEncoding === 'utf8' ? letter.source.key : null,
        value: JSON.stringify(letter),
        headers,
      });
    } catch (error) {
      this.metrics.producerErrors.inc({ topic_kind: 'dlq' });
      throw error;
    }
  }
}
