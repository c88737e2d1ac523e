import { Inject, Injectable } from '@nestjs/common';
import { DeterministicFailure } from '../domain/deterministic-failure.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { RiskEvent } from '../domain/risk-event.js';
import { PolicyEnforcement } from '../enforcement/policy-enforcement.service.js';
import { ListsService } from '../lists/lists.service.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { ActivePolicies } from '../policy/active-policies.js';
import { scoreEvent } from '../scoring/score-event.js';
import { signalsNeeded } from '../scoring/signals-needed.js';
import { SignalsService } from '../signals/signals.service.js';
import type { Decision, ShadowDecision } from '../domain/decision.js';
import { decisionSignalsOf, evidenceOf } from './decision-evidence.js';
import { DecisionIds } from './decision-id.js';
import { DECISION_STORE, type DecisionStore, type RetainedDecision } from './decision-store.js';
import { eventFingerprint } from './event-fingerprint.js';
import { scoreShadow } from './shadow-scoring.js';

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
  /** the shadow policy's verdict on the same answers, for a new decision while a shadow policy is configured */
  shadow?: ShadowDecision;
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

/**
 * The one use case behind Kafka, HTTP and gRPC: event -> signals (concurrently) -> pure scoring ->
 * retained decision. Publishing is the caller's business (the Kafka pipeline publishes, the API returns).
 */
@Injectable()
export class RiskEngine {
  constructor(
    private readonly signals: SignalsService,
    private readonly policies: ActivePolicies,
    @Inject(DECISION_STORE) private readonly store: DecisionStore,
    private readonly metrics: RiskwireMetrics,
    private readonly ids: DecisionIds,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'tenancy'>,
    private readonly lists: ListsService,
    private readonly enforcement: PolicyEnforcement,
  ) {}

  async assess(event: RiskEvent, options: AssessOptions): Promise<AssessResult> {
    const receivedAt = options.receivedAt ?? Date.now();
    const tenant = this.ownerOf(options);
    const decisionId = this.ids.idFor(tenant, event.eventId);
    const fingerprint = eventFingerprint(event);
    // A replay (redelivery, retry, same event via another transport) must neither pay upstream again nor change its answer;
    // another event under the same id must not get this one's answer.
    const earlier = await this.store.get(tenant, decisionId);
    if (earlier) return this.reuse(earlier, fingerprint, event.eventId);

    // One policy set for the whole event: a reload meanwhile applies from the next event on.
    const { live, shadow } = this.policies.current();
    // The list lookup is I/O (Redis): done beside the signals, so scoring stays a pure function of what both found.
    const [{ signals, upstreamCalls }, listMatches] = await Promise.all([
      this.signals.collect(event.phoneNumber, signalsNeeded(event, live.policy), { deadline: options.deadline }),
      this.lists.match(event),
    ]);
    const decidedAt = new Date();
    // then the decline-rate guard and the policy mode (monitor: ALLOW with the policy's outcome in proposedOutcome)
    const assessment = this.enforcement.enforce(
      scoreEvent(event, signals, live.policy, decidedAt, listMatches),
      decidedAt,
      live.policy.declineRateGuard,
    );
    const decision: Decision = {
      decisionId,
      eventId: event.eventId,
      eventType: event.type,
      accountId: event.accountId,
      ...assessment,
      signals: decisionSignalsOf(signals),
      evidence: evidenceOf(event, listMatches),
      decidedAt: decidedAt.toISOString(),
      latencyMs: Date.now() - receivedAt,
    };
    this.metrics.upstreamCallsPerEvent.observe(upstreamCalls);
    const earlierMeanwhile = await this.store.putIfAbsent({ tenant, eventFingerprint: fingerprint, decision });
    // Someone decided the same id meanwhile (a concurrent redelivery or retry): theirs stands.
    if (earlierMeanwhile) return this.reuse(earlierMeanwhile, fingerprint, event.eventId);
    if (!shadow) return { decision, replayed: false };
    const shadowed = scoreShadow(event, signals, shadow.policy, decidedAt, listMatches);
    return {
      decision,
      replayed: false,
      shadow: {
        decisionId,
        eventId: event.eventId,
        eventType: event.type,
        accountId: event.accountId,
        // the live policy's own verdict: in monitor mode the published ALLOW is the mode's, not the policy's
        live: { outcome: decision.proposedOutcome ?? decision.outcome, score: decision.score, policyVersion: decision.policyVersion },
        shadow: shadowed.assessment,
        unfetchedSignals: shadowed.unfetchedSignals,
        decidedAt: decision.decidedAt,
      },
    };
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
