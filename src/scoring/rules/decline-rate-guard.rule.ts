import { IsBoolean, IsInt, IsNumber, Max, Min } from 'class-validator';
import type { Assessment } from '../../domain/decision.js';
import { fieldsOverDefaults, type RuleSettings } from '../rule-settings.js';

/** The policy's `declineRateGuard` (a field the file leaves out keeps its default, below). */
export class DeclineRateGuardSettings {
  @IsBoolean({ message: 'must be true or false' }) enabled: boolean;
  /** the sliding window the DENY share is measured over */
  @IsInt({ message: 'must be an integer' })
  @Min(10, { message: 'must be >= 10' })
  @Max(86400, { message: 'must be <= 86400' })
  windowSeconds: number;
  /** the guard is active while the share of DENY in the window is above this (0 < share < 1) */
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number' })
  @Min(0.001, { message: 'must be >= 0.001' })
  @Max(0.999, { message: 'must be <= 0.999' })
  maxDenyShare: number;
  /** fewer decisions than this in the window never activate it: one DENY out of two is no trend */
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be >= 1' })
  @Max(1_000_000, { message: 'must be <= 1000000' })
  minDecisions: number;
}

/**
 * A typical DENY share is a few per cent (the demo's mix: about 8 %); above 20 % over five minutes, with at
 * least 100 decisions, a threshold or a signal has most likely gone wrong and people should look first.
 */
export const DECLINE_RATE_GUARD_DEFAULTS: DeclineRateGuardSettings = Object.freeze({
  enabled: true,
  windowSeconds: 300,
  maxDenyShare: 0.2,
  minDecisions: 100,
});

export const declineRateGuardSettings: RuleSettings<DeclineRateGuardSettings> = {
  path: ['declineRateGuard'],
  defaults: DECLINE_RATE_GUARD_DEFAULTS,
  merge: fieldsOverDefaults(DECLINE_RATE_GUARD_DEFAULTS),
};

/** What the window saw: decisions and, of them, the policy's own DENYs (before this guard and the mode). */
export interface DenyShare {
  decisions: number;
  denies: number;
}

export function guardActive(window: DenyShare, settings: DeclineRateGuardSettings): boolean {
  return settings.enabled && window.decisions >= settings.minDecisions && window.denies / window.decisions > settings.maxDenyShare;
}

/**
 * While the guard is active a DENY becomes REVIEW (reason DECLINE_RATE_GUARD, 0 points): a person decides
 * instead of a policy that may be declining good customers by the thousand. Everything else passes unchanged.
 */
export function applyDeclineRateGuard(assessment: Assessment, window: DenyShare, settings: DeclineRateGuardSettings): Assessment {
  if (assessment.outcome !== 'DENY' || !guardActive(window, settings)) return assessment;
  const share = Math.round((window.denies / window.decisions) * 1000) / 10;
  return {
    ...assessment,
    outcome: 'REVIEW',
    reasons: [
      ...assessment.reasons,
      {
        code: 'DECLINE_RATE_GUARD',
        points: 0,
        message: `DENY share ${share} % over the last ${settings.windowSeconds} s is above ${settings.maxDenyShare * 100} %: DENY held for REVIEW`,
      },
    ],
  };
}
