import { Inject, Injectable } from '@nestjs/common';
import { BUILD_VERSION } from '../common/build-version.js';
import { DeterministicFailure } from '../domain/deterministic-failure.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { RiskEvent } from '../domain/risk-event.js';
import { PolicyEnforcement } from '../enforcement/policy-enforcement.service.js';
import { ListsService } from '../lists/lists.service.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { ScoringService } from '../scoring/scoring.service.js';
import { SignalsService } from '../signals/signals.service.js';
import type { SignalName, SignalResult, SignalSet } from '../domain/signal-result.js';
import type { Decision, DecisionSignal } from '../domain/decision.js';
import { DecisionIds } from './decision-id.js';
import { DECISION_STORE, type DecisionStore, type RetainedDecision } from './decision-store.js';
import { eventFingerprint } from './event-fingerprint.js';

export type DecisionSource = 'kafka' | 'http' | 'grpc';

/**
 * Who owns the decision: an API decision belongs to the caller's tenant, a Kafka decision to KAFKA_TENANT
 * (decided here, so no transport can pick another owner for Kafka's events).
 */
export type DecisionOwner = { source: 'kafka' } | { source: Exclude<DecisionSource, 'kafka'>; tenant: string };

export type AssessOptions = DecisionOwner & {
  /** epoch ms by which the decision must be made; signals still missing then count as unavailable */
  deadline?: number;
  /** epoch ms the event was received (consumed or requested); latencyMs counts from here */
  receivedAt?: number;
};

export interface AssessResult {
  decision: Decision;
  /** true when a decision retained for the same event (same tenant, eventId and content) was returned instead of a new one */
  replayed: boolean;
}

/** The same eventId, in the same tenant, with other content. */
export function eventIdConflict(eventId: string): DeterministicFailure {
  // Names the event id only: the other event's content (phone number included) is nobody's business here.
  return new DeterministicFailure(
    'EVENT_ID_CONFLICT',
    `Event ${eventId} was already decided with different content: an eventId names one event; send a new eventId for a new event`,
    [{ field: 'eventId', code: 'PARAMETER_INVALID', message: 'already used for an event with different content' }],
  );
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
    private readonly ids: DecisionIds,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'tenancy'>,
    private readonly lists: ListsService,
    private readonly enforcement: PolicyEnforcement,
  ) {
    metrics.buildInfo.set({ version: BUILD_VERSION, policy_version: scoring.policyVersion, node_version: process.version }, 1);
  }

  async assess(event: RiskEvent, options: AssessOptions): Promise<AssessResult> {
    const receivedAt = options.receivedAt ?? Date.now();
    const tenant = this.ownerOf(options);
    const decisionId = this.ids.idFor(tenant, event.eventId);
    const fingerprint = eventFingerprint(event);
    // A replay (redelivery, retry, same event via another transport) must neither pay upstream again nor change its answer;
    // another event under the same id must not get this one's answer.
    const earlier = await this.store.get(tenant, decisionId);
    if (earlier) return this.reuse(earlier, fingerprint, event.eventId);

    // The list lookup is I/O (Redis): done beside the signals, so scoring stays a pure function of what both found.
    const [{ signals, upstreamCalls }, listMatches] = await Promise.all([
      this.signals.collect(event.phoneNumber, this.scoring.needs(event), { deadline: options.deadline }),
      this.lists.match(event),
    ]);
    const decidedAt = new Date();
    // then the decline-rate guard and the policy mode (monitor: ALLOW with the policy's outcome in proposedOutcome)
    const assessment = this.enforcement.enforce(this.scoring.score(event, signals, decidedAt, listMatches), decidedAt);
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
    this.metrics.upstreamCallsPerEvent.observe(upstreamCalls);
    const earlierMeanwhile = await this.store.putIfAbsent({ tenant, eventFingerprint: fingerprint, decision });
    // Someone decided the same id meanwhile (a concurrent redelivery or retry): theirs stands.
    if (earlierMeanwhile) return this.reuse(earlierMeanwhile, fingerprint, event.eventId);
    return { decision, replayed: false };
  }

  private ownerOf(options: DecisionOwner): string {
    return options.source === 'kafka' ? this.config.tenancy.kafkaTenant : options.tenant;
  }

  private reuse(retained: RetainedDecision, fingerprint: string, eventId: string): AssessResult {
    if (retained.eventFingerprint !== fingerprint) throw eventIdConflict(eventId);
    return { decision: retained.decision, replayed: true };
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
