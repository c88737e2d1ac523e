import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, MinLength } from 'class-validator';
import { OUTCOMES, type Outcome, type Reason } from '../../domain/decision.js';
import { EVENT_TYPES, type EventType } from '../../domain/risk-event.js';
import { SIGNAL_NAMES, type SignalName } from '../../domain/signal-result.js';
import { maxOutcome } from '../outcome.js';
import { Code, Integer, ONE_YEAR_MINUTES, Points } from '../policy-fields.js';
import { sectionOrDefaults, type RuleSettings } from '../rule-settings.js';
import type { RuleInput, RuleResult, ScoringRule } from '../scoring-rule.js';
import { isPositive } from '../signal-evidence.js';

/** One entry of the policy file's combinations. */
export class CombinationRuleSettings {
  @Code() code: string;
  @IsArray({ message: 'must be an array' })
  @ArrayMinSize(2, { message: 'must name at least two signals' })
  @ArrayUnique({ message: 'entries must be unique' })
  @IsIn(SIGNAL_NAMES as SignalName[], { each: true, message: `entries must be one of ${SIGNAL_NAMES.join(', ')}` })
  when: SignalName[];
  /** swaps must be younger than this to count (default: anywhere within the signal's lookback) */
  @IsOptional() @Integer(1, ONE_YEAR_MINUTES) withinMinutes?: number;
  @IsArray({ message: 'must be an array' })
  @ArrayMinSize(1, { message: 'must name at least one event type' })
  @IsIn(EVENT_TYPES as EventType[], { each: true, message: `entries must be one of ${EVENT_TYPES.join(', ')}` })
  eventTypes: EventType[];
  @Points() points: number;
  @IsIn(OUTCOMES as Outcome[], { message: `must be one of ${OUTCOMES.join(', ')}` }) outcome: Outcome;
  @IsString({ message: 'must be a string' }) @MinLength(1, { message: 'must not be empty' }) message: string;
}

const DEFAULTS: CombinationRuleSettings[] = [
  {
    code: 'COMBO_SIM_SWAP_CALL_FORWARDING',
    when: ['simSwap', 'callForwarding'],
    eventTypes: ['login', 'transaction'],
    points: 25,
    outcome: 'DENY',
    message: 'SIM swap within the lookback together with active call forwarding: both OTP paths may be controlled by someone else',
  },
  {
    code: 'COMBO_SIM_SWAP_DEVICE_SWAP_TRANSACTION',
    when: ['simSwap', 'deviceSwap'],
    withinMinutes: 10080,
    eventTypes: ['transaction'],
    points: 25,
    outcome: 'DENY',
    message: 'SIM swap and device swap both within 7 days before a transaction',
  },
];

/** combinations of the policy file: a list the file gives replaces the default list whole ([] turns them off). */
export const combinationSettings: RuleSettings<readonly CombinationRuleSettings[]> = {
  path: ['combinations'],
  defaults: DEFAULTS,
  merge: sectionOrDefaults(DEFAULTS),
  reasonCodes: (settings, path) => settings.map((c, i) => ({ code: c.code, path: `${path}[${i}].code` })),
};

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
