import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DecisionIds } from '../decisions/decision-id.js';
import { DECISION_STORE, type DecisionStore } from '../decisions/decision-store.js';
import type { FraudLabel } from '../domain/fraud-label.js';
import { BatchingProducer } from '../kafka/batching-producer.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';

/**
 * Publishes validated fraud labels to risk.labels.v1 (TOPIC_LABELS) keyed by eventId, where the backtest reads them,
 * and counts them by the outcome the labelled decision had (when it is still retained), so a dashboard shows fraud
 * let through (label fraud, outcome ALLOW) without a backtest.
 */
@Injectable()
export class LabelsService {
  constructor(
    private readonly producer: BatchingProducer,
    private readonly ids: DecisionIds,
    @Inject(DECISION_STORE) private readonly store: DecisionStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: RiskwireMetrics,
  ) {}

  /** Resolves once the broker has the label (acks=all); rejects when it does not. */
  async publish(label: FraudLabel, tenant: string): Promise<{ topic: string; outcome: string }> {
    const topic = this.config.policyLifecycle.topics.labels;
    await this.producer.send(topic, {
      key: label.eventId,
      value: JSON.stringify(label),
      headers: { 'riskwire-label-source': label.source },
    });
    const outcome = await this.outcomeOf(label.eventId, tenant);
    this.metrics.labels.inc({ label: label.label, outcome });
    return { topic, outcome };
  }

  /** The caller's tenant first, then the Kafka tenant (labels usually judge the Kafka stream's events). */
  private async outcomeOf(eventId: string, tenant: string): Promise<string> {
    for (const owner of new Set([tenant, this.config.tenancy.kafkaTenant])) {
      const retained = await this.store.get(owner, this.ids.idFor(owner, eventId)).catch(() => undefined);
      if (retained) return retained.decision.outcome;
    }
    return 'unknown';
  }
}
