import { Points } from '../policy-fields.js';
import { fieldsOverDefaults, type RuleSettings } from '../rule-settings.js';
import type { RuleInput, RuleResult, ScoringRule } from '../scoring-rule.js';
import { NO_FINDINGS } from '../scoring-rule.js';
import { listMatchMessage } from './list-match-message.js';

/** The policy's `lists.watch`: the points a watch-list match adds (default below). */
export class WatchListSettings {
  @Points() points: number;
}

/** 25: a watched customer with any further risk (a new beneficiary, a device swap) is challenged. */
export const WATCH_LIST_DEFAULTS: WatchListSettings = Object.freeze({ points: 25 });

export const watchListSettings: RuleSettings<WatchListSettings> = {
  path: ['lists', 'watch'],
  defaults: WATCH_LIST_DEFAULTS,
  merge: fieldsOverDefaults(WATCH_LIST_DEFAULTS),
};

/** A field of the event is on the watch list: soft extra points, once however many fields matched. */
export class WatchListRule implements ScoringRule<WatchListSettings> {
  readonly name = 'watch-list';

  evaluate({ lists }: RuleInput, { points }: WatchListSettings): RuleResult {
    const matched = lists?.watch ?? [];
    if (matched.length === 0) return NO_FINDINGS;
    return { reasons: [{ code: 'LIST_WATCH_MATCH', points, message: listMatchMessage('watch', matched) }], avoidOtpChannels: [] };
  }
}
