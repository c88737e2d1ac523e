/**
 * The backtest's arithmetic, pure: recorded decisions (with their evidence) scored again under a candidate policy,
 * compared with what was decided, and with fraud labels measured against both. No I/O, no clock.
 */
import { NoEvidenceError, policyOutcomeOf, rescoreDecision } from '../../src/decisions/decision-evidence.js';
import { OUTCOMES, type Decision, type Outcome } from '../../src/domain/decision.js';
import type { FraudLabel, LabelValue } from '../../src/domain/fraud-label.js';
import type { RiskPolicy } from '../../src/scoring/risk-policy.js';

/** The outcomes whose precision and recall a fraud analyst asks about, and "flagged": anything but ALLOW. */
export const MEASURED = ['DENY', 'REVIEW', 'CHALLENGE', 'FLAGGED'] as const;
export type Measured = (typeof MEASURED)[number];

export type OutcomeCounts = Record<Outcome, number>;
export type TransitionMatrix = Record<Outcome, OutcomeCounts>;

export interface PrecisionRecall {
  /** of the labelled events given this outcome, the share labelled fraud (null: none labelled with it) */
  precision: number | null;
  /** of the events labelled fraud, the share given this outcome (null: no fraud labels) */
  recall: number | null;
  truePositives: number;
  predicted: number;
}

export interface LabelledView {
  /** outcome -> how many labelled events got it, by label */
  confusion: Record<Outcome, Record<LabelValue, number>>;
  measures: Record<Measured, PrecisionRecall>;
  /** known-fraud events given ALLOW */
  fraudLetThrough: number;
  /** fraudLetThrough / fraud labelled (null: no fraud labels) */
  fraudLetThroughShare: number | null;
}

export interface ReasonDelta {
  code: string;
  current: number;
  candidate: number;
  delta: number;
}

export interface BacktestResult {
  candidate: { version: string };
  currentVersions: Record<string, number>;
  window: { since?: string; until?: string };
  input: { records: number; decisions: number; duplicates: number; outsideWindow: number; noEvidence: number };
  outcomes: { current: OutcomeCounts; candidate: OutcomeCounts };
  /** current outcome -> candidate outcome -> events */
  transitions: TransitionMatrix;
  changed: number;
  scoreDelta: { mean: number; raised: number; lowered: number };
  /** every reason code that fired under either policy, the biggest change first */
  reasons: ReasonDelta[];
  labels?: {
    records: number;
    /** distinct events labelled (the latest labeledAt wins) */
    events: number;
    /** labelled events among the backtested decisions */
    matched: number;
    fraud: number;
    legit: number;
    current: LabelledView;
    candidate: LabelledView;
  };
}

export interface BacktestInput {
  decisions: Decision[];
  candidate: RiskPolicy;
  labels?: FraudLabel[];
  since?: Date;
  until?: Date;
}

const zeroCounts = (): OutcomeCounts => ({ ALLOW: 0, CHALLENGE: 0, REVIEW: 0, DENY: 0 });

export function runBacktest(input: BacktestInput): BacktestResult {
  const seen = new Set<string>();
  let duplicates = 0;
  let outsideWindow = 0;
  let noEvidence = 0;
  const pairs: Array<{ decision: Decision; candidate: ReturnType<typeof rescoreDecision> }> = [];
  for (const decision of input.decisions) {
    // a redelivered event is published again under the same decisionId: count it once
    if (seen.has(decision.decisionId)) {
      duplicates += 1;
      continue;
    }
    seen.add(decision.decisionId);
    const at = Date.parse(decision.decidedAt);
    if ((input.since && at < input.since.getTime()) || (input.until && at >= input.until.getTime())) {
      outsideWindow += 1;
      continue;
    }
    try {
      pairs.push({ decision, candidate: rescoreDecision(decision, input.candidate) });
    } catch (error) {
      if (!(error instanceof NoEvidenceError)) throw error;
      noEvidence += 1;
    }
  }

  const outcomes = { current: zeroCounts(), candidate: zeroCounts() };
  const transitions = Object.fromEntries(OUTCOMES.map((o) => [o, zeroCounts()])) as TransitionMatrix;
  const currentVersions: Record<string, number> = {};
  const reasonCounts = new Map<string, { current: number; candidate: number }>();
  const reason = (code: string) => reasonCounts.get(code) ?? reasonCounts.set(code, { current: 0, candidate: 0 }).get(code)!;
  let changed = 0;
  let scoreSum = 0;
  let raised = 0;
  let lowered = 0;
  for (const { decision, candidate } of pairs) {
    // the live policy's own verdict: not the ALLOW of monitor mode, nor a DENY the decline-rate guard held
    const current = policyOutcomeOf(decision);
    outcomes.current[current] += 1;
    outcomes.candidate[candidate.outcome] += 1;
    transitions[current][candidate.outcome] += 1;
    if (current !== candidate.outcome) changed += 1;
    currentVersions[decision.policyVersion] = (currentVersions[decision.policyVersion] ?? 0) + 1;
    for (const code of new Set(decision.reasons.map((r) => r.code))) reason(code).current += 1;
    for (const code of new Set(candidate.reasons.map((r) => r.code))) reason(code).candidate += 1;
    const delta = candidate.score - decision.score;
    scoreSum += delta;
    if (delta > 0) raised += 1;
    if (delta < 0) lowered += 1;
  }
  const reasons = [...reasonCounts.entries()]
    .map(([code, c]) => ({ code, ...c, delta: c.candidate - c.current }))
    .sort(
      (a, b) =>
        Math.abs(b.delta) - Math.abs(a.delta) || b.candidate + b.current - (a.candidate + a.current) || a.code.localeCompare(b.code),
    );

  const result: BacktestResult = {
    candidate: { version: input.candidate.version },
    currentVersions,
    window: { since: input.since?.toISOString(), until: input.until?.toISOString() },
    input: { records: input.decisions.length, decisions: pairs.length, duplicates, outsideWindow, noEvidence },
    outcomes,
    transitions,
    changed,
    scoreDelta: { mean: pairs.length ? round(scoreSum / pairs.length) : 0, raised, lowered },
    reasons,
  };

  if (input.labels) {
    const latest = latestLabels(input.labels);
    const labelled = pairs.flatMap(({ decision, candidate }) => {
      const label = latest.get(decision.eventId);
      return label ? [{ label: label.label, current: policyOutcomeOf(decision), candidate: candidate.outcome }] : [];
    });
    result.labels = {
      records: input.labels.length,
      events: latest.size,
      matched: labelled.length,
      fraud: labelled.filter((l) => l.label === 'fraud').length,
      legit: labelled.filter((l) => l.label === 'legit').length,
      current: labelledView(labelled.map((l) => ({ label: l.label, outcome: l.current }))),
      candidate: labelledView(labelled.map((l) => ({ label: l.label, outcome: l.candidate }))),
    };
  }
  return result;
}

/** One label per event: the latest labeledAt wins (a chargeback overrides an early "legit"). */
export function latestLabels(labels: FraudLabel[]): Map<string, FraudLabel> {
  const latest = new Map<string, FraudLabel>();
  for (const label of labels) {
    const earlier = latest.get(label.eventId);
    if (!earlier || Date.parse(label.labeledAt) >= Date.parse(earlier.labeledAt)) latest.set(label.eventId, label);
  }
  return latest;
}

export function labelledView(rows: Array<{ label: LabelValue; outcome: Outcome }>): LabelledView {
  const confusion = Object.fromEntries(OUTCOMES.map((o) => [o, { fraud: 0, legit: 0 }])) as LabelledView['confusion'];
  for (const row of rows) confusion[row.outcome][row.label] += 1;
  const fraud = rows.filter((r) => r.label === 'fraud').length;
  const measure = (hit: (o: Outcome) => boolean): PrecisionRecall => {
    const predicted = rows.filter((r) => hit(r.outcome)).length;
    const truePositives = rows.filter((r) => hit(r.outcome) && r.label === 'fraud').length;
    return {
      precision: predicted ? round(truePositives / predicted) : null,
      recall: fraud ? round(truePositives / fraud) : null,
      truePositives,
      predicted,
    };
  };
  const measures = {
    DENY: measure((o) => o === 'DENY'),
    REVIEW: measure((o) => o === 'REVIEW'),
    CHALLENGE: measure((o) => o === 'CHALLENGE'),
    FLAGGED: measure((o) => o !== 'ALLOW'),
  };
  const fraudLetThrough = confusion.ALLOW.fraud;
  return { confusion, measures, fraudLetThrough, fraudLetThroughShare: fraud ? round(fraudLetThrough / fraud) : null };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
