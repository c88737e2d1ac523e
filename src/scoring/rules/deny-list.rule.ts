import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Outcome } from '../../domain/decision.js';
import type { RuleInput, RuleResult, ScoringRule } from '../scoring-rule.js';
import { NO_FINDINGS, withDefaults } from '../scoring-rule.js';
import { listMatchMessage } from './list-match-message.js';

/** The policy's `lists.deny`: what a deny-list match means (every field optional, defaults below). */
export class DenyListSettings {
  @IsOptional()
  @IsInt({ message: 'must be an integer' })
  @Min(0, { message: 'must be >= 0' })
  @Max(100, { message: 'must be <= 100' })
  points?: number;
  /** the outcome is at least this (a hard rule) */
  @IsOptional()
  @IsIn(['CHALLENGE', 'REVIEW', 'DENY'], { message: 'must be CHALLENGE, REVIEW or DENY' })
  outcome?: Exclude<Outcome, 'ALLOW'>;
}

export const DENY_LIST_DEFAULTS: Required<DenyListSettings> = Object.freeze({ points: 100, outcome: 'DENY' });

/** An operator put one of the event's fields on the deny list: a hard rule, DENY by default. */
export class DenyListRule implements ScoringRule<DenyListSettings | undefined> {
  readonly name = 'deny-list';

  evaluate({ lists }: RuleInput, overrides: DenyListSettings | undefined): RuleResult {
    const matched = lists?.deny ?? [];
    if (matched.length === 0) return NO_FINDINGS;
    const settings = withDefaults(DENY_LIST_DEFAULTS, overrides);
    return {
      reasons: [{ code: 'LIST_DENY_MATCH', points: settings.points, message: listMatchMessage('deny', matched) }],
      avoidOtpChannels: [],
      minimumOutcome: settings.outcome,
    };
  }
}
