/** What a fraud analyst (or a chargeback feed) later learnt about an event: the ground truth a backtest measures against. */
export type LabelValue = 'fraud' | 'legit';
export const LABEL_VALUES: readonly LabelValue[] = ['fraud', 'legit'];

/** A label as published on risk.labels.v1 (schemas/fraud-label.v1.schema.json), keyed by eventId. */
export interface FraudLabel {
  eventId: string;
  label: LabelValue;
  /** RFC 3339: when the truth became known; the latest label of an event wins */
  labeledAt: string;
  /** who says so: an analyst queue, a chargeback feed, a customer report ... */
  source: string;
  reason?: string;
}
