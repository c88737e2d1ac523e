import { STATUS_CODES } from 'node:http';

/** The `{status, code, message}` error body the Network Signals API answers with. */
export interface ApiErrorBody {
  status: number;
  code: string;
  message: string;
}

/** Messages copied from the upstream reference, so clients can be tested against the real wording. */
const UPSTREAM_ERRORS: Record<number, { code: string; message: string }> = {
  400: { code: 'INVALID_ARGUMENT', message: 'Client specified an invalid argument, request body or query param.' },
  401: {
    code: 'UNAUTHENTICATED',
    message: 'Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.',
  },
  403: { code: 'PERMISSION_DENIED', message: 'Client does not have sufficient permissions to perform this action.' },
  404: { code: 'NOT_FOUND', message: 'The specified resource is not found.' },
  405: { code: 'METHOD_NOT_ALLOWED', message: 'The requested method is not allowed for this resource.' },
  413: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' },
  // The reference lists no bodies for these; wording follows the CAMARA conventions the API is modelled on.
  429: { code: 'TOO_MANY_REQUESTS', message: 'Either out of resource quota or reaching rate limiting.' },
  500: { code: 'INTERNAL_SERVER_ERROR', message: 'Request could not be processed' },
  502: { code: 'BAD_GATEWAY', message: 'An upstream internal service cannot be reached.' },
  503: { code: 'SERVICE_UNAVAILABLE', message: 'Service Unavailable.' },
  504: { code: 'GATEWAY_TIMEOUT', message: 'Request timeout exceeded.' },
};

export const OUT_OF_RANGE_ERROR: ApiErrorBody = { status: 400, code: 'OUT_OF_RANGE', message: 'Client specified an invalid range.' };

/** The standard error body for a status; statuses without a catalogue entry get a code derived from the reason phrase. */
export function apiErrorFor(status: number, message?: string): ApiErrorBody {
  const known = UPSTREAM_ERRORS[status];
  if (known) return { status, code: known.code, message: message ?? known.message };
  const phrase = STATUS_CODES[status] ?? 'Error';
  return { status, code: phrase.toUpperCase().replace(/[^A-Z0-9]+/g, '_'), message: message ?? phrase };
}
