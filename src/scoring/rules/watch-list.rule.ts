import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { RuleInput, RuleResult, ScoringRule } from '../scoring-rule.js';
import { NO_FINDINGS, withDefaults } from '../scoring-rule.js';
import { listMatchMessage } from './list-match-message.js';

/** The policy's `lists.watch`: the points a watch-list match adds (default below). */
export class WatchListSettings {
  @IsOptional()
  @IsInt({ message: 'must be an integer' })
  @Min(0, { message: 'must be >= 0' })
  @Max(100, { message: 'must be <= 100' })
  points?: number;
}

/** 25: a watched customer with any further risk (a new beneficiary, a device swap) is challenged. */
export const WATCH_LIST_DEFAULTS: Required<WatchListSettings> = Object.freeze({ points: 25 });

/** A field of the event is on the watch list: soft extra points, once however many fields matched. */
export class WatchListRule implements ScoringRule<WatchListSettings | undefined> {
  readonly name = 'watch-list';

  evaluate({ lists }: RuleInput, overrides: WatchListSettings | undefined): RuleResult {
    const matched = lists?.watch ?? [];
    if (matched.length === 0) return NO_FINDINGS;
    const { points } = withDefaults(WATCH_LIST_DEFAULTS, overrides);
    return { reasons: [{ code: 'LIST_WATCH_MATCH', points, message: listMatchMessage('watch', matched) }], avoidOtpChannels: [] };
  }
}
