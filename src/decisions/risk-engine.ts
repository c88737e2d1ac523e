import { Inject, Injectable } from '@nestjs/common';
import { BUILD_VERSION } from '../common/build-version.js';
import type { RiskEvent } from '../events/risk-event.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { ScoringService } from '../scoring/scoring.service.js';
import { SignalsService } from '../signals/signals.service.js';
import type { SignalName, SignalResult, SignalSet } from '../signals/signal-result.js';
import type { Decision, DecisionSignal } from './decision.js';
import { decisionIdFor } from './decision-id.js';
import { DECISION_STORE, type DecisionStore } from './decision-store.js';

export type DecisionSource = 'kafka' | 'http' | 'grpc';

export interface AssessOptions {
  source: DecisionSource;
  /** epoch ms by which the decision must be made; signals still missing then count as unavailable */
  deadline?: number;
  /** epoch ms the event was received (consumed or requested); latencyMs counts from here */
  receivedAt?: number;
}

export interface AssessResult {
  decision: Decision;
  /** true when a decision retained for the same eventId was returned instead of a new one */
  replayed: boolean;
}

function toDecisionSignal(result: SignalResult): DecisionSignal {
  switch (result.status) {
    case 'OK':
      return { status: 'OK', value: result.value };
    case 'UNAVAILABLE':
      return { status: 'UNAVAILABLE', reason: result.reason };
    case 'NOT_FOUND':
    case 'SKIPPED':
      return { status: result.status };
  }
}

/**
 * The one use case behind Kafka, HTTP and gRPC: event -> signals (concurrently) -> pure scoring ->
 * retained decision. Publishing is the caller's business (the Kafka pipeline publishes, the API returns).
 */
@Injectable()
export class RiskEngine {
  constructor(
    private readonly signals: SignalsService,
    private readonly scoring: ScoringService,
    @Inject(DECISION_STORE) private readonly store: DecisionStore,
    private readonly metrics: RiskwireMetrics,
  ) {
    metrics.buildInfo.set({ version: BUILD_VERSION, policy_version: scoring.policyVersion, node_version: process.version }, 1);
  }

  async assess(event: RiskEvent, options: AssessOptions): Promise<AssessResult> {
    const receivedAt = options.receivedAt ?? Date.now();
    const decisionId = decisionIdFor(event.eventId);
    // A replay (redelivery, retry, same event via another transport) must neither pay upstream again nor change its answer.
    const earlier = await this.store.get(decisionId);
    if (earlier) return { decision: earlier, replayed: true };

    const { signals, upstreamCalls } = await this.signals.collect(event.phoneNumber, this.scoring.needs(event), {
      deadline: options.deadline,
    });
    const decidedAt = new Date();
    const assessment = this.scoring.score(event, signals, decidedAt);
    const decision: Decision = {
      decisionId,
      eventId: event.eventId,
      eventType: event.type,
      accountId: event.accountId,
      ...assessment,
      signals: Object.fromEntries(
        (Object.keys(signals) as SignalName[]).map((name) => [name, toDecisionSignal((signals as SignalSet)[name])]),
      ) as Decision['signals'],
      decidedAt: decidedAt.toISOString(),
      latencyMs: Date.now() - receivedAt,
    };
    await this.store.put(decision);
    this.metrics.upstreamCallsPerEvent.observe(upstreamCalls);
    return { decision, replayed: false };
  }

  /** Bounded-cardinality accounting of a decision that was delivered (published or returned). */
  recordDelivered(decision: Decision, source: DecisionSource, receivedAt: number, occurredAt?: string) {
    this.metrics.decisions.inc({ event_type: decision.eventType, outcome: decision.outcome, source, degraded: String(decision.degraded) });
    for (const r of decision.reasons) this.metrics.reasons.inc({ code: r.code });
    this.metrics.decisionLatency.observe({ source }, (Date.now() - receivedAt) / 1000);
    if (occurredAt) {
      const age = (Date.now() - Date.parse(occurredAt)) / 1000;
      if (Number.isFinite(age) && age >= 0) this.metrics.eventAge.observe({ source }, age);
    }
  }
}
