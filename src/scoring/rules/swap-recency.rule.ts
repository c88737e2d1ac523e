import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsString, MinLength, ValidateNested } from 'class-validator';
import { Code, Integer, ONE_YEAR_MINUTES, OtpChannels, Points, type PolicyOtpChannel, type PolicyProblem } from '../policy-fields.js';
import { sectionOrDefaults, type RuleSettings } from '../rule-settings.js';
import type { RuleInput, RuleResult, ScoringRule } from '../scoring-rule.js';
import { NO_FINDINGS, SIGNAL_LABELS } from '../scoring-rule.js';
import { SignalFailModes } from './signal-availability.rule.js';

export class SwapBand {
  @Code() code: string;
  /** a swap younger than this (minutes) falls in the band */
  @Integer(1, ONE_YEAR_MINUTES) withinMinutes: number;
  @Points() points: number;
  @IsString({ message: 'must be a string' }) @MinLength(1, { message: 'must not be empty' }) label: string;
}

/** signals.simSwap and signals.deviceSwap of the policy file: the bands, and (inherited) the fail modes. */
export class SwapSignalPolicy extends SignalFailModes {
  /** most recent first; the last band's withinMinutes is the lookback */
  @IsArray({ message: 'must be an array' })
  @ArrayMinSize(1, { message: 'must contain at least one band' })
  @ValidateNested()
  @Type(() => SwapBand)
  bands: SwapBand[];
  @OtpChannels() avoidOtpChannels: PolicyOtpChannel[];
}

type SwapSignal = 'simSwap' | 'deviceSwap';
const DAY = 1440;

const DEFAULTS: Record<SwapSignal, SwapSignalPolicy> = {
  simSwap: {
    bands: [
      { code: 'SIM_SWAP_LT_24H', withinMinutes: DAY, points: 60, label: 'less than 24 hours' },
      { code: 'SIM_SWAP_LT_7D', withinMinutes: 7 * DAY, points: 35, label: 'less than 7 days' },
      { code: 'SIM_SWAP_LT_30D', withinMinutes: 30 * DAY, points: 15, label: 'less than 30 days' },
    ],
    avoidOtpChannels: ['sms'],
    onUnavailable: { points: 25, avoidOtpChannels: ['sms'] },
    onNotFound: { points: 30, avoidOtpChannels: ['sms'] },
  },
  deviceSwap: {
    bands: [
      { code: 'DEVICE_SWAP_LT_24H', withinMinutes: DAY, points: 30, label: 'less than 24 hours' },
      { code: 'DEVICE_SWAP_LT_7D', withinMinutes: 7 * DAY, points: 15, label: 'less than 7 days' },
      { code: 'DEVICE_SWAP_LT_30D', withinMinutes: 30 * DAY, points: 5, label: 'less than 30 days' },
    ],
    avoidOtpChannels: [],
    onUnavailable: { points: 5, avoidOtpChannels: [] },
    onNotFound: { points: 5, avoidOtpChannels: [] },
  },
};

/** The settings of one swap signal's recency rule: signals.<signal> of the policy file. */
export function swapRecencySettings(signal: SwapSignal): RuleSettings<SwapSignalPolicy> {
  return {
    path: ['signals', signal],
    defaults: DEFAULTS[signal],
    merge: sectionOrDefaults(DEFAULTS[signal]),
    check: (settings, path) => {
      const problems: PolicyProblem[] = [];
      settings.bands.forEach((band, i) => {
        if (i === 0) return;
        const previous = settings.bands[i - 1];
        if (band.withinMinutes <= previous.withinMinutes) {
          problems.push({ path: `${path}.bands[${i}].withinMinutes`, message: 'bands must be in ascending withinMinutes order' });
        }
        // An older swap scoring more than a newer one would break monotonicity.
        if (band.points > previous.points) {
          problems.push({ path: `${path}.bands[${i}].points`, message: 'must be <= the points of the more recent band before it' });
        }
      });
      return problems;
    },
    reasonCodes: (settings, path) => settings.bands.map((band, i) => ({ code: band.code, path: `${path}.bands[${i}].code` })),
  };
}

/**
 * Scores a SIM or device swap by how recent it is: the band the swap's age falls in gives the points.
 * Used twice (simSwap, deviceSwap): same logic, different bands.
 */
export class SwapRecencyRule implements ScoringRule<SwapSignalPolicy> {
  readonly name: string;

  constructor(private readonly signal: SwapSignal) {
    this.name = `${signal}-recency`;
  }

  evaluate({ evidence }: RuleInput, settings: SwapSignalPolicy): RuleResult {
    const e = evidence[this.signal];
    if (e.kind !== 'swap') return NO_FINDINGS;
    const what = SIGNAL_LABELS[this.signal];
    const message =
      e.ageMinutes !== undefined
        ? `${capitalise(what)} changed ${formatAge(e.ageMinutes)} ago (${e.band.label})`
        : `${capitalise(what)} changed within the last ${e.windowMinutes} minutes (scored as ${e.band.label})`;
    return {
      reasons: [{ code: e.band.code, points: e.band.points, message }],
      avoidOtpChannels: [...settings.avoidOtpChannels],
    };
  }
}

export function formatAge(minutes: number): string {
  if (minutes < 60) return `${Math.floor(minutes)} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h`;
  return `${Math.floor(minutes / 1440)} d`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
