import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from '../../config/app-config.js';
import type { ApiAuthenticator } from './api-authenticator.js';
import { ApiError } from '../errors/api-error.js';

/**
 * Express-style middleware for the /metrics owner: with METRICS_AUTH=key any valid API key with the `read`
 * scope may scrape (no rate limit: Prometheus scrapes on a schedule); with `none` it lets everything through.
 * Errors are passed to next() so the global filter writes the usual error body.
 * Usage: `app.use('/metrics', requireKeyForMetrics(config, app.get(ApiAuthenticator)))`.
 */
export function requireKeyForMetrics(config: AppConfig, auth: ApiAuthenticator) {
  return (req: IncomingMessage, _res: ServerResponse, next: (err?: unknown) => void): void => {
    if (config.api.metricsAuth !== 'key') return next();
    try {
      const principal = auth.identify(req.headers.authorization);
      if (!principal.scopes.includes('read')) throw new ApiError('FORBIDDEN', `API key ${principal.keyId} lacks the read scope`);
      next();
    } catch (err) {
      next(err);
    }
  };
}
