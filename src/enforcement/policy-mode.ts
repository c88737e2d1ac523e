import type { Assessment } from '../domain/decision.js';
import type { PolicyMode } from '../domain/list-match.js';

export type { PolicyMode } from '../domain/list-match.js';
export { POLICY_MODES } from '../domain/list-match.js';

/** The mode as set by an operator: who (API key id, never the secret) and when. */
export interface PolicyModeRecord {
  mode: PolicyMode;
  changedAt: string;
  changedBy: string;
}

/** In monitor mode the decision lets the event through and carries what the policy would have done. */
export function applyPolicyMode(assessment: Assessment, mode: PolicyMode): Assessment {
  if (mode === 'enforce') return assessment;
  return { ...assessment, outcome: 'ALLOW', proposedOutcome: assessment.outcome };
}
