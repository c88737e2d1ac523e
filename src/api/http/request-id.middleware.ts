import type { IncomingMessage, ServerResponse } from 'node:http';
import { REQUEST_ID_HEADER, requestIdOf } from '../../common/request-id.js';

export { REQUEST_ID_HEADER, requestIdOf, resolveRequestId } from '../../common/request-id.js';

/** Express-style middleware: every response, success or error, carries X-Request-Id. Register it first. */
export function requestIdMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  res.setHeader(REQUEST_ID_HEADER, requestIdOf(req, res));
  next();
}
