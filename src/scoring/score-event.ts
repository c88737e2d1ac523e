import type { Assessment, Outcome, Reason } from '../domain/decision.js';
import type { OtpChannel, RiskEvent } from '../domain/risk-event.js';
import { NO_LIST_MATCHES, type ListMatches } from '../domain/list-match.js';
import { SIGNAL_NAMES, type SignalSet } from '../domain/signal-result.js';
import { maxOutcome, outcomeForScore } from './outcome.js';
import type { RiskPolicy } from './risk-policy.js';
import { CallForwardingRule } from './rules/call-forwarding.rule.js';
import { AllowListRule } from './rules/allow-list.rule.js';
import { CombinationRule } from './rules/combination.rule.js';
import { DenyListRule } from './rules/deny-list.rule.js';
import { MonitoredPeriodRule } from './rules/monitored-period.rule.js';
import { SignalAvailabilityRule } from './rules/signal-availability.rule.js';
import { SwapRecencyRule } from './rules/swap-recency.rule.js';
import { TransactionContextRule } from './rules/transaction-context.rule.js';
import { WatchListRule } from './rules/watch-list.rule.js';
import type { RuleInput, RuleResult } from './scoring-rule.js';
import { gatherEvidence, isMissing } from './signal-evidence.js';
import { signalsNeeded } from './signals-needed.js';

const simSwapRecency = new SwapRecencyRule('simSwap');
const deviceSwapRecency = new SwapRecencyRule('deviceSwap');
const simSwapMonitoredPeriod = new MonitoredPeriodRule('simSwap');
const deviceSwapMonitoredPeriod = new MonitoredPeriodRule('deviceSwap');
const callForwarding = new CallForwardingRule();
const signalAvailability = new SignalAvailabilityRule();
const transactionContext = new TransactionContextRule();
const combination = new CombinationRule();
const denyList = new DenyListRule();
const watchList = new WatchListRule();
const allowList = new AllowListRule();

// A new rule is one file in rules/ (the rule, its settings class, defaults and merge: see rule-settings.ts),
// then one entry in risk-policy.ts (RULE_SETTINGS, and its section in RiskPolicy) and one line below.

/**
 * The whole scoring decision as a pure function of its inputs: no clock, no I/O, so any decision can be
 * replayed from the recorded event, signals, list matches, policy and `now`. The order of the rules fixes the
 * order of reasons. `lists` (looked up before scoring, src/lists) comes last so every existing caller keeps its meaning.
 */
export function scoreEvent(
  event: RiskEvent,
  signals: SignalSet,
  policy: RiskPolicy,
  now: Date,
  lists: ListMatches = NO_LIST_MATCHES,
): Assessment {
  if (Number.isNaN(now.getTime())) throw new RangeError('scoreEvent: now must be a valid date');
  const evidence = gatherEvidence(signals, signalsNeeded(event, policy), policy, now);
  const input: RuleInput = { event, evidence, lists };
  const results: RuleResult[] = [
    simSwapRecency.evaluate(input, policy.signals.simSwap),
    deviceSwapRecency.evaluate(input, policy.signals.deviceSwap),
    simSwapMonitoredPeriod.evaluate(input, policy.signals.simSwap),
    deviceSwapMonitoredPeriod.evaluate(input, policy.signals.deviceSwap),
    callForwarding.evaluate(input, policy.signals.callForwarding),
    signalAvailability.evaluate(input, policy.signals),
    transactionContext.evaluate(input, policy.transaction),
    combination.evaluate(input, policy.combinations),
    denyList.evaluate(input, policy.lists.deny),
    watchList.evaluate(input, policy.lists.watch),
  ];
  // The allow list takes back soft points the rules above gave, so it reads their findings.
  results.push(allowList.evaluate({ ...input, findings: results.flatMap((r) => r.reasons) }, policy.lists.allow));

  const reasons: Reason[] = results.flatMap((r) => r.reasons);
  const total = reasons.reduce((sum, r) => sum + r.points, 0);
  const score = Math.min(100, Math.max(0, Math.round(total)));
  const avoid = new Set<OtpChannel>(results.flatMap((r) => r.avoidOtpChannels));
  const avoidOtpChannels = [...avoid].sort();

  let outcome: Outcome = outcomeForScore(score, policy.thresholds);
  for (const r of results) if (r.minimumOutcome) outcome = maxOutcome(outcome, r.minimumOutcome);
  // A challenge nobody can answer safely is no challenge: hand it to a human instead.
  if (outcome === 'CHALLENGE' && policy.otpChannels.every((c) => avoid.has(c))) {
    outcome = 'REVIEW';
    reasons.push({
      code: 'NO_SAFE_OTP_CHANNEL',
      points: 0,
      message: 'Every OTP channel is to be avoided; escalated from CHALLENGE to REVIEW',
    });
  }

  return {
    score,
    outcome,
    reasons,
    avoidOtpChannels,
    degraded: SIGNAL_NAMES.some((s) => isMissing(evidence[s])),
    policyVersion: policy.version,
  };
}
