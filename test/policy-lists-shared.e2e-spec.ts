import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator-server.js';
import { curl } from './support/curl.js';
import { loginEvent } from './support/events.js';
import { serviceEnvFor, uniqueTopics } from './support/kafka-io.js';
import { RedisServer } from './support/redis-server.js';
import { ServiceProcess } from './support/service-process.js';
import { hoursAgo, SimulatorAdmin } from './support/simulator-admin.js';

const UPSTREAM_KEY = 'lists-shared-upstream';
const ADMIN = 'lists-shared-admin';
const CLIENT = 'lists-shared-client';
const RISKY = '+491760000101';

/**
 * Two replicas on one real redis-server: a list entry or a mode switch made through one is what the other decides
 * with. Assessments go over HTTP here (the Kafka path is the same engine: test/policy-lists.e2e-spec.ts).
 */
describe('lists and policy mode shared by replicas through Redis', () => {
  const redis = new RedisServer();
  let simulator: RunningSimulator;
  let a: ServiceProcess;
  let b: ServiceProcess;

  const assess = (replica: ServiceProcess, event: object) =>
    curl('POST', `${replica.httpUrl}/v1/assessments`, { secret: CLIENT, body: event });

  beforeAll(async () => {
    await redis.start();
    simulator = await startSimulator({ port: 0, apiKey: UPSTREAM_KEY });
    await new SimulatorAdmin(simulator.url).subscriber(RISKY, { simSwappedAt: hoursAgo(2), callForwardingActive: true });
    const env = (name: string) =>
      serviceEnvFor(
        uniqueTopics(name),
        { baseUrl: simulator.baseUrl, apiKey: UPSTREAM_KEY },
        {
          LOG_LEVEL: 'info',
          REDIS_URL: redis.url,
          SIGNAL_CACHE: 'off',
          API_KEYS: `admin:${ADMIN}:admin,client:${CLIENT}:assess|read`,
          LIST_HASH_SECRET: 'shared-list-hash-secret-0123456789abcdef',
        },
      );
    [a, b] = await Promise.all([new ServiceProcess(env('lists-a')).start(), new ServiceProcess(env('lists-b')).start()]);
  });

  afterAll(async () => {
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
    await simulator?.close();
    await redis.stop();
  });

  it('an entry added through one replica decides the next event on the other, and its deletion too', async () => {
    const accountId = 'acc-shared-1';
    expect((await assess(b, loginEvent('+491760000102', { accountId }))).body.outcome).toBe('ALLOW');
    const put = await curl('PUT', `${a.httpUrl}/v1/lists/deny/entries`, { secret: ADMIN, body: { type: 'accountId', value: accountId } });
    expect(put.status).toBe(201);
    const denied = await assess(b, loginEvent('+491760000102', { accountId }));
    expect(denied.body.outcome).toBe('DENY');
    expect(denied.body.reasons.map((r: { code: string }) => r.code)).toContain('LIST_DENY_MATCH');
    expect((await curl('GET', `${b.httpUrl}/v1/lists/deny/entries`, { secret: ADMIN })).body.meta.count).toBe(1);
    expect((await curl('DELETE', `${b.httpUrl}/v1/lists/deny/entries/accountId/${accountId}`, { secret: ADMIN })).status).toBe(204);
    expect((await assess(a, loginEvent('+491760000102', { accountId }))).body.outcome).toBe('ALLOW');
    // the log records who changed which list, by hash prefix, never the value
    expect(a.output.join('')).toContain('List entry added to the deny list by API key admin: accountId ');
    expect(b.output.join('')).toContain('List entry removed from the deny list by API key admin: accountId ');
    // (the request's own access-log fields carry the URL as for every route; phone numbers in it are masked, see below)
    const listMessages = [...a.output, ...b.output]
      .join('')
      .split('\n')
      .filter((l) => l.includes('"context":"Lists"'))
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(listMessages.filter((m) => m.startsWith('List entry '))).toHaveLength(2);
    expect(listMessages.join('\n')).not.toContain(accountId);
  });

  it('a phone number put and deleted (URL-encoded +) never appears in clear in any log line', async () => {
    const phone = '+491760000177';
    const put = await curl('PUT', `${a.httpUrl}/v1/lists/watch/entries`, { secret: ADMIN, body: { type: 'phoneNumber', value: phone } });
    expect(put.status).toBe(201);
    expect((await assess(b, loginEvent(phone))).body.reasons.map((r: { code: string }) => r.code)).toContain('LIST_WATCH_MATCH');
    expect((await curl('DELETE', `${b.httpUrl}/v1/lists/watch/entries/phoneNumber/%2B491760000177`, { secret: ADMIN })).status).toBe(204);
    expect([...a.output, ...b.output].join('')).not.toContain('1760000177');
  });

  it('monitor mode set through one replica is followed by the other within its refresh (1 s)', async () => {
    const set = await curl('PUT', `${a.httpUrl}/v1/policy/mode`, { secret: ADMIN, body: { mode: 'monitor' } });
    expect(set.body).toMatchObject({ mode: 'monitor', shared: true });
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await curl('GET', `${b.httpUrl}/v1/policy/mode`, { secret: ADMIN })).body).toMatchObject({
      mode: 'monitor',
      changedBy: 'admin',
    });
    expect((await assess(b, loginEvent(RISKY))).body).toMatchObject({ outcome: 'ALLOW', proposedOutcome: 'DENY' });
    expect(a.output.join('')).toContain('Policy mode set to monitor (was enforce) by API key admin');
    expect(b.output.join('')).toContain('Policy mode is now monitor (set by API key admin');
    await curl('PUT', `${b.httpUrl}/v1/policy/mode`, { secret: ADMIN, body: { mode: 'enforce' } });
    await new Promise((r) => setTimeout(r, 1_500));
    const enforced = await assess(a, loginEvent(RISKY));
    expect(enforced.body.outcome).toBe('DENY');
    expect(enforced.body).not.toHaveProperty('proposedOutcome');
  });
});
