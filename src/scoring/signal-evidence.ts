import type { SignalName, SignalRequest, SignalResult, SignalSet, SwapObservation } from '../domain/signal-result.js';

/** A swap band as evidence needs it (the swap rules' settings own the validated class, rules/swap-recency.rule.ts). */
export interface SwapBand {
  code: string;
  withinMinutes: number;
  points: number;
  label: string;
}

export type MissingEvidence = { kind: 'missing'; status: 'UNAVAILABLE' | 'NOT_FOUND' | 'NOT_APPLICABLE'; reason?: string };
export type CleanEvidence = { kind: 'clean' };
export type NotNeededEvidence = { kind: 'not_needed' };

/**
 * The network saw no change within the days it can tell (a null date with a monitoredPeriod, or "not swapped" within a
 * window the operator capped below the one asked): not "never", since an older change is beyond what it discloses.
 */
export type UnchangedWithinEvidence = { kind: 'unchanged_within'; days: number };

/** A swap observed within the lookback. A window answer carries no age: it is placed in the most recent band (conservative). */
export type SwapEvidence =
  | { kind: 'swap'; bandIndex: number; band: SwapBand; ageMinutes?: number; windowMinutes?: number }
  | UnchangedWithinEvidence
  | CleanEvidence
  | MissingEvidence
  | NotNeededEvidence;

export type CallForwardingEvidence = { kind: 'active' } | CleanEvidence | MissingEvidence | NotNeededEvidence;

/** What each signal of the catalogue (domain/signal-catalogue.ts) becomes for the rules; a new signal needs its entry. */
export interface EvidenceKinds {
  simSwap: SwapEvidence;
  deviceSwap: SwapEvidence;
  callForwarding: CallForwardingEvidence;
}

/** The signal results normalised into what the rules reason about. */
export type Evidence = { [N in SignalName]: EvidenceKinds[N] };

const MINUTE_MS = 60_000;

/** The part of the policy evidence needs: each swap signal's bands (a RiskPolicy is one). */
export interface EvidencePolicy {
  signals: Record<'simSwap' | 'deviceSwap', { bands: SwapBand[] }>;
}

export function gatherEvidence(signals: SignalSet, needed: SignalRequest, policy: EvidencePolicy, now: Date): Evidence {
  return {
    simSwap: swapEvidence(signals.simSwap, needed.simSwap, policy.signals.simSwap.bands, now),
    deviceSwap: swapEvidence(signals.deviceSwap, needed.deviceSwap, policy.signals.deviceSwap.bands, now),
    callForwarding: callForwardingEvidence(signals.callForwarding, needed.callForwarding === true),
  };
}

export function isMissing(e: { kind: string }): e is MissingEvidence {
  return e.kind === 'missing';
}

/** True when a swap counts for a combination: within the lookback and, if given, younger than withinMinutes. */
export function isPositive(name: SignalName, evidence: Evidence, withinMinutes?: number): boolean {
  const e = evidence[name];
  if (e.kind === 'active') return true;
  if (e.kind !== 'swap') return false;
  // A window answer cannot rule out a very recent swap, so it always counts.
  return withinMinutes === undefined || e.ageMinutes === undefined || e.ageMinutes < withinMinutes;
}

function unusable(result: SignalResult, needed: boolean): MissingEvidence | NotNeededEvidence | undefined {
  switch (result.status) {
    case 'OK':
      return undefined;
    case 'SKIPPED':
      // A check the policy requires must not silently vanish: treat it as unavailable.
      return needed ? { kind: 'missing', status: 'UNAVAILABLE', reason: 'skipped' } : { kind: 'not_needed' };
    case 'NOT_FOUND':
    case 'NOT_APPLICABLE':
      return needed ? { kind: 'missing', status: result.status } : { kind: 'not_needed' };
    case 'UNAVAILABLE':
      return needed ? { kind: 'missing', status: 'UNAVAILABLE', reason: result.reason } : { kind: 'not_needed' };
  }
}

function swapEvidence(
  result: SignalResult<'simSwap' | 'deviceSwap'>,
  wanted: SignalRequest['simSwap'],
  bands: SwapBand[],
  now: Date,
): SwapEvidence {
  if (result.status !== 'OK') return unusable(result, wanted !== undefined) as MissingEvidence | NotNeededEvidence;
  const value: SwapObservation = result.value ?? {};
  const fromDate = dateEvidence(value, bands, now);
  const fromWindow = windowEvidence(value, bands, wanted?.mode === 'window' ? wanted.maxAgeMinutes : undefined);
  const candidates = [fromDate, fromWindow].filter((e): e is SwapEvidence => e !== undefined);
  if (candidates.length === 0 || candidates.some((c) => c.kind === 'missing')) {
    // An OK answer we cannot read (no field, unparsable date) is no evidence of safety.
    return { kind: 'missing', status: 'UNAVAILABLE', reason: 'invalid_response' };
  }
  // With both a date and a window answer, trust whichever is more severe.
  const swaps = candidates.filter((c): c is Extract<SwapEvidence, { kind: 'swap' }> => c.kind === 'swap');
  if (swaps.length === 0) return candidates.find((c) => c.kind === 'unchanged_within') ?? { kind: 'clean' };
  return swaps.reduce((a, b) => (b.bandIndex < a.bandIndex ? b : a));
}

function dateEvidence(value: SwapObservation, bands: SwapBand[], now: Date): SwapEvidence | undefined {
  if (value.latestChange === undefined) return undefined;
  if (value.latestChange === null) {
    const days = value.monitoredPeriodDays;
    if (days === undefined) return { kind: 'clean' };
    if (!Number.isInteger(days) || days < 0) return { kind: 'missing', status: 'UNAVAILABLE', reason: 'invalid_response' };
    return { kind: 'unchanged_within', days };
  }
  const changedAt = Date.parse(value.latestChange);
  if (Number.isNaN(changedAt)) return { kind: 'missing', status: 'UNAVAILABLE', reason: 'invalid_response' };
  // A date in the future (clock skew) counts as "just now".
  const ageMinutes = Math.max(0, now.getTime() - changedAt) / MINUTE_MS;
  const bandIndex = bands.findIndex((b) => ageMinutes < b.withinMinutes);
  return bandIndex < 0 ? { kind: 'clean' } : { kind: 'swap', bandIndex, band: bands[bandIndex], ageMinutes };
}

function windowEvidence(value: SwapObservation, bands: SwapBand[], askedMinutes: number | undefined): SwapEvidence | undefined {
  const w = value.swappedWithin;
  if (w === undefined) return undefined;
  if (typeof w.swapped !== 'boolean') return { kind: 'missing', status: 'UNAVAILABLE', reason: 'invalid_response' };
  // "Not swapped" within a window shorter than asked (the operator capped it) says nothing about the rest.
  if (!w.swapped && askedMinutes !== undefined && w.maxAgeMinutes < askedMinutes) {
    return { kind: 'unchanged_within', days: w.maxAgeMinutes / 1440 };
  }
  return w.swapped ? { kind: 'swap', bandIndex: 0, band: bands[0], windowMinutes: w.maxAgeMinutes } : { kind: 'clean' };
}

function callForwardingEvidence(result: SignalResult<'callForwarding'>, needed: boolean): CallForwardingEvidence {
  if (result.status !== 'OK') return unusable(result, needed) as MissingEvidence | NotNeededEvidence;
  if (typeof result.value?.active !== 'boolean') return { kind: 'missing', status: 'UNAVAILABLE', reason: 'invalid_response' };
  return result.value.active ? { kind: 'active' } : { kind: 'clean' };
}
