import { Inject, Injectable, Optional } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { decisionJson } from '../decisions/decision-json.js';
import { BatchingProducer } from '../kafka/batching-producer.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import type { Decision } from '../domain/decision.js';
import { NOOP_TRACING, Tracing } from '../tracing/tracing.js';

/**
 * Publishes decisions keyed by accountId, so one account's decisions stay on one partition. With tracing on, in a
 * producer span whose W3C traceparent (and tracestate) the record carries: the decision continues its event's trace.
 */
@Injectable()
export class DecisionPublisher {
  constructor(
    private readonly producer: BatchingProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: RiskwireMetrics,
    @Optional() @Inject(Tracing) private readonly tracing: Tracing = NOOP_TRACING,
  ) {}

  publish(decision: Decision): Promise<void> {
    if (!this.tracing.enabled) return this.send(decision);
    const topic = this.config.kafka.topics.decisions;
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': topic,
      'riskwire.decision.id': decision.decisionId,
    };
    return this.tracing.inSpan(`send ${topic}`, { kind: 'producer', attributes }, () => this.send(decision));
  }

  private async send(decision: Decision): Promise<void> {
    const headers: Record<string, string> = {
      'riskwire-decision-id': decision.decisionId,
      'riskwire-policy-version': decision.policyVersion,
    };
    if (this.tracing.enabled) Object.assign(headers, this.tracing.traceHeaders());
    try {
      await this.producer.send(this.config.kafka.topics.decisions, { key: decision.accountId, value: decisionJson(decision), headers });
    } catch (error) {
      this.metrics.producerErrors.inc({ topic_kind: 'decisions' });
      throw error;
    }
  }
}
