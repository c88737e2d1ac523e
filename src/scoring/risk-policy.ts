// The policy file as a whole: the policy's own fields (version, OTP channels, thresholds, which checks each
// event type needs) composed with the settings every rule declares in its own file (scoring/rules/). Each rule's
// section is merged over the rule's defaults, then the whole is validated (field decorators, then each rule's
// check) and frozen.
import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { MAX_AGE_RANGE } from '../domain/max-age.js';
import { EVENT_TYPES } from '../domain/risk-event.js';
import { Integer, Nested, OtpChannels, type PolicyOtpChannel, type PolicyProblem } from './policy-fields.js';
import type { AnyRuleSettings } from './rule-settings.js';
import { CallForwardingPolicy, callForwardingSettings } from './rules/call-forwarding.rule.js';
import { CombinationRuleSettings, combinationSettings } from './rules/combination.rule.js';
import { SwapSignalPolicy, swapRecencySettings } from './rules/swap-recency.rule.js';
import { TransactionContextSettings, transactionContextSettings } from './rules/transaction-context.rule.js';
// --- lists and decline-rate guard
import { AllowListSettings, allowListSettings } from './rules/allow-list.rule.js';
import { DeclineRateGuardSettings, declineRateGuardSettings } from './rules/decline-rate-guard.rule.js';
import { DenyListSettings, denyListSettings } from './rules/deny-list.rule.js';
import { WatchListSettings, watchListSettings } from './rules/watch-list.rule.js';

// The settings classes keep their old home as an import path for code written before the rules owned them.
export { POLICY_OTP_CHANNELS, type PolicyOtpChannel, type PolicyProblem } from './policy-fields.js';
export { MissingSignalMode, SignalFailModes } from './rules/signal-availability.rule.js';
export { SwapBand, SwapSignalPolicy } from './rules/swap-recency.rule.js';
export { CallForwardingPolicy } from './rules/call-forwarding.rule.js';
export { CombinationRuleSettings } from './rules/combination.rule.js';
export { DegradedHighValueSettings, TransactionContextSettings, TransactionTypePoints } from './rules/transaction-context.rule.js';

/** Upstream limit of the check endpoints' maxAge (minutes): the window a check may ask about. */
export const MAX_WINDOW_MINUTES = MAX_AGE_RANGE.max;

/** Every rule's settings, in the order their checks report problems. A new rule with settings adds its entry here. */
const RULE_SETTINGS: readonly AnyRuleSettings[] = [
  swapRecencySettings('simSwap'),
  swapRecencySettings('deviceSwap'),
  callForwardingSettings,
  combinationSettings,
  transactionContextSettings,
  denyListSettings,
  watchListSettings,
  allowListSettings,
  declineRateGuardSettings,
];

export class SignalPolicies {
  @Nested(() => SwapSignalPolicy) simSwap: SwapSignalPolicy;
  @Nested(() => SwapSignalPolicy) deviceSwap: SwapSignalPolicy;
  @Nested(() => CallForwardingPolicy) callForwarding: CallForwardingPolicy;
}

export class SwapCheck {
  /** date: retrieve-date (bands apply); window: check with maxAge (yes/no) */
  @IsIn(['date', 'window'], { message: 'must be date or window' }) mode: 'date' | 'window';
  @ValidateIf((o: SwapCheck) => o.mode === 'window' || o.maxAgeMinutes !== undefined)
  @Integer(MAX_AGE_RANGE.min, MAX_WINDOW_MINUTES)
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

/** What a match on each operator list means (docs/policy.md#lists); a section left out takes the rule's defaults. */
export class ListPolicies {
  @Nested(() => DenyListSettings) deny: DenyListSettings;
  @Nested(() => AllowListSettings) allow: AllowListSettings;
  @Nested(() => WatchListSettings) watch: WatchListSettings;
}

/** The validated policy. The rules' sections (signals, combinations, transaction) are the rules' settings classes. */
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
  /** without it in the file, the list rules' defaults (docs/policy.md#lists) */
  @Nested(() => ListPolicies) lists: ListPolicies;
  /** without it in the file, the guard's defaults (docs/policy.md#decline-rate-guard); applied after scoring (src/enforcement) */
  @Nested(() => DeclineRateGuardSettings) declineRateGuard: DeclineRateGuardSettings;
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

/**
 * Every rule's section of the policy JSON merged over that rule's defaults (see each rule's `merge`); the
 * rest as given. Not validated: parsePolicy calls it first, and so may a loader that overrides a rule's field.
 */
export function withRuleDefaults(json: Record<string, unknown>): Record<string, unknown> {
  let merged = json;
  for (const rule of RULE_SETTINGS) merged = setAt(merged, rule.path, rule.merge(getAt(merged, rule.path)));
  return merged;
}

/** Validates untrusted JSON into a RiskPolicy; throws PolicyError listing every invalid path. */
export function parsePolicy(json: unknown): RiskPolicy {
  if (!isRecord(json)) {
    throw new PolicyError([{ path: '', message: 'policy must be a JSON object' }]);
  }
  const policy = plainToInstance(RiskPolicy, withRuleDefaults(json));
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

  for (const rule of RULE_SETTINGS) problems.push(...(rule.check?.(getAt(p, rule.path) as never, rule.path.join('.')) ?? []));

  // Reason codes name what happened in a decision: two places configuring one code would make it ambiguous.
  const codes = new Map<string, string>();
  for (const rule of RULE_SETTINGS) {
    for (const { code, path } of rule.reasonCodes?.(getAt(p, rule.path) as never, rule.path.join('.')) ?? []) {
      const previous = codes.get(code);
      if (previous) problems.push({ path, message: `code ${code} is already used at ${previous}` });
      else codes.set(code, path);
    }
  }

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

function getAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, key) => (isRecord(v) ? v[key] : undefined), value);
}

/** A copy of `json` with `value` at `path`; a parent that is not an object is left as it is (validation reports it). */
function setAt(json: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [key, ...rest] = path;
  if (rest.length === 0) return value === undefined ? json : { ...json, [key]: value };
  const child = json[key] === undefined ? {} : json[key];
  return isRecord(child) ? { ...json, [key]: setAt(child, rest, value) } : json;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
