import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { serviceEnvFor, uniqueTopics } from '../support/kafka-io.js';
import { RedisServer } from '../support/redis-server.js';
import { ServiceProcess } from '../support/service-process.js';

const execFileAsync = promisify(execFile);

interface Answer {
  status: number;
  headers: Record<string, string>;
}

/** The real curl binary; -D - prints the response headers, which is what this test is about. */
async function curlGet(url: string, secret: string): Promise<Answer> {
  const { stdout } = await execFileAsync('curl', [
    '-sS',
    '-D',
    '-',
    '-o',
    '/dev/null',
    '--max-time',
    '20',
    '-H',
    `Authorization: Bearer ${secret}`,
    url,
  ]);
  const lines = stdout.split(/\r?\n/).filter(Boolean);
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(lines[0] ?? '')?.[1]);
  const headers = Object.fromEntries(
    lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as [string, string]),
  );
  return { status, headers };
}

/**
 * Two service instances on one real Redis share the per-key limit (the configured limit is the
 * deployment's, not each replica's) and the failed-authentication throttle per client address.
 */
describe('rate limit shared by two instances through Redis', () => {
  const redis = new RedisServer();
  const instances: ServiceProcess[] = [];
  const LIMIT = 10;

  beforeAll(async () => {
    await redis.start();
    const env = serviceEnvFor(
      uniqueTopics('ratelimit'),
      { baseUrl: 'http://127.0.0.1:9/network-signal/v1', apiKey: 'unused' },
      {
        REDIS_URL: redis.url,
        API_KEYS: 'alpha:alpha-secret-0001:read,beta:beta-secret-0002:read',
        RATE_LIMIT_PER_MINUTE: String(LIMIT),
        AUTH_FAILURES_PER_MINUTE: '3',
      },
    );
    instances.push(await new ServiceProcess(env).start(), await new ServiceProcess(env).start());
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.kill('SIGTERM')));
    await redis.stop();
  });

  const url = (i: number) => `${instances[i % 2]!.httpUrl}/v1/assessments/dec_missing`;

  it('a key gets RATE_LIMIT_PER_MINUTE requests across both instances, with the IETF RateLimit fields, then 429 on either', async () => {
    const remaining: number[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const answer = await curlGet(url(i), 'alpha-secret-0001');
      expect(answer.status).toBe(404); // admitted: the decision simply does not exist
      expect(answer.headers['ratelimit-policy']).toBe(`"per-key";q=${LIMIT};w=60`);
      remaining.push(Number(/;r=(\d+);/.exec(answer.headers.ratelimit ?? '')?.[1]));
    }
    // one count for both instances: 9, 8, ... 0, alternating between them
    expect(remaining).toEqual(Array.from({ length: LIMIT }, (_, i) => LIMIT - 1 - i));
    for (const i of [0, 1]) {
      const refused = await curlGet(url(i), 'alpha-secret-0001');
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers.ratelimit).toBe(`"per-key";r=0;t=${retryAfter}`);
    }
    // another key has its own budget
    expect((await curlGet(url(0), 'beta-secret-0002')).status).toBe(404);
    expect((await curlGet(url(1), 'beta-secret-0002')).headers.ratelimit).toMatch(new RegExp(`^"per-key";r=${LIMIT - 2};t=\\d+$`));
  });

  it('failed authentications are counted per client address across instances, then the address gets 429 even with a good key', async () => {
    for (let i = 0; i < 3; i++) expect((await curlGet(url(i), `wrong-secret-${i}`)).status).toBe(401);
    const throttled = await curlGet(url(1), 'wrong-secret-x');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(throttled.headers['ratelimit-policy']).toBe('"auth-failures";q=3;w=60');
    // guessing stops before the key is looked at: a valid key from this address waits too
    expect((await curlGet(url(0), 'beta-secret-0002')).status).toBe(429);
  });
});
