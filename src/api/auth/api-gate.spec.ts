import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { loadConfig } from '../../config/app-config.js';
import { RedisConnections } from '../../redis/redis-connections.js';
import { ApiError } from '../errors/api-error.js';
import { ApiAuthenticator } from './api-authenticator.js';
import { ApiGate, clientAddressOf } from './api-gate.js';
import { RateLimits } from './rate-limits.js';

const refusal = async (promise: Promise<unknown>): Promise<ApiError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('admitted');
};

/** A loopback port nothing listens on: Redis there is "down". */
const deadPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

function gate(env: Record<string, string>, redis = new RedisConnections()) {
  const config = loadConfig({ API_KEYS: 'k:secret-k:read,w:secret-w:assess', ...env });
  return { gate: new ApiGate(new ApiAuthenticator(config), new RateLimits(config, redis)), redis };
}

describe('ApiGate (in memory, without Redis)', () => {
  it('counts a key per window, with the IETF fields, then refuses with Retry-After', async () => {
    const { gate: g } = gate({ RATE_LIMIT_PER_MINUTE: '2' });
    const first = await g.admit('Bearer secret-k', 'read', '10.0.0.1');
    expect(first.principal.keyId).toBe('k');
    expect(first.headers['RateLimit-Policy']).toBe('"per-key";q=2;w=60');
    expect(first.headers.RateLimit).toMatch(/^"per-key";r=1;t=\d+$/);
    await g.admit('Bearer secret-k', 'read', '10.0.0.2');
    const refused = await refusal(g.admit('Bearer secret-k', 'read', '10.0.0.1'));
    expect(refused.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers.RateLimit).toBe(`"per-key";r=0;t=${refused.headers['Retry-After']}`);
  });

  it('a wrong scope is 403 and costs no failed-authentication budget; wrong keys are counted per address', async () => {
    const { gate: g } = gate({ AUTH_FAILURES_PER_MINUTE: '2' });
    for (let i = 0; i < 5; i++) expect((await refusal(g.admit('Bearer secret-w', 'read', '10.0.0.9'))).code).toBe('FORBIDDEN');
    expect((await refusal(g.admit('Bearer nope', 'read', '10.0.0.9'))).code).toBe('UNAUTHORIZED');
    expect((await refusal(g.admit(undefined, 'read', '10.0.0.9'))).code).toBe('UNAUTHORIZED');
    const throttled = await refusal(g.admit('Bearer secret-k', 'read', '10.0.0.9'));
    expect(throttled.code).toBe('RATE_LIMITED');
    expect(throttled.headers['RateLimit-Policy']).toBe('"auth-failures";q=2;w=60');
    // another address is not affected
    expect((await g.admit('Bearer secret-k', 'read', '10.0.0.10')).principal.keyId).toBe('k');
  });

  it('reads the client address from Node and gRPC peers', () => {
    expect(clientAddressOf('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(clientAddressOf('ipv4:10.1.2.3:51234')).toBe('10.1.2.3');
    expect(clientAddressOf('ipv6:[::1]:51234')).toBe('::1');
    expect(clientAddressOf(undefined)).toBe('unknown');
  });
});

describe('ApiGate with Redis unreachable', () => {
  it('falls back to the per-replica limit (the insurance limiter) instead of failing requests', async () => {
    const port = await deadPort();
    const config = loadConfig({ REDIS_URL: `redis://127.0.0.1:${port}` });
    const { gate: g, redis } = gate(
      { RATE_LIMIT_PER_MINUTE: '2', REDIS_URL: `redis://127.0.0.1:${port}` },
      RedisConnections.fromConfig(config.store),
    );
    try {
      expect((await g.admit('Bearer secret-k', 'read', '10.0.0.1')).principal.keyId).toBe('k');
      await g.admit('Bearer secret-k', 'read', '10.0.0.1');
      expect((await refusal(g.admit('Bearer secret-k', 'read', '10.0.0.1'))).code).toBe('RATE_LIMITED');
    } finally {
      await redis.close();
    }
  });
});
