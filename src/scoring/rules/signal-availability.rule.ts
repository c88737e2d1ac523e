import type { OtpChannel } from '../../domain/risk-event.js';
import type { Reason } from '../../domain/decision.js';
import { SIGNAL_NAMES, type SignalName } from '../../domain/signal-result.js';
import { Nested, OtpChannels, Points, type PolicyOtpChannel } from '../policy-fields.js';
import type { RuleInput, RuleResult, ScoringRule } from '../scoring-rule.js';
import { CHECK_LABELS, signalCode } from '../scoring-rule.js';

/** How a needed check without a usable answer is scored. */
export class MissingSignalMode {
  @Points() points: number;
  @OtpChannels() avoidOtpChannels: PolicyOtpChannel[];
}

/**
 * This rule's settings for one signal. They sit in that signal's own section of the policy file
 * (signals.<signal>.onUnavailable / onNotFound), so each signal rule's settings class extends this one and
 * its defaults carry them.
 */
export class SignalFailModes {
  @Nested(() => MissingSignalMode) onUnavailable: MissingSignalMode;
  @Nested(() => MissingSignalMode) onNotFound: MissingSignalMode;
}

export type SignalAvailabilitySettings = Readonly<Record<SignalName, SignalFailModes>>;

/**
 * A needed check that gave no usable answer is scored by the policy's fail mode for that signal and
 * status, so a missing answer can never look cleaner than a clean one.
 */
export class SignalAvailabilityRule implements ScoringRule<SignalAvailabilitySettings> {
  readonly name = 'signal-availability';

  evaluate({ evidence }: RuleInput, settings: SignalAvailabilitySettings): RuleResult {
    const reasons: Reason[] = [];
    const avoidOtpChannels: OtpChannel[] = [];
    for (const signal of SIGNAL_NAMES) {
      const e = evidence[signal];
      if (e.kind !== 'missing') continue;
      // Not applicable is, like not found, an answer about this subscriber that tells nothing: scored the same way.
      const mode = e.status === 'UNAVAILABLE' ? settings[signal].onUnavailable : settings[signal].onNotFound;
      const why =
        e.status === 'NOT_FOUND'
          ? 'subscriber not found'
          : e.status === 'NOT_APPLICABLE'
            ? 'the network does not offer this check for the subscriber'
            : `unavailable${e.reason ? ` (${e.reason})` : ''}`;
      reasons.push({
        code: `SIGNAL_${e.status}_${signalCode(signal)}`,
        points: mode.points,
        message: `The ${CHECK_LABELS[signal]} check was inconclusive: ${why}`,
      });
      avoidOtpChannels.push(...mode.avoidOtpChannels);
    }
    return { reasons, avoidOtpChannels };
  }
}
