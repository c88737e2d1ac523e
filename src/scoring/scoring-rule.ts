import type { OtpChannel, RiskEvent } from '../domain/risk-event.js';
import type { Outcome, Reason } from '../domain/decision.js';
import type { ListMatches } from '../domain/list-match.js';
import type { Evidence } from './signal-evidence.js';

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

/** What changed, for swap messages. */
export const SIGNAL_LABELS = {
  simSwap: 'SIM card',
  deviceSwap: 'device',
  callForwarding: 'call forwarding',
} as const;

/** The name of the check, for availability messages. */
export const CHECK_LABELS = {
  simSwap: 'SIM swap',
  deviceSwap: 'device swap',
  callForwarding: 'call forwarding',
} as const;

/**
 * A rule's settings: its defaults, overridden by what the policy sets. A field the policy leaves out stays the
 * default (class-transformer leaves declared but absent fields `undefined`, which a plain spread would copy).
 */
export function withDefaults<T extends object>(defaults: Required<T>, overrides: T | undefined): Required<T> {
  const set = Object.entries(overrides ?? {}).filter(([, v]) => v !== undefined);
  return { ...defaults, ...Object.fromEntries(set) } as Required<T>;
}
