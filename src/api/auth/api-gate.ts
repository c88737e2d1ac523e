import { Injectable } from '@nestjs/common';
import type { ApiScope } from '../../credentials/api-keys.js';
import { ApiError } from '../errors/api-error.js';
import { ApiAuthenticator, type ApiPrincipal } from './api-authenticator.js';
import { RateLimits, rateLimitHeaders } from './rate-limits.js';

export interface Admitted {
  principal: ApiPrincipal;
  /** RateLimit-Policy and RateLimit, for the response */
  headers: Record<string, string>;
}

/**
 * The way into the API, for HTTP (ApiKeyGuard) and gRPC alike: a client address that failed authentication too
 * often is refused before its key is even looked at; then the key, its scope, and the key's shared rate limit.
 * Every refusal is an ApiError (UNAUTHORIZED, FORBIDDEN, RATE_LIMITED with Retry-After and the RateLimit fields).
 */
@Injectable()
export class ApiGate {
  constructor(
    private readonly auth: ApiAuthenticator,
    private readonly limits: RateLimits,
  ) {}

  /** `clientAddress`: the peer's IP address (no port), the unit failed authentications are counted in. */
  async admit(authorization: string | undefined, scope: ApiScope, clientAddress: string): Promise<Admitted> {
    const throttled = await this.limits.authFailuresExhausted(clientAddress);
    if (throttled) {
      throw new ApiError(
        'RATE_LIMITED',
        `Too many failed authentications from this client address; retry in ${throttled.resetSeconds}s`,
        [],
        rateLimitHeaders('auth-failures', throttled),
      );
    }
    let principal: ApiPrincipal;
    try {
      principal = this.auth.identify(authorization);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'UNAUTHORIZED') await this.limits.authFailed(clientAddress);
      throw error;
    }
    if (!principal.scopes.includes(scope)) throw new ApiError('FORBIDDEN', `API key ${principal.keyId} lacks the ${scope} scope`);
    const verdict = await this.limits.consumeKey(principal.keyId);
    const headers = rateLimitHeaders('per-key', verdict);
    if (!verdict.allowed) {
      throw new ApiError(
        'RATE_LIMITED',
        `Rate limit exceeded for API key ${principal.keyId}; retry in ${verdict.resetSeconds}s`,
        [],
        headers,
      );
    }
    return { principal, headers };
  }
}

/** The IP address of a peer, without the port: `ipv4:10.0.0.7:51234` (gRPC) or `::ffff:10.0.0.7` (Node). */
export function clientAddressOf(peer: string | undefined): string {
  if (!peer) return 'unknown';
  const grpc = /^ipv[46]:(.*):\d+$/.exec(peer);
  const address = grpc ? grpc[1]!.replace(/^\[|\]$/g, '') : peer;
  return address.replace(/^::ffff:/, '');
}
