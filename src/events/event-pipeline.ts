import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ErrorDescription } from '../domain/error-codes.js';
import { maskPhoneNumbersInText } from '../common/log-redaction.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DecisionPublisher } from './decision-publisher.js';
import { RiskEngine } from '../decisions/risk-engine.js';
import { ShadowDecisionPublisher } from '../decisions/shadow-decision-publisher.js';
import type { InboundRecord } from '../kafka/inbound-record.js';
import { isRecordTooLarge } from '../kafka/kafka-errors.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { DeadLetterPublisher } from './dead-letter-publisher.js';
import { classifyFailure } from './failure-classification.js';
import { decodeRecord, type DecodeLimits } from './record-decoder.js';

/**
 * One Kafka record in, one acknowledged output (decision or dead letter) out. Bad input is a dead
 * letter, never an exception; so is an exception that would recur on redelivery (see
 * failure-classification.ts). The returned promise rejects only for a transient fault, which the
 * consumer answers by holding the record and retrying it for as long as the fault lasts.
 */
@Injectable()
export class EventPipeline {
  private readonly logger = new Logger(EventPipeline.name);
  private readonly limits: DecodeLimits;
  /** records already counted as consumed: a held record is handled again, but was read once */
  private readonly counted = new WeakSet<InboundRecord>();

  constructor(
    private readonly engine: RiskEngine,
    private readonly decisions: DecisionPublisher,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly metrics: RiskwireMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly shadows?: ShadowDecisionPublisher,
  ) {
    this.limits = {
      maxPayloadBytes: config.kafka.maxPayloadBytes,
      maxKeyBytes: config.kafkaResilience.maxKeyBytes,
      maxJsonDepth: config.kafkaResilience.maxJsonDepth,
    };
  }

  readonly handle = async (record: InboundRecord): Promise<void> => {
    const receivedAt = Date.now();
    const attempts = this.config.kafka.processingRetries + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.process(record, receivedAt);
      } catch (error) {
        const failure = classifyFailure(error);
        this.metrics.processingErrors.inc({ class: failure.kind });
        if (failure.kind === 'transient') throw error;
        if (failure.kind === 'unexpected' && attempt < attempts) {
          this.logger.warn(`unexpected ${describe(error)} on ${where(record)} (attempt ${attempt}/${attempts}), trying again`);
          await sleep(50 * 2 ** attempt);
          continue;
        }
        const reason: ErrorDescription =
          failure.kind === 'deterministic'
            ? failure.error
            : { code: 'PROCESSING_FAILED', message: `Processing failed ${attempts} times: ${describe(error)}`, details: [] };
        this.logger.warn(`dead letter ${reason.code} from ${where(record)}: ${reason.message}`);
        await this.deadLetters.publish(record, reason);
        return;
      }
    }
  };

  private async process(record: InboundRecord, receivedAt: number): Promise<void> {
    const decoded = decodeRecord(record, this.limits);
    this.countConsumed(record, decoded.ok ? decoded.event.type : (decoded.eventType ?? 'invalid'));
    if (!decoded.ok) {
      this.logger.warn(`dead letter ${decoded.error.code} from ${where(record)}`);
      await this.deadLetters.publish(record, decoded.error);
      return;
    }
    const event = decoded.event;
    const { decision, shadow } = await this.engine.assess(event, { source: 'kafka', receivedAt });
    try {
      await this.decisions.publish(decision);
    } catch (error) {
      if (!isRecordTooLarge(error)) throw error;
      // Only a topic configured below a decision's size gets here; the event is parked, not lost.
      await this.deadLetters.publish(record, {
        code: 'PROCESSING_FAILED',
        message: `The decision ${decision.decisionId} was refused by the broker as too large for ${this.config.kafka.topics.decisions}`,
        details: [],
      });
      return;
    }
    this.engine.recordDelivered(decision, 'kafka', receivedAt, event.occurredAt);
    // after the live decision is acknowledged: the shadow never delays or risks it
    if (shadow) await this.shadows?.publish(shadow);
  }

  private countConsumed(record: InboundRecord, type: string): void {
    if (this.counted.has(record)) return;
    this.counted.add(record);
    this.metrics.eventsConsumed.inc({ topic: record.topic, type });
  }
}

const where = (record: InboundRecord) => `${record.topic}/${record.partition}@${record.offset}`;

/** An exception as text fit for a log line and a dead letter: bounded, phone numbers masked. */
function describe(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}` : `non-Error thrown: ${String(error)}`;
  } catch {
    text = 'an exception that cannot be printed';
  }
  return maskPhoneNumbersInText(text.slice(0, 300));
}
