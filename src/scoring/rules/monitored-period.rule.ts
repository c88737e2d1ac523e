import type { RuleInput, RuleResult, ScoringRule } from '../scoring-rule.js';
import { NO_FINDINGS, SIGNAL_LABELS, signalCode } from '../scoring-rule.js';
import type { SwapSignalPolicy } from '../risk-policy.js';
import { formatAge } from './swap-recency.rule.js';

const DAY_MINUTES = 1440;

/**
 * Scores "no change known within the N days the network monitors" (CAMARA: a null date with monitoredPeriod).
 * The bands the monitored period covers are ruled out; the most recent band it does not cover cannot be, so it
 * scores as that band (a shorter memory must never look cleaner than a real answer). A period covering the whole
 * lookback is clean, with a zero-point reason saying why.
 */
export class MonitoredPeriodRule implements ScoringRule<SwapSignalPolicy> {
  readonly name: string;

  constructor(private readonly signal: 'simSwap' | 'deviceSwap') {
    this.name = `${signal}-monitored-period`;
  }

  evaluate({ evidence }: RuleInput, settings: SwapSignalPolicy): RuleResult {
    const e = evidence[this.signal];
    if (e.kind !== 'unchanged_within') return NO_FINDINGS;
    const what = SIGNAL_LABELS[this.signal];
    const monitoredMinutes = e.days * DAY_MINUTES;
    const uncovered = settings.bands.find((band) => band.withinMinutes > monitoredMinutes);
    const prefix = signalCode(this.signal);
    if (uncovered === undefined) {
      return {
        reasons: [
          {
            code: `${prefix}_NONE_WITHIN_MONITORED_PERIOD`,
            points: 0,
            message: `No ${what} change within the last ${formatAge(monitoredMinutes)}, as far as the network can tell`,
          },
        ],
        avoidOtpChannels: [],
      };
    }
    return {
      reasons: [
        {
          code: `${prefix}_UNKNOWN_BEYOND_MONITORED_PERIOD`,
          points: uncovered.points,
          message:
            `No ${what} change within the last ${formatAge(monitoredMinutes)}, as far as the network can tell; an older one up to ` +
            `${formatAge(uncovered.withinMinutes)} ago cannot be ruled out (scored as ${uncovered.label})`,
        },
      ],
      avoidOtpChannels: [...settings.avoidOtpChannels],
    };
  }
}
