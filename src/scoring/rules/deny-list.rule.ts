import { IsIn } from 'class-validator';
import type { Outcome } from '../../domain/decision.js';
import { Points } from '../policy-fields.js';
import { fieldsOverDefaults, type RuleSettings } from '../rule-settings.js';
import type { RuleInput, RuleResult, ScoringRule } from '../scoring-rule.js';
import { NO_FINDINGS } from '../scoring-rule.js';
import { listMatchMessage } from './list-match-message.js';

/** The policy's `lists.deny`: what a deny-list match means (a field the file leaves out keeps its default). */
export class DenyListSettings {
  @Points() points: number;
  /** the outcome is at least this (a hard rule) */
  @IsIn(['CHALLENGE', 'REVIEW', 'DENY'], { message: 'must be CHALLENGE, REVIEW or DENY' })
  outcome: Exclude<Outcome, 'ALLOW'>;
}

export const DENY_LIST_DEFAULTS: DenyListSettings = Object.freeze({ points: 100, outcome: 'DENY' });

export const denyListSettings: RuleSettings<DenyListSettings> = {
  path: ['lists', 'deny'],
  defaults: DENY_LIST_DEFAULTS,
  merge: fieldsOverDefaults(DENY_LIST_DEFAULTS),
};

/** An operator put one of the event's fields on the deny list: a hard rule, DENY by default. */
export class DenyListRule implements ScoringRule<DenyListSettings> {
  readonly name = 'deny-list';

  evaluate({ lists }: RuleInput, settings: DenyListSettings): RuleResult {
    const matched = lists?.deny ?? [];
    if (matched.length === 0) return NO_FINDINGS;
    return {
      reasons: [{ code: 'LIST_DENY_MATCH', points: settings.points, message: listMatchMessage('deny', matched) }],
      avoidOtpChannels: [],
      minimumOutcome: settings.outcome,
    };
  }
}
