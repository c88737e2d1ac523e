import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ShadowDecision } from '../domain/decision.js';
import { BatchingProducer } from '../kafka/batching-producer.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';

/**
 * Publishes shadow decisions keyed by accountId and counts live -> shadow transitions. The shadow is an experiment:
 * a failed publish is counted and logged, never retried and never holds the live decision (or its offset) back.
 */
@Injectable()
export class ShadowDecisionPublisher {
  private readonly logger = new Logger(ShadowDecisionPublisher.name);

  constructor(
    private readonly producer: BatchingProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: RiskwireMetrics,
  ) {}

  async publish(shadow: ShadowDecision): Promise<void> {
    this.metrics.shadowTransitions.inc({ live_outcome: shadow.live.outcome, shadow_outcome: shadow.shadow.outcome });
    for (const signal of shadow.unfetchedSignals) this.metrics.shadowUnfetchedSignals.inc({ signal });
    try {
      await this.producer.send(this.config.policyLifecycle.topics.shadowDecisions, {
        key: shadow.accountId,
        value: JSON.stringify(shadow),
        headers: { 'riskwire-decision-id': shadow.decisionId, 'riskwire-policy-version': shadow.shadow.policyVersion },
      });
    } catch (error) {
      this.metrics.shadowPublishFailures.inc();
      this.logger.warn(`shadow decision ${shadow.decisionId} not published: ${(error as Error).message}`);
    }
  }
}
