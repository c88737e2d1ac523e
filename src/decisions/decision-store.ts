import type { Decision } from '../domain/decision.js';

export const DECISION_STORE = Symbol('DECISION_STORE');

export interface DecisionPage {
  items: Decision[];
  /** number of decisions retained for the account in the tenant */
  total: number;
}

/** A decision as retained: with its owner and the fingerprint of the event it was made for. */
export interface RetainedDecision {
  /** the API key's tenant (HTTP, gRPC) or KAFKA_TENANT (Kafka) */
  tenant: string;
  /** eventFingerprint() of the event: the same eventId with another fingerprint is a conflict, never a replay */
  eventFingerprint: string;
  decision: Decision;
}

/**
 * Where decisions are retained for lookup (HTTP/gRPC GET) and for replay de-duplication, per tenant: a
 * tenant never sees another tenant's decision, by id or in a list. In-memory by default; Redis when
 * REDIS_URL is set, so every replica sees the same decisions.
 */
export interface DecisionStore {
  /** undefined when unknown, expired, or owned by another tenant */
  get(tenant: string, decisionId: string): Promise<RetainedDecision | undefined>;
  /**
   * Retains the record unless the tenant already has one under its decision id. Returns undefined when it
   * was stored, else the earlier record, which stays (first wins, so concurrent deciders agree on one decision).
   */
  putIfAbsent(record: RetainedDecision): Promise<RetainedDecision | undefined>;
  /** newest first */
  listByAccount(tenant: string, accountId: string, page: { offset: number; limit: number }): Promise<DecisionPage>;
  close?(): Promise<void>;
}
