import type { OtpChannel, RiskEvent } from '../domain/risk-event.js';
import type { Outcome, Reason } from '../domain/decision.js';
import type { ListMatches } from '../domain/list-match.js';
import type { Evidence } from './signal-evidence.js';
import { SIGNAL_CATALOGUE, SIGNAL_NAMES, type SignalName } from '../domain/signal-catalogue.js';

/** What every rule sees: the event, the normalised signal evidence (already aged against `now`) and the list matches. */
export interface RuleInput {
  event: RiskEvent;
  evidence: Evidence;
  /** which of the event's fields are on the deny, allow and watch lists (looked up before scoring); absent: none */
  lists?: ListMatches;
}

export interface RuleResult {
  reasons: Reason[];
  avoidOtpChannels: OtpChannel[];
  /** the outcome may not end up below this (hard rules) */
  minimumOutcome?: Outcome;
}

/** One scoring rule: pure, settings come from the policy. */
export interface ScoringRule<Settings> {
  readonly name: string;
  evaluate(input: RuleInput, settings: Settings): RuleResult;
}

export const NO_FINDINGS: RuleResult = Object.freeze({ reasons: [], avoidOtpChannels: [] }) as RuleResult;

/** UPPER_SNAKE form of a camelCase signal name (simSwap → SIM_SWAP). */
export function signalCode(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** What changed, for swap messages (the catalogue's labels). */
export const SIGNAL_LABELS: Record<SignalName, string> = labels('label');

/** The name of the check, for availability messages. */
export const CHECK_LABELS: Record<SignalName, string> = labels('checkLabel');

function labels(which: 'label' | 'checkLabel'): Record<SignalName, string> {
  return Object.fromEntries(SIGNAL_NAMES.map((name) => [name, SIGNAL_CATALOGUE[name][which]])) as Record<SignalName, string>;
}
