import type { SignalTypes } from '../../domain/signal-catalogue.js';
import type { SignalName } from '../../domain/signal-result.js';
import type { SignalLookup } from '../signal-cache-policy.js';
import type { SignalProvider, UpstreamResult } from './signal-provider.js';

/** One paid upstream operation; bounded, so it doubles as a metrics label. */
export type SignalEndpoint = 'check' | 'retrieve-date';

/** Asking needs only the questions of the port. */
type Answering = Omit<SignalProvider, 'id' | 'close'>;

type Ask<N extends SignalName, Q extends SignalTypes[N]['question']> = (
  provider: Answering,
  phoneNumber: string,
  lookup: Extract<SignalLookup, { signal: N; mode: Q }>,
  abortSignal: AbortSignal,
) => Promise<UpstreamResult<N>>;

/**
 * Which SignalProvider method answers each question of the catalogue. Typed by it: a new signal, or a new question
 * of a signal, does not compile until it has its entry here (and its method on the port).
 */
const PROVIDER_QUESTIONS: { [N in SignalName]: { [Q in SignalTypes[N]['question']]: Ask<N, Q> } } = {
  simSwap: {
    date: (provider, phoneNumber, _lookup, abortSignal) => provider.simSwapDate(phoneNumber, abortSignal),
    window: (provider, phoneNumber, lookup, abortSignal) => provider.simSwapCheck(phoneNumber, lookup.maxAge, abortSignal),
  },
  deviceSwap: {
    date: (provider, phoneNumber, _lookup, abortSignal) => provider.deviceSwapDate(phoneNumber, abortSignal),
    window: (provider, phoneNumber, lookup, abortSignal) => provider.deviceSwapCheck(phoneNumber, lookup.maxAge, abortSignal),
  },
  callForwarding: {
    check: (provider, phoneNumber, _lookup, abortSignal) => provider.callForwarding(phoneNumber, abortSignal),
  },
};

/** Asks one provider one question (a single attempt; retries and breaking are the caller's). */
export function askProvider(
  provider: Answering,
  lookup: SignalLookup,
  phoneNumber: string,
  abortSignal: AbortSignal,
): Promise<UpstreamResult<SignalName>> {
  const byMode = PROVIDER_QUESTIONS[lookup.signal] as Record<string, Ask<SignalName, SignalTypes[SignalName]['question']>>;
  return byMode[lookup.mode](provider, phoneNumber, lookup as never, abortSignal);
}
