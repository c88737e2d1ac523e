import type { RuleInput, RuleResult, ScoringRule } from '../scoring-rule.js';
import { NO_FINDINGS } from '../scoring-rule.js';
import type { CallForwardingPolicy } from '../risk-policy.js';

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
