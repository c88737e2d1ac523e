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
