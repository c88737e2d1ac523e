import type { Outcome, Reason } from '../../domain/decision.js';
import type { CombinationRuleSettings } from '../risk-policy.js';
import type { RuleInput, RuleResult, ScoringRule } from '../scoring-rule.js';
import { isPositive } from '../signal-evidence.js';
import { maxOutcome } from '../outcome.js';

/** Hard rules: signals that are each worrying become decisive together (e.g. SIM swap + call forwarding → DENY). */
export class CombinationRule implements ScoringRule<readonly CombinationRuleSettings[]> {
  readonly name = 'combination';

  evaluate({ event, evidence }: RuleInput, settings: readonly CombinationRuleSettings[]): RuleResult {
    const reasons: Reason[] = [];
    let minimumOutcome: Outcome | undefined;
    for (const combo of settings) {
      if (!combo.eventTypes.includes(event.type)) continue;
      if (!combo.when.every((signal) => isPositive(signal, evidence, combo.withinMinutes))) continue;
      reasons.push({ code: combo.code, points: combo.points, message: combo.message });
      minimumOutcome = minimumOutcome ? maxOutcome(minimumOutcome, combo.outcome) : combo.outcome;
    }
    return { reasons, avoidOtpChannels: [], minimumOutcome };
  }
}
