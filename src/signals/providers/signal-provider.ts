import type { SignalName, SignalResult } from '../../domain/signal-result.js';
import type { Minutes } from '../minutes.js';

/** A SignalResult as a provider's wire gave it, plus the upstream's Retry-After (429/503) for the retry policy. */
export type UpstreamResult<N extends SignalName> = SignalResult<N> & { retryAfterMs?: number };

/**
 * One source of network signals (tyntec, a CAMARA operator, ...) as the rest of riskwire sees it: the typed
 * questions we ask, in our units; each provider maps its own dialect, units and errors. One attempt per call and
 * never throws for upstream problems: every answer, including silence, becomes a SignalResult. Retries, breaking,
 * routing and caching live above.
 */
export interface SignalProvider {
  /** Named in the providers file ("tyntec" without one); bounded, so it doubles as a metrics label. */
  readonly id: string;
  simSwapCheck(phoneNumber: string, maxAge: Minutes, signal?: AbortSignal): Promise<UpstreamResult<'simSwap'>>;
  simSwapDate(phoneNumber: string, signal?: AbortSignal): Promise<UpstreamResult<'simSwap'>>;
  deviceSwapCheck(phoneNumber: string, maxAge: Minutes, signal?: AbortSignal): Promise<UpstreamResult<'deviceSwap'>>;
  deviceSwapDate(phoneNumber: string, signal?: AbortSignal): Promise<UpstreamResult<'deviceSwap'>>;
  callForwarding(phoneNumber: string, signal?: AbortSignal): Promise<UpstreamResult<'callForwarding'>>;
  close(): Promise<void>;
}
