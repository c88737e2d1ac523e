/**
 * Every signal riskwire asks the mobile network about, declared once. The type half (SignalTypes) gives each
 * signal its value and request shape; the data half (SIGNAL_CATALOGUE) its questions, cache lifetimes, reason
 * codes and contract fields. Everything else follows from these two: SignalName, SignalValue, SignalSet,
 * SignalRequest, the decision's `signals`, the cache policy, the provider dispatch, and the spec that holds the
 * proto and the JSON Schema to the catalogue (src/contract/signal-catalogue.agreement.spec.ts). A new signal
 * starts here and the compiler names the rest (docs/architecture.md, "A new signal").
 */

/** What we learnt about a swap: either the exact date (retrieve-date) or a yes/no within a window (check + maxAge). */
export interface SwapObservation {
  /** ISO timestamp of the latest change, null when the network reports none. Present when retrieve-date was used. */
  latestChange?: string | null;
  /** Answer of the check endpoint for the window below. Present when check was used. */
  swappedWithin?: { swapped: boolean; maxAgeMinutes: number };
  /**
   * With latestChange null: the provider monitors only this many days back and saw no change within them (CAMARA
   * `monitoredPeriod`). "No change known within N days", not "never changed".
   */
  monitoredPeriodDays?: number;
}

export interface CallForwardingObservation {
  active: boolean;
}

/** A swap is asked either for its date or whether it happened within a window (minutes). */
export type SwapRequest = { mode: 'date' } | { mode: 'window'; maxAgeMinutes: number };

/**
 * The type half: one entry per signal. `value` is the answer when OK; `request` what the policy asks for it;
 * `question` the questions (QuestionMode) a provider can be asked for it.
 */
export interface SignalTypes {
  simSwap: { value: SwapObservation; request: SwapRequest; question: 'date' | 'window' };
  deviceSwap: { value: SwapObservation; request: SwapRequest; question: 'date' | 'window' };
  callForwarding: { value: CallForwardingObservation; request: true; question: 'check' };
}

export type SignalName = keyof SignalTypes;

/**
 * The questions a provider can be asked: `date` (retrieve-date), `window` (check with maxAge, minutes) and `check`
 * (a yes/no without a window). Each maps to one SignalProvider method (signals/providers/provider-questions.ts).
 */
export type QuestionMode = 'date' | 'window' | 'check';

export interface SignalDeclaration<N extends SignalName> {
  /** What changed or is checked, in reason messages ("SIM card changed 3 h ago"). */
  readonly label: string;
  /** The check, in availability messages ("The SIM swap check was inconclusive"). */
  readonly checkLabel: string;
  readonly questions: readonly SignalTypes[N]['question'][];
  /** How long an answer stays true enough to reuse: a positive one, a clean one, an unknown subscriber. */
  readonly cacheTtl: { readonly positiveMs: number; readonly cleanMs: number; readonly notFoundMs: number };
  /** Whether an OK answer is the risky one (a swap seen, forwarding active): picks positiveMs over cleanMs. */
  readonly isPositive: (value: SignalTypes[N]['value']) => boolean;
  /**
   * Reason codes the rules raise for this signal whatever the policy; a swap's band codes (SIM_SWAP_LT_24H, ...)
   * are named by the policy file itself. docs/policy.md documents each (a spec checks it).
   */
  readonly reasonCodes: readonly string[];
  /** The fields of the value in the contracts: JSON (decision.v1.schema.json) and proto (riskwire.v1.Signal). */
  readonly contract: { readonly json: readonly (keyof SignalTypes[N]['value'] & string)[]; readonly proto: readonly string[] };
}

const swapSeen = (value: SwapObservation): boolean =>
  value.swappedWithin ? value.swappedWithin.swapped : value.latestChange !== undefined && value.latestChange !== null;

const SWAP_CONTRACT = {
  json: ['latestChange', 'swappedWithin', 'monitoredPeriodDays'],
  proto: ['latest_change', 'swapped', 'max_age_minutes'],
} as const;

/** The data half: a signal missing here is a compile error. */
export const SIGNAL_CATALOGUE: { readonly [N in SignalName]: SignalDeclaration<N> } = {
  simSwap: {
    label: 'SIM card',
    checkLabel: 'SIM swap',
    questions: ['date', 'window'],
    // A swap seen will not un-happen and is what we most want to reuse; a clean answer could change any minute.
    cacheTtl: { positiveMs: 10 * 60_000, cleanMs: 5 * 60_000, notFoundMs: 30 * 60_000 },
    isPositive: swapSeen,
    reasonCodes: ['SIGNAL_UNAVAILABLE_SIM_SWAP', 'SIGNAL_NOT_FOUND_SIM_SWAP'],
    contract: SWAP_CONTRACT,
  },
  deviceSwap: {
    label: 'device',
    checkLabel: 'device swap',
    questions: ['date', 'window'],
    cacheTtl: { positiveMs: 10 * 60_000, cleanMs: 5 * 60_000, notFoundMs: 30 * 60_000 },
    isPositive: swapSeen,
    reasonCodes: ['SIGNAL_UNAVAILABLE_DEVICE_SWAP', 'SIGNAL_NOT_FOUND_DEVICE_SWAP'],
    contract: SWAP_CONTRACT,
  },
  callForwarding: {
    label: 'call forwarding',
    checkLabel: 'call forwarding',
    questions: ['check'],
    // Forwarding can be switched on by the fraudster at any moment: at most a minute either way.
    cacheTtl: { positiveMs: 60_000, cleanMs: 60_000, notFoundMs: 30 * 60_000 },
    isPositive: (value) => value.active,
    reasonCodes: ['CALL_FORWARDING_ACTIVE', 'SIGNAL_UNAVAILABLE_CALL_FORWARDING', 'SIGNAL_NOT_FOUND_CALL_FORWARDING'],
    contract: { json: ['active'], proto: ['active'] },
  },
};

/** In the catalogue's order, which is also the order of `signals` in a decision. */
export const SIGNAL_NAMES: readonly SignalName[] = Object.keys(SIGNAL_CATALOGUE) as SignalName[];
