import type { EventType, OtpChannel } from './risk-event.js';
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
  status: 'OK' | 'NOT_FOUND' | 'UNAVAILABLE' | 'SKIPPED';
  /** the observed value when OK (latestChange / swappedWithin / active), the reason when UNAVAILABLE */
  value?: unknown;
  reason?: string;
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
  decidedAt: string;
  latencyMs: number;
}
