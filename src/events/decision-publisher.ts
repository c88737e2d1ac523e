import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { BatchingProducer } from '../kafka/batching-producer.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import type { Decision } from '../domain/decision.js';

/** Publishes decisions keyed by accountId, so one account's decisions stay on one partition. */
@Injectable()
export class DecisionPublisher {
  constructor(
    private readonly producer: BatchingProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: RiskwireMetrics,
  ) {}

  async publish(decision: Decision): Promise<void> {
    try {
      await this.producer.send(this.config.kafka.topics.decisions, {
        key: decision.accountId,
        value: JSON.stringify(decision),
        headers: { 'riskwire-decision-id': decision.decisionId, 'riskwire-policy-version': decision.policyVersion },
      });
    } catch (error) {
      this.metrics.producerErrors.inc({ topic_kind: 'decisions' });
      throw error;
    }
  }
}
