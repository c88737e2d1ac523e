import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DeterministicFailure } from '../common/deterministic-failure.js';
import { DecisionPublisher } from '../decisions/decision-publisher.js';
import { RiskEngine } from '../decisions/risk-engine.js';
import type { InboundRecord } from '../kafka/inbound-record.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { DeadLetterPublisher } from './dead-letter-publisher.js';
import { decodeRecord } from './record-decoder.js';

/**
 * One Kafka record in, one acknowledged output (decision or dead letter) out. Bad input is a dead
 * letter, never an exception; only transient faults (publishing, the store) are retried, a bounded
 * number of times, and then surface so the batch is fetched again instead of being skipped.
 */
@Injectable()
export class EventPipeline {
  private readonly logger = new Logger(EventPipeline.name);

  constructor(
    private readonly engine: RiskEngine,
    private readonly decisions: DecisionPublisher,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly metrics: RiskwireMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  readonly handle = async (record: InboundRecord): Promise<void> => {
    const receivedAt = Date.now();
    const decoded = decodeRecord(record.value, this.config.kafka.maxPayloadBytes);
    if (!decoded.ok) {
      this.metrics.eventsConsumed.inc({ topic: record.topic, type: decoded.eventType ?? 'invalid' });
      this.logger.warn(`dead letter ${decoded.error.code} from ${record.topic}/${record.partition}@${record.offset}`);
      await this.withRetries(() => this.deadLetters.publish(record, decoded), record);
      return;
    }
    const event = decoded.event;
    this.metrics.eventsConsumed.inc({ topic: record.topic, type: event.type });
    await this.withRetries(async () => {
      let assessed;
      try {
        assessed = await this.engine.assess(event, { source: 'kafka', receivedAt });
      } catch (error) {
        if (!(error instanceof DeterministicFailure)) throw error;
        await this.deadLetterFailure(record, error);
        return;
      }
      await this.decisions.publish(assessed.decision);
      this.engine.recordDelivered(assessed.decision, 'kafka', receivedAt, event.occurredAt);
    }, record);
  };

  /** A failure every redelivery would repeat (e.g. EVENT_ID_CONFLICT) is a dead letter, not a retry. */
  private async deadLetterFailure(record: InboundRecord, failure: DeterministicFailure): Promise<void> {
    this.logger.warn(`dead letter ${failure.code} from ${record.topic}/${record.partition}@${record.offset}`);
    // it decoded into an event, so the value is UTF-8 JSON
    const payload = record.value?.toString('utf8') ?? null;
    await this.deadLetters.publish(record, { ok: false, error: { code: failure.code, message: failure.message, details: failure.details }, payload, payloadEncoding: 'utf8' });
  }

  private async withRetries(work: () => Promise<void>, record: InboundRecord): Promise<void> {
    const attempts = this.config.kafka.processingRetries + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= attempts) throw error;
        this.metrics.processingRetries.inc();
        this.logger.warn(`transient failure on ${record.topic}/${record.partition}@${record.offset} (attempt ${attempt}/${attempts}): ${(error as Error).message}`);
        await sleep(Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }
}
