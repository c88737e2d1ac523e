import { Inject, Injectable, Logger } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { REDIS_CONNECTIONS, type RedisConnections } from '../../redis/redis-connections.js';

/** What a limit says about one request: enough for the IETF RateLimit headers and Retry-After. */
export interface RateLimitVerdict {
  allowed: boolean;
  /** the policy's quota and window */
  limit: number;
  windowSeconds: number;
  remaining: number;
  /** seconds until the window resets (and, when refused, until a retry can succeed) */
  resetSeconds: number;
}

const WINDOW_SECONDS = 60;

/**
 * The two API limits, shared by every replica through Redis when REDIS_URL is set (rate-limiter-flexible's
 * atomic Redis limiter), in process otherwise:
 * - per API key: RATE_LIMIT_PER_MINUTE requests a minute across all replicas, so the limit no longer grows
 *   with the replica count;
 * - per client address: AUTH_FAILURES_PER_MINUTE failed authentications a minute, then 429 until the window ends
 *   (key guessing gets slow, and it costs no key lookup).
 * Redis is the fail-fast connection (the signal cache's: no offline queue, 250 ms command timeout): when it is
 * unreachable each pod falls back to its own in-memory limit (the insurance limiter), so an outage of Redis
 * never stops the API.
 */
@Injectable()
export class RateLimits {
  private readonly logger = new Logger('RateLimits');
  private readonly perKey: RateLimiterAbstract;
  private readonly authFailures: RateLimiterAbstract;
  readonly shared: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(REDIS_CONNECTIONS) redis: RedisConnections) {
    const client = redis.forSignalCache();
    this.shared = client !== undefined;
    const limiter = (keyPrefix: string, points: number): RateLimiterAbstract => {
      const memory = new RateLimiterMemory({ keyPrefix, points, duration: WINDOW_SECONDS });
      if (!client) return memory;
      return new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `riskwire:ratelimit:${keyPrefix}`,
        points,
        duration: WINDOW_SECONDS,
        insuranceLimiter: memory,
      });
    };
    this.perKey = limiter('key', config.api.rateLimitPerMinute);
    this.authFailures = limiter('authfail', config.ops.authFailuresPerMinute);
    this.logger.log(
      `rate limits ${this.shared ? 'shared by every replica (Redis)' : 'per replica (no REDIS_URL)'}: ${config.api.rateLimitPerMinute}/min per API key, ${config.ops.authFailuresPerMinute} failed authentications/min per client address`,
    );
  }

  /** Counts one request of an API key (by id, never the secret). */
  consumeKey(keyId: string): Promise<RateLimitVerdict> {
    return verdictOf(this.perKey, this.perKey.consume(keyId));
  }

  /** Whether a client address has used up its failed authentications for this window. */
  async authFailuresExhausted(address: string): Promise<RateLimitVerdict | undefined> {
    const res = await this.authFailures.get(address).catch(() => null);
    if (!res || res.consumedPoints < this.authFailures.points) return undefined;
    return toVerdict(this.authFailures, res, false);
  }

  /** Counts one failed authentication of a client address. */
  async authFailed(address: string): Promise<void> {
    await this.authFailures.consume(address).catch(() => undefined);
  }
}

async function verdictOf(limiter: RateLimiterAbstract, consumed: Promise<RateLimiterRes>): Promise<RateLimitVerdict> {
  try {
    return toVerdict(limiter, await consumed, true);
  } catch (rejection) {
    // a RateLimiterRes is the answer "over the limit"; anything else (the insurance limiter failed too) lets it through
    if (rejection instanceof RateLimiterRes) return toVerdict(limiter, rejection, false);
    return {
      allowed: true,
      limit: limiter.points,
      windowSeconds: limiter.duration,
      remaining: limiter.points,
      resetSeconds: limiter.duration,
    };
  }
}

function toVerdict(limiter: RateLimiterAbstract, res: RateLimiterRes, allowed: boolean): RateLimitVerdict {
  return {
    allowed,
    limit: limiter.points,
    windowSeconds: limiter.duration,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  };
}

/**
 * The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers: `RateLimit-Policy` and `RateLimit`, structured
 * fields) for a policy named `name`, plus Retry-After when the request was refused.
 */
export function rateLimitHeaders(name: string, v: RateLimitVerdict): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Policy': `"${name}";q=${v.limit};w=${v.windowSeconds}`,
    RateLimit: `"${name}";r=${v.remaining};t=${v.resetSeconds}`,
  };
  if (!v.allowed) headers['Retry-After'] = String(v.resetSeconds);
  return headers;
}
