import type { SignalName, SignalTypes } from './signal-catalogue.js';

export type { CallForwardingObservation, SignalName, SwapObservation, SwapRequest } from './signal-catalogue.js';
export { SIGNAL_NAMES } from './signal-catalogue.js';

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
  /** no route of the providers file matches the number */
  | 'no_provider'
  /** The provider's token endpoint refused us or failed: no question can be asked until it recovers. */
  | 'auth_failed'
  /** The provider says our request is built wrongly for it (CAMARA MISSING_/UNNECESSARY_IDENTIFIER): fix settings, do not retry. */
  | 'configuration_error'
  /** The provider does not offer this operation (501). */
  | 'not_implemented';

/** A signal's answer when OK, from the catalogue: a signal without its own entry there has no value type at all. */
export type SignalValue<N extends SignalName> = SignalTypes[N]['value'];

/**
 * Every upstream answer becomes one of these. NOT_FOUND is inconclusive (unknown subscriber), never "clean";
 * NOT_APPLICABLE is inconclusive too: the network knows the subscriber but does not offer this check for it (CAMARA
 * SERVICE_NOT_APPLICABLE, e.g. an IoT line). UNAVAILABLE carries why. SKIPPED means the policy did not need this check.
 */
/** `provider`: the id of the provider that gave the answer (kept through the cache, shown in the decision). */
export type SignalResult<N extends SignalName = SignalName> =
  | { status: 'OK'; value: SignalValue<N>; fromCache?: boolean; latencyMs?: number; provider?: string }
  | { status: 'NOT_FOUND'; fromCache?: boolean; latencyMs?: number; provider?: string }
  | { status: 'NOT_APPLICABLE'; fromCache?: boolean; latencyMs?: number; provider?: string }
  | { status: 'UNAVAILABLE'; reason: UnavailableReason; detail?: string; latencyMs?: number; provider?: string }
  | { status: 'SKIPPED' };

/** One result per signal of the catalogue. */
export type SignalSet = { [N in SignalName]: SignalResult<N> };

/** What the scoring policy wants to know for one event: which checks, and whether the date is needed or a window suffices. */
export type SignalRequest = { [N in SignalName]?: SignalTypes[N]['request'] };
