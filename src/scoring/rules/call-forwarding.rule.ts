import { OtpChannels, Points, type PolicyOtpChannel } from '../policy-fields.js';
import { sectionOrDefaults, type RuleSettings } from '../rule-settings.js';
import type { RuleInput, RuleResult, ScoringRule } from '../scoring-rule.js';
import { NO_FINDINGS } from '../scoring-rule.js';
import { SignalFailModes } from './signal-availability.rule.js';

/** signals.callForwarding of the policy file: the points of active forwarding, and (inherited) the fail modes. */
export class CallForwardingPolicy extends SignalFailModes {
  @Points() activePoints: number;
  @OtpChannels() avoidOtpChannels: PolicyOtpChannel[];
}

const DEFAULTS: CallForwardingPolicy = {
  activePoints: 45,
  avoidOtpChannels: ['voice'],
  onUnavailable: { points: 15, avoidOtpChannels: ['voice'] },
  onNotFound: { points: 15, avoidOtpChannels: ['voice'] },
};

export const callForwardingSettings: RuleSettings<CallForwardingPolicy> = {
  path: ['signals', 'callForwarding'],
  defaults: DEFAULTS,
  merge: sectionOrDefaults(DEFAULTS),
};

/** Unconditional call forwarding diverts voice OTPs (and calls from the bank) to another number. */
export class CallForwardingRule implements ScoringRule<CallForwardingPolicy> {
  readonly name = 'call-forwarding';

  evaluate({ evidence }: RuleInput, settings: CallForwardingPolicy): RuleResult {
    if (evidence.callForwarding.kind !== 'active') return NO_FINDINGS;
    return {
      reasons: [{ code: 'CALL_FORWARDING_ACTIVE', points: settings.activePoints, message: 'Unconditional call forwarding is active' }],
      avoidOtpChannels: [...settings.avoidOtpChannels],
    };
  }
}
