import type { UnavailableReason } from '../../../domain/signal-result.js';
import { isJsonObject } from '../json-over-http.js';

/** A CAMARA error body: ErrorInfo {status, code, message}. Either field may be missing when a gateway answered instead. */
export interface CamaraErrorInfo {
  code?: string;
  message?: string;
}

export function readCamaraError(body: unknown): CamaraErrorInfo {
  if (!isJsonObject(body)) return {};
  const info: CamaraErrorInfo = {};
  if (typeof body.code === 'string') info.code = body.code;
  if (typeof body.message === 'string') info.message = body.message;
  return info;
}

/** Operational problems an alert should see, apart from the per-signal result: bounded, a metrics label. */
export type CamaraProblem = 'auth_failed' | 'unauthenticated' | 'permission_denied' | 'configuration_error' | 'not_implemented';

/** What one non-2xx CAMARA answer means for us. */
export type CamaraErrorMeaning =
  { status: 'NOT_FOUND' } | { status: 'NOT_APPLICABLE' } | { status: 'UNAVAILABLE'; reason: UnavailableReason; problem?: CamaraProblem };

/**
 * The CAMARA error codes (Commonalities and the SimSwap, DeviceSwap and CallForwardingSignal specs) mapped to our
 * results. Codes decide where the spec gives them; the status decides otherwise (the specs call their lists
 * non-exhaustive). OUT_OF_RANGE is a 400 here; the adapter retries it with the operator's cap before it gets this far.
 */
export function meaningOf(httpStatus: number, code: string | undefined): CamaraErrorMeaning {
  switch (httpStatus) {
    case 400:
      return { status: 'UNAVAILABLE', reason: 'http_400' };
    case 401:
      return { status: 'UNAVAILABLE', reason: 'http_401', problem: 'unauthenticated' };
    case 403:
      // A token without the operation's scope, or a contract that does not cover it: an operator must act.
      return { status: 'UNAVAILABLE', reason: 'http_403', problem: 'permission_denied' };
    case 404:
      // IDENTIFIER_NOT_FOUND (Commonalities 0.5+) or NOT_FOUND (earlier releases): the network does not know the number.
      // A 404 without a CAMARA code came from something else (a gateway, a wrong path): never "unknown subscriber".
      return code === 'IDENTIFIER_NOT_FOUND' || code === 'NOT_FOUND'
        ? { status: 'NOT_FOUND' }
        : { status: 'UNAVAILABLE', reason: 'http_4xx' };
    case 422:
      if (code === 'SERVICE_NOT_APPLICABLE') return { status: 'NOT_APPLICABLE' };
      // We always send the number (two-legged tokens); being told it is missing or unnecessary means our settings
      // (or the operator's token profile) are wrong: no retry, an alert.
      if (code === 'MISSING_IDENTIFIER' || code === 'UNNECESSARY_IDENTIFIER') {
        return { status: 'UNAVAILABLE', reason: 'configuration_error', problem: 'configuration_error' };
      }
      return { status: 'UNAVAILABLE', reason: 'http_4xx' };
    case 429:
      // QUOTA_EXCEEDED (business quota) and TOO_MANY_REQUESTS (rate) alike: back off, honouring Retry-After.
      return { status: 'UNAVAILABLE', reason: 'http_429' };
    case 501:
      return { status: 'UNAVAILABLE', reason: 'not_implemented', problem: 'not_implemented' };
  }
  if (httpStatus >= 500) return { status: 'UNAVAILABLE', reason: 'http_5xx' };
  if (httpStatus >= 400) return { status: 'UNAVAILABLE', reason: 'http_4xx' };
  return { status: 'UNAVAILABLE', reason: 'invalid_response' };
}

/**
 * The operator's maxAge cap, when its OUT_OF_RANGE message names one below what we asked ("... at most 720 hours").
 * The specs fix no wording, so this reads the largest whole number under the asked window, or nothing.
 */
export function capFromMessage(message: string | undefined, askedHours: number): number | undefined {
  if (message === undefined) return undefined;
  const numbers = [...message.matchAll(/\b(\d{1,4})\b/g)].map((m) => Number(m[1])).filter((n) => n >= 1 && n < askedHours);
  return numbers.length === 0 ? undefined : Math.max(...numbers);
}
