import type { Assessment } from '../domain/decision.js';
import type { ListMatches } from '../domain/list-match.js';
import type { RiskEvent } from '../domain/risk-event.js';
import { SIGNAL_NAMES, type SignalName, type SignalSet } from '../domain/signal-result.js';
import type { RiskPolicy } from '../scoring/risk-policy.js';
import { scoreEvent } from '../scoring/score-event.js';
import { signalsNeeded } from '../scoring/signals-needed.js';

/**
 * Scores an event under the shadow policy on the answers the live policy paid for, and nothing else: a signal only
 * the shadow needs was not fetched (SKIPPED), which the scoring counts as unavailable and the result names.
 * The list matches are the live decision's too: one lookup per event, so both policies judge the same lists.
 */
export function scoreShadow(
  event: RiskEvent,
  signals: SignalSet,
  shadowPolicy: RiskPolicy,
  now: Date,
  lists?: ListMatches,
): { assessment: Assessment; unfetchedSignals: SignalName[] } {
  const wanted = signalsNeeded(event, shadowPolicy);
  const unfetchedSignals = SIGNAL_NAMES.filter((name) => wanted[name] !== undefined && signals[name].status === 'SKIPPED');
  return { assessment: scoreEvent(event, signals, shadowPolicy, now, lists), unfetchedSignals };
}
