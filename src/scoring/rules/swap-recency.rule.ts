import type { RuleInput, RuleResult, ScoringRule } from '../scoring-rule.js';
import { NO_FINDINGS, SIGNAL_LABELS } from '../scoring-rule.js';
import type { SwapSignalPolicy } from '../risk-policy.js';

/**
 * Scores a SIM or device swap by how recent it is: the band the swap's age falls in gives the points.
 * Used twice (simSwap, deviceSwap): same logic, different bands.
 */
export class SwapRecencyRule implements ScoringRule<SwapSignalPolicy> {
  readonly name: string;

  constructor(private readonly signal: 'simSwap' | 'deviceSwap') {
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
