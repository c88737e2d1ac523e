import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const REQUEST_ID = Symbol('riskwire.requestId');

type WithRequestId = IncomingMessage & { [REQUEST_ID]?: string };

/** A caller's id is echoed when it is safe to log and to put in a header; anything else is replaced. */
export function resolveRequestId(header: string | string[] | undefined): string {
  const candidate = Array.isArray(header) ? header[0] : header;
  if (candidate !== undefined && VALID_REQUEST_ID.test(candidate)) return candidate;
  return 'req_' + randomBytes(12).toString('base64url');
}

/**
 * The request id of a request, assigning (and answering with) one the first time it is asked: the
 * request logger and the API's error bodies ask the same question and get the same answer.
 */
export function requestIdOf(req: IncomingMessage, res?: ServerResponse): string {
  const r = req as WithRequestId;
  if (!r[REQUEST_ID]) {
    r[REQUEST_ID] = resolveRequestId(req.headers['x-request-id']);
    if (res && !res.headersSent) res.setHeader(REQUEST_ID_HEADER, r[REQUEST_ID]);
  }
  return r[REQUEST_ID];
}
