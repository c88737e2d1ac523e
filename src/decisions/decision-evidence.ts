import type { Assessment, Decision, DecisionEvidence, DecisionSignal, Outcome } from '../domain/decision.js';
import { LIST_NAMES, NO_LIST_MATCHES, type ListMatches } from '../domain/list-match.js';
import type { RiskEvent } from '../domain/risk-event.js';
import { SIGNAL_NAMES, type SignalResult, type SignalSet, type UnavailableReason } from '../domain/signal-result.js';
import type { RiskPolicy } from '../scoring/risk-policy.js';
import { scoreEvent } from '../scoring/score-event.js';

/**
 * The event fields the rules read, as recorded in a decision (never the phone number), and which lists matched
 * which field type (never the listed values; only when some list matched: absent means none did).
 */
export function evidenceOf(event: RiskEvent, lists: ListMatches = NO_LIST_MATCHES): DecisionEvidence {
  const listMatches = LIST_NAMES.some((name) => lists[name].length > 0) ? { listMatches: copyOf(lists) } : {};
  if (event.type === 'login') {
    return dropUndefined({ occurredAt: event.occurredAt, channel: event.channel, otpChannel: event.otpChannel, ...listMatches });
  }
  return dropUndefined({
    occurredAt: event.occurredAt,
    amount: { value: event.amount.value, currency: event.amount.currency },
    transactionType: event.transactionType,
    beneficiaryIsNew: event.beneficiaryIsNew,
    ...listMatches,
  });
}

function copyOf(lists: ListMatches): ListMatches {
  return Object.fromEntries(LIST_NAMES.map((name) => [name, [...(lists[name] ?? [])]])) as unknown as ListMatches;
}

/** A signal result as recorded in a decision: the value or the reason and who answered, no latency or cache detail. */
export function decisionSignalOf(result: SignalResult): DecisionSignal {
  const provider = result.status !== 'SKIPPED' && result.provider !== undefined ? { provider: result.provider } : {};
  switch (result.status) {
    case 'OK':
      return { status: 'OK', value: result.value, ...provider };
    case 'UNAVAILABLE':
      return { status: 'UNAVAILABLE', reason: result.reason, ...provider };
    case 'NOT_FOUND':
    case 'NOT_APPLICABLE':
      return { status: result.status, ...provider };
    case 'SKIPPED':
      return { status: result.status };
  }
}

export function decisionSignalsOf(signals: SignalSet): Decision['signals'] {
  return Object.fromEntries(SIGNAL_NAMES.map((name) => [name, decisionSignalOf(signals[name])])) as Decision['signals'];
}

/** A recorded decision (as read back from its JSON) lacks what it needs to be scored again. */
export class NoEvidenceError extends Error {
  override name = 'NoEvidenceError';
}

/** What scoreEvent was given when the decision was made, rebuilt from the record alone. */
export function scoringInputsOf(decision: Decision): { event: RiskEvent; signals: SignalSet; now: Date; lists: ListMatches } {
  const e = decision.evidence;
  if (!e || typeof e.occurredAt !== 'string' || !decision.signals) {
    throw new NoEvidenceError(`decision ${decision.decisionId} carries no evidence (made before evidence was recorded)`);
  }
  // The rules never read the phone number: the record has none, and the rebuilt event says so.
  const base = { eventId: decision.eventId, occurredAt: e.occurredAt, accountId: decision.accountId, phoneNumber: '' };
  const event: RiskEvent =
    decision.eventType === 'login'
      ? dropUndefined({ ...base, type: 'login' as const, channel: e.channel, otpChannel: e.otpChannel })
      : dropUndefined({
          ...base,
          type: 'transaction' as const,
          amount: e.amount ?? { value: '0', currency: 'XXX' },
          transactionType: e.transactionType,
          beneficiaryIsNew: e.beneficiaryIsNew,
        });
  const signals = Object.fromEntries(SIGNAL_NAMES.map((name) => [name, signalResultOf(decision.signals[name])])) as unknown as SignalSet;
  // A decision recorded before the lists (or one no list matched) carries no listMatches: nothing matched.
  const lists = e.listMatches ? copyOf({ ...NO_LIST_MATCHES, ...e.listMatches }) : NO_LIST_MATCHES;
  return { event, signals, now: new Date(decision.decidedAt), lists };
}

/** Scores a recorded decision again, offline, under any policy: the backtest's and the shadow's one step. */
export function rescoreDecision(decision: Decision, policy: RiskPolicy): Assessment {
  const { event, signals, now, lists } = scoringInputsOf(decision);
  return scoreEvent(event, signals, policy, now, lists);
}

/**
 * The outcome the decision's own policy gave, before what acts after scoring: the policy mode (monitor publishes
 * ALLOW with the policy's in proposedOutcome) and the decline-rate guard (a DENY held as REVIEW, reason
 * DECLINE_RATE_GUARD). What a re-score under the same policy gives back, so a backtest compares like with like.
 */
export function policyOutcomeOf(decision: Decision): Outcome {
  const outcome = decision.proposedOutcome ?? decision.outcome;
  const held = outcome === 'REVIEW' && decision.reasons.some((r) => r.code === 'DECLINE_RATE_GUARD');
  return held ? 'DENY' : outcome;
}

function signalResultOf(recorded: DecisionSignal | undefined): SignalResult {
  switch (recorded?.status) {
    case 'OK':
      return { status: 'OK', value: recorded.value as never };
    case 'UNAVAILABLE':
      return { status: 'UNAVAILABLE', reason: (recorded.reason ?? 'invalid_response') as UnavailableReason };
    case 'NOT_FOUND':
    case 'NOT_APPLICABLE':
      return { status: recorded.status };
    case 'SKIPPED':
    case undefined:
      return { status: 'SKIPPED' };
  }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
