import { IsIn, IsNumber, IsOptional, Min } from 'class-validator';
import type { Outcome, Reason } from '../../domain/decision.js';
import type { TransactionEvent } from '../../domain/risk-event.js';
import { SIGNAL_NAMES } from '../../domain/signal-result.js';
import { Nested, Points } from '../policy-fields.js';
import { sectionOrDefaults, type RuleSettings } from '../rule-settings.js';
import type { RuleInput, RuleResult, ScoringRule } from '../scoring-rule.js';
import { NO_FINDINGS } from '../scoring-rule.js';
import { isMissing } from '../signal-evidence.js';

export class TransactionTypePoints {
  @IsOptional() @Points() payment?: number;
  @IsOptional() @Points() transfer?: number;
  @IsOptional() @Points() withdrawal?: number;
  @IsOptional() @Points() card?: number;
}

export class DegradedHighValueSettings {
  @Points() points: number;
  @IsIn(['CHALLENGE', 'REVIEW', 'DENY'], { message: 'must be CHALLENGE, REVIEW or DENY' })
  minimumOutcome: Exclude<Outcome, 'ALLOW'>;
}

/** transaction of the policy file. */
export class TransactionContextSettings {
  /** in the transaction's own currency units (HIGH_VALUE_THRESHOLD overrides it: policy/policy-file.ts) */
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number' })
  @Min(0, { message: 'must be >= 0' })
  highValueThreshold: number;
  @Points() highValuePoints: number;
  @Points() newBeneficiaryPoints: number;
  @Nested(() => TransactionTypePoints) transactionTypePoints: TransactionTypePoints;
  @Nested(() => DegradedHighValueSettings) degradedHighValue: DegradedHighValueSettings;
}

const DEFAULTS: TransactionContextSettings = {
  highValueThreshold: 1000,
  highValuePoints: 5,
  newBeneficiaryPoints: 10,
  transactionTypePoints: { payment: 0, card: 0, transfer: 5, withdrawal: 5 },
  degradedHighValue: { points: 10, minimumOutcome: 'CHALLENGE' },
};

export const transactionContextSettings: RuleSettings<TransactionContextSettings> = {
  path: ['transaction'],
  defaults: DEFAULTS,
  merge: sectionOrDefaults(DEFAULTS),
};

/** Small extra points for what the transaction itself says, and the floor for high value under degraded signals. */
export class TransactionContextRule implements ScoringRule<TransactionContextSettings> {
  readonly name = 'transaction-context';

  evaluate({ event, evidence }: RuleInput, settings: TransactionContextSettings): RuleResult {
    if (event.type !== 'transaction') return NO_FINDINGS;
    const reasons: Reason[] = [];
    const highValue = isHighValue(event, settings.highValueThreshold);
    if (highValue && settings.highValuePoints > 0) {
      reasons.push({
        code: 'HIGH_VALUE_TRANSACTION',
        points: settings.highValuePoints,
        message: `Amount at or above the high-value threshold (${settings.highValueThreshold})`,
      });
    }
    if (event.beneficiaryIsNew === true && settings.newBeneficiaryPoints > 0) {
      reasons.push({ code: 'NEW_BENEFICIARY', points: settings.newBeneficiaryPoints, message: 'Payment to a new beneficiary' });
    }
    const typePoints = event.transactionType ? (settings.transactionTypePoints[event.transactionType] ?? 0) : 0;
    if (typePoints > 0) {
      reasons.push({
        code: `TRANSACTION_TYPE_${event.transactionType!.toUpperCase()}`,
        points: typePoints,
        message: `Transaction type ${event.transactionType}`,
      });
    }
    const degraded = SIGNAL_NAMES.some((s) => isMissing(evidence[s]));
    if (highValue && degraded) {
      const { points, minimumOutcome } = settings.degradedHighValue;
      reasons.push({
        code: 'HIGH_VALUE_DEGRADED',
        points,
        message: `High-value transaction scored without every network signal: at least ${minimumOutcome}`,
      });
      return { reasons, avoidOtpChannels: [], minimumOutcome };
    }
    return { reasons, avoidOtpChannels: [] };
  }
}

/** An amount we cannot read is treated as high value: never let bad input lower the bar. */
export function isHighValue(event: TransactionEvent, threshold: number): boolean {
  const raw = event.amount?.value;
  if (typeof raw !== 'string' || !/^-?\d+(\.\d+)?$/.test(raw.trim())) return true;
  return Number(raw) >= threshold;
}
