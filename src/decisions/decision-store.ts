import type { Decision } from './decision.js';

export const DECISION_STORE = Symbol('DECISION_STORE');

export interface DecisionPage {
  items: Decision[];
  /** number of decisions retained for the account */
  total: number;
}

/**
 * Where decisions are retained for lookup (HTTP/gRPC GET) and for replay de-duplication.
 * In-memory by default; Redis when REDIS_URL is set, so every replica sees the same decisions.
 */
export interface DecisionStore {
  get(decisionId: string): Promise<Decision | undefined>;
  put(decision: Decision): Promise<void>;
  /** newest first */
  listByAccount(accountId: string, page: { offset: number; limit: number }): Promise<DecisionPage>;
  close?(): Promise<void>;
}
