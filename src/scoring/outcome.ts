import { OUTCOMES, type Outcome } from '../domain/decision.js';

/** score >= challenge → CHALLENGE, >= review → REVIEW, >= deny → DENY (the policy's thresholds) */
export interface OutcomeThresholds {
  challenge: number;
  review: number;
  deny: number;
}

/** ALLOW < CHALLENGE < REVIEW < DENY */
export function outcomeSeverity(outcome: Outcome): number {
  return OUTCOMES.indexOf(outcome);
}

export function maxOutcome(a: Outcome, b: Outcome): Outcome {
  return outcomeSeverity(b) > outcomeSeverity(a) ? b : a;
}

export function outcomeForScore(score: number, t: OutcomeThresholds): Outcome {
  if (score >= t.deny) return 'DENY';
  if (score >= t.review) return 'REVIEW';
  if (score >= t.challenge) return 'CHALLENGE';
  return 'ALLOW';
}
