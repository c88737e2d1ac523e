/** The three questions we ask the mobile network about a phone number. */
export type SignalName = 'simSwap' | 'deviceSwap' | 'callForwarding';
export const SIGNAL_NAMES: readonly SignalName[] = ['simSwap', 'deviceSwap', 'callForwarding'];

/** Why an upstream answer could not be used. Bounded: also a metrics label. */
export type UnavailableReason =
  | 'timeout'
  | 'connection_error'
  | 'http_400'
  | 'http_401'
  | 'http_403'
  | 'http_429'
  | 'http_4xx'
  | 'http_5xx'
  | 'invalid_response'
  | 'circuit_open'
  | 'bulkhead_full'
  | 'deadline_exceeded'
  /** The provider's token endpoint refused us or failed: no question can be asked until it recovers. */
  | 'auth_failed'
  /** The provider says our request is built wrongly for it (CAMARA MISSING_/UNNECESSARY_IDENTIFIER): fix settings, do not retry. */
  | 'configuration_error'
  /** The provider does not offer this operation (501). */
  | 'not_implemented';

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

export type SignalValue<N extends SignalName> = N extends 'callForwarding' ? CallForwardingObservation : SwapObservation;

/**
 * Every upstream answer becomes one of these. NOT_FOUND is inconclusive (unknown subscriber), never "clean";
 * NOT_APPLICABLE is inconclusive too: the network knows the subscriber but does not offer this check for it (CAMARA
 * SERVICE_NOT_APPLICABLE, e.g. an IoT line). UNAVAILABLE carries why. SKIPPED means the policy did not need this check.
 */
export type SignalResult<N extends SignalName = SignalName> =
  | { status: 'OK'; value: SignalValue<N>; fromCache?: boolean; latencyMs?: number }
  | { status: 'NOT_FOUND'; fromCache?: boolean; latencyMs?: number }
  | { status: 'NOT_APPLICABLE'; fromCache?: boolean; latencyMs?: number }
  | { status: 'UNAVAILABLE'; reason: UnavailableReason; detail?: string; latencyMs?: number }
  | { status: 'SKIPPED' };

export interface SignalSet {
  simSwap: SignalResult<'simSwap'>;
  deviceSwap: SignalResult<'deviceSwap'>;
  callForwarding: SignalResult<'callForwarding'>;
}

/** What the scoring policy wants to know for one event: which checks, and whether the date is needed or a window suffices. */
export interface SignalRequest {
  simSwap?: { mode: 'date' } | { mode: 'window'; maxAgeMinutes: number };
  deviceSwap?: { mode: 'date' } | { mode: 'window'; maxAgeMinutes: number };
  callForwarding?: true;
}
