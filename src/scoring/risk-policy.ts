import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { EVENT_TYPES, type EventType } from '../domain/risk-event.js';
import { SIGNAL_NAMES, type SignalName } from '../domain/signal-result.js';
import { OUTCOMES, type Outcome } from '../domain/decision.js';
// --- lists and decline-rate guard: each rule owns its settings and defaults
import { AllowListSettings } from './rules/allow-list.rule.js';
import { DeclineRateGuardSettings } from './rules/decline-rate-guard.rule.js';
import { DenyListSettings } from './rules/deny-list.rule.js';
import { WatchListSettings } from './rules/watch-list.rule.js';

/** The OTP channels a policy may steer away from ('none' is not a channel one can avoid). */
export type PolicyOtpChannel = 'sms' | 'voice' | 'app';
export const POLICY_OTP_CHANNELS: readonly PolicyOtpChannel[] = ['sms', 'voice', 'app'];
/** Upstream limit of the check endpoints' maxAge (minutes). */
export const MAX_WINDOW_MINUTES = 2400;
const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;
const ONE_YEAR_MINUTES = 525_600;

// Helpers keep the validation messages short and path-oriented ("thresholds.deny: must be <= 100").
type FieldDecorator = (target: object, key: string) => void;
const all =
  (...decorators: FieldDecorator[]): FieldDecorator =>
  (target, key) => {
    for (const d of decorators) d(target, key);
  };
const Integer = (min: number, max: number): FieldDecorator =>
  all(IsInt({ message: 'must be an integer' }), Min(min, { message: `must be >= ${min}` }), Max(max, { message: `must be <= ${max}` }));
const Points = () => Integer(0, 100);
const Code = () => all(IsString({ message: 'must be a string' }), Matches(UPPER_SNAKE, { message: 'must be an UPPER_SNAKE code' }));
const Nested = (cls: () => new () => object): FieldDecorator =>
  all(
    IsDefined({ message: 'is required' }),
    IsObject({ message: 'must be an object' }),
    ValidateNested() as FieldDecorator,
    Type(cls) as FieldDecorator,
  );
const OtpChannels = () =>
  all(
    IsArray({ message: 'must be an array' }),
    IsIn(POLICY_OTP_CHANNELS as PolicyOtpChannel[], { each: true, message: `entries must be one of ${POLICY_OTP_CHANNELS.join(', ')}` }),
    ArrayUnique({ message: 'entries must be unique' }),
  );

export class MissingSignalMode {
  @Points() points: number;
  @OtpChannels() avoidOtpChannels: PolicyOtpChannel[];
}

export class SwapBand {
  @Code() code: string;
  /** a swap younger than this (minutes) falls in the band */
  @Integer(1, ONE_YEAR_MINUTES) withinMinutes: number;
  @Points() points: number;
  @IsString({ message: 'must be a string' }) @MinLength(1, { message: 'must not be empty' }) label: string;
}

export class SwapSignalPolicy {
  /** most recent first; the last band's withinMinutes is the lookback */
  @IsArray({ message: 'must be an array' })
  @ArrayMinSize(1, { message: 'must contain at least one band' })
  @ValidateNested()
  @Type(() => SwapBand)
  bands: SwapBand[];
  @OtpChannels() avoidOtpChannels: PolicyOtpChannel[];
  @Nested(() => MissingSignalMode) onUnavailable: MissingSignalMode;
  @Nested(() => MissingSignalMode) onNotFound: MissingSignalMode;
}

export class CallForwardingPolicy {
  @Points() activePoints: number;
  @OtpChannels() avoidOtpChannels: PolicyOtpChannel[];
  @Nested(() => MissingSignalMode) onUnavailable: MissingSignalMode;
  @Nested(() => MissingSignalMode) onNotFound: MissingSignalMode;
}

export class SignalPolicies {
  @Nested(() => SwapSignalPolicy) simSwap: SwapSignalPolicy;
  @Nested(() => SwapSignalPolicy) deviceSwap: SwapSignalPolicy;
  @Nested(() => CallForwardingPolicy) callForwarding: CallForwardingPolicy;
}

export class SwapCheck {
  /** date: retrieve-date (bands apply); window: check with maxAge (yes/no) */
  @IsIn(['date', 'window'], { message: 'must be date or window' }) mode: 'date' | 'window';
  @ValidateIf((o: SwapCheck) => o.mode === 'window' || o.maxAgeMinutes !== undefined)
  @Integer(1, MAX_WINDOW_MINUTES)
  maxAgeMinutes?: number;
}

export class EventTypeChecks {
  @IsOptional() @IsObject({ message: 'must be an object' }) @ValidateNested() @Type(() => SwapCheck) simSwap?: SwapCheck;
  @IsOptional() @IsObject({ message: 'must be an object' }) @ValidateNested() @Type(() => SwapCheck) deviceSwap?: SwapCheck;
  @IsBoolean({ message: 'must be true or false' }) callForwarding: boolean;
}

export class ChecksByEventType {
  @Nested(() => EventTypeChecks) login: EventTypeChecks;
  @Nested(() => EventTypeChecks) transaction: EventTypeChecks;
}

export class Thresholds {
  /** score >= challenge → CHALLENGE, >= review → REVIEW, >= deny → DENY */
  @Integer(1, 100) challenge: number;
  @Integer(1, 100) review: number;
  @Integer(1, 100) deny: number;
}

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

export class TransactionContextSettings {
  /** in the transaction's own currency units */
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number' })
  @Min(0, { message: 'must be >= 0' })
  highValueThreshold: number;
  @Points() highValuePoints: number;
  @Points() newBeneficiaryPoints: number;
  @Nested(() => TransactionTypePoints) transactionTypePoints: TransactionTypePoints;
  @Nested(() => DegradedHighValueSettings) degradedHighValue: DegradedHighValueSettings;
}

/** What a match on each operator list means; a missing entry takes the rule's defaults. */
export class ListPolicies {
  @IsOptional() @IsObject({ message: 'must be an object' }) @ValidateNested() @Type(() => DenyListSettings) deny?: DenyListSettings;
  @IsOptional() @IsObject({ message: 'must be an object' }) @ValidateNested() @Type(() => AllowListSettings) allow?: AllowListSettings;
  @IsOptional() @IsObject({ message: 'must be an object' }) @ValidateNested() @Type(() => WatchListSettings) watch?: WatchListSettings;
}

export class RiskPolicy {
  @IsString({ message: 'must be a string' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, { message: 'must be a version string such as 2026-11-21.1' })
  @MaxLength(64, { message: 'must be at most 64 characters' })
  version: string;
  @IsOptional() @IsString({ message: 'must be a string' }) description?: string;
  /** every channel the business can send an OTP over; CHALLENGE with all of them avoided becomes REVIEW */
  @OtpChannels() @ArrayMinSize(1, { message: 'must contain at least one channel' }) otpChannels: PolicyOtpChannel[];
  @Nested(() => Thresholds) thresholds: Thresholds;
  @Nested(() => SignalPolicies) signals: SignalPolicies;
  @Nested(() => ChecksByEventType) checks: ChecksByEventType;
  @IsArray({ message: 'must be an array' }) @ValidateNested() @Type(() => CombinationRuleSettings) combinations: CombinationRuleSettings[];
  @Nested(() => TransactionContextSettings) transaction: TransactionContextSettings;
  /** optional: without it the list rules use their defaults (docs/policy.md#lists) */
  @IsOptional() @IsObject({ message: 'must be an object' }) @ValidateNested() @Type(() => ListPolicies) lists?: ListPolicies;
  /** optional: without it the guard runs with its defaults (docs/policy.md#decline-rate-guard) */
  @IsOptional()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => DeclineRateGuardSettings)
  declineRateGuard?: DeclineRateGuardSettings;
}

export interface PolicyProblem {
  path: string;
  message: string;
}

export class PolicyError extends Error {
  constructor(
    readonly problems: PolicyProblem[],
    readonly file?: string,
  ) {
    super(
      `Invalid risk policy${file ? ` in ${file}` : ''}: ` +
        problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '),
    );
    this.name = 'PolicyError';
  }
}

/** Validates untrusted JSON into a RiskPolicy; throws PolicyError listing every invalid path. */
export function parsePolicy(json: unknown): RiskPolicy {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new PolicyError([{ path: '', message: 'policy must be a JSON object' }]);
  }
  const policy = plainToInstance(RiskPolicy, json);
  const structural = flatten(validateSync(policy, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }));
  // Semantic checks assume the structure is sound; report structure first.
  const problems = structural.length > 0 ? structural : semanticProblems(policy);
  if (problems.length > 0) throw new PolicyError(problems);
  return deepFreeze(policy);
}

function semanticProblems(p: RiskPolicy): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const t = p.thresholds;
  if (!(t.challenge < t.review)) problems.push({ path: 'thresholds.review', message: 'must be greater than thresholds.challenge' });
  if (!(t.review < t.deny)) problems.push({ path: 'thresholds.deny', message: 'must be greater than thresholds.review' });

  const codes = new Map<string, string>();
  const claim = (code: string, path: string) => {
    const previous = codes.get(code);
    if (previous) problems.push({ path, message: `code ${code} is already used at ${previous}` });
    else codes.set(code, path);
  };
  for (const signal of ['simSwap', 'deviceSwap'] as const) {
    const bands = p.signals[signal].bands;
    bands.forEach((band, i) => {
      const path = `signals.${signal}.bands[${i}]`;
      claim(band.code, `${path}.code`);
      if (i === 0) return;
      if (band.withinMinutes <= bands[i - 1].withinMinutes) {
        problems.push({ path: `${path}.withinMinutes`, message: 'bands must be in ascending withinMinutes order' });
      }
      // An older swap scoring more than a newer one would break monotonicity.
      if (band.points > bands[i - 1].points) {
        problems.push({ path: `${path}.points`, message: 'must be <= the points of the more recent band before it' });
      }
    });
  }
  p.combinations.forEach((c, i) => claim(c.code, `combinations[${i}].code`));

  for (const type of EVENT_TYPES) {
    for (const signal of ['simSwap', 'deviceSwap'] as const) {
      const check = p.checks[type][signal];
      if (check?.mode === 'date' && check.maxAgeMinutes !== undefined) {
        problems.push({ path: `checks.${type}.${signal}.maxAgeMinutes`, message: 'only allowed with mode window' });
      }
    }
  }
  return problems;
}

function flatten(errors: ValidationError[], prefix = ''): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  for (const e of errors) {
    const path = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    for (const [constraint, message] of Object.entries(e.constraints ?? {})) {
      out.push({ path, message: constraint === 'whitelistValidation' ? 'is not a known policy field' : message });
    }
    out.push(...flatten(e.children ?? [], path));
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
