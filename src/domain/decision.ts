import type { EventType, LoginChannel, OtpChannel, TransactionType } from './risk-event.js';
import type { ListMatches } from './list-match.js';
import type { SignalName } from './signal-result.js';

export type Outcome = 'ALLOW' | 'CHALLENGE' | 'REVIEW' | 'DENY';
export const OUTCOMES: readonly Outcome[] = ['ALLOW', 'CHALLENGE', 'REVIEW', 'DENY'];

export interface Reason {
  /** stable UPPER_SNAKE code, e.g. SIM_SWAP_LT_24H */
  code: string;
  points: number;
  message: string;
}

export interface DecisionSignal {
  status: 'OK' | 'NOT_FOUND' | 'NOT_APPLICABLE' | 'UNAVAILABLE' | 'SKIPPED';
  /** the observed value when OK (latestChange / swappedWithin / active), the reason when UNAVAILABLE */
  value?: unknown;
  reason?: string;
  /** the id of the provider that gave the answer (providers file; "tyntec" without one); absent when SKIPPED */
  provider?: string;
}

/** What the pure scoring function returns. */
export interface Assessment {
  score: number; // integer 0-100
  outcome: Outcome;
  reasons: Reason[];
  avoidOtpChannels: OtpChannel[];
  degraded: boolean;
  policyVersion: string;
  /** only in monitor mode (PUT /v1/policy/mode): the policy's own outcome, while `outcome` is ALLOW */
  proposedOutcome?: Outcome;
}

/** The decision record published on the decisions topic and returned by the API. */
export interface Decision extends Assessment {
  decisionId: string;
  eventId: string;
  eventType: EventType;
  accountId: string;
  signals: Record<SignalName, DecisionSignal>;
  /** the event fields the rules read: with `signals`, `policyVersion` and `decidedAt` (the scoring's `now`), enough to score again */
  evidence: DecisionEvidence;
  decidedAt: string;
  latencyMs: number;
}

/** The normalised event as the policy saw it, without the phone number or any id the rules do not read. */
export interface DecisionEvidence {
  occurredAt: string;
  channel?: LoginChannel;
  otpChannel?: OtpChannel;
  amount?: { value: string; currency: string };
  transactionType?: TransactionType;
  beneficiaryIsNew?: boolean;
  /** which lists matched which of the event's field types (never the values); absent when no list matched */
  listMatches?: ListMatches;
}

/**
 * What the shadow policy would have decided for the same event on the same signal answers, beside what the live
 * policy did decide. Published on the shadow decisions topic; never returned to a caller.
 */
export interface ShadowDecision {
  decisionId: string;
  eventId: string;
  eventType: EventType;
  accountId: string;
  live: { outcome: Outcome; score: number; policyVersion: string };
  shadow: Assessment;
  /** signals the shadow policy needed that the live policy did not ask for: not fetched, scored as skipped */
  unfetchedSignals: SignalName[];
  decidedAt: string;
}
