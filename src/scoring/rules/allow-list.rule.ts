import { ArrayUnique, IsArray, IsString, Matches } from 'class-validator';
import type { Reason } from '../../domain/decision.js';
import { fieldsOverDefaults, type RuleSettings } from '../rule-settings.js';
import type { RuleInput, RuleResult } from '../scoring-rule.js';
import { NO_FINDINGS } from '../scoring-rule.js';
import { listMatchMessage } from './list-match-message.js';

/** The policy's `lists.allow`: the soft reason codes whose points an allow-list match takes back. */
export class AllowListSettings {
  @IsArray({ message: 'must be an array' })
  @ArrayUnique({ message: 'entries must be unique' })
  @IsString({ each: true, message: 'entries must be strings' })
  @Matches(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, { each: true, message: 'entries must be UPPER_SNAKE codes' })
  removesPointsOf: string[];
}

/**
 * What the transaction says about itself: context, not evidence of fraud. Signal findings (SIM swap, call
 * forwarding, missing answers) and hard rules are deliberately absent: an allow-list entry never overrides them.
 */
export const ALLOW_LIST_DEFAULTS: AllowListSettings = Object.freeze({
  removesPointsOf: Object.freeze([
    'HIGH_VALUE_TRANSACTION',
    'NEW_BENEFICIARY',
    'TRANSACTION_TYPE_PAYMENT',
    'TRANSACTION_TYPE_TRANSFER',
    'TRANSACTION_TYPE_WITHDRAWAL',
    'TRANSACTION_TYPE_CARD',
    'LIST_WATCH_MATCH',
  ]) as string[],
});

export const allowListSettings: RuleSettings<AllowListSettings> = {
  path: ['lists', 'allow'],
  defaults: ALLOW_LIST_DEFAULTS,
  merge: fieldsOverDefaults(ALLOW_LIST_DEFAULTS),
};

/** The allow rule reads what the other rules found, so it runs after them. */
export interface AllowListInput extends RuleInput {
  findings: readonly Reason[];
}

/**
 * A field of the event is on the allow list: the soft context points are taken back by one negative
 * LIST_ALLOW_MATCH reason. Only points: it sets no outcome, so hard rules (SIM swap with call forwarding,
 * high value with a missing signal, a deny-list match) still decide.
 */
export class AllowListRule {
  readonly name = 'allow-list';

  evaluate({ lists, findings }: AllowListInput, settings: AllowListSettings): RuleResult {
    const matched = lists?.allow ?? [];
    if (matched.length === 0) return NO_FINDINGS;
    const soft = new Set(settings.removesPointsOf);
    const removed = findings.filter((r) => soft.has(r.code) && r.points > 0).reduce((sum, r) => sum + r.points, 0);
    return {
      reasons: [
        {
          code: 'LIST_ALLOW_MATCH',
          points: removed === 0 ? 0 : -removed,
          message: `${listMatchMessage('allow', matched)}: soft context points removed`,
        },
      ],
      avoidOtpChannels: [],
    };
  }
}
