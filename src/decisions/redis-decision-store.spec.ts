import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { loadConfig } from '../config/app-config.js';
import type { Decision } from '../domain/decision.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { createDecisionStore } from './decision-store.provider.js';
import { MemoryDecisionStore } from './memory-decision-store.js';
import { RedisDecisionStore } from './redis-decision-store.js';
import { freePort } from '../../test/support/ports.js';

/* Runs against a real redis-server on a random port. In CI a missing redis-server is a failure, elsewhere a loud skip. */
const haveRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!haveRedis) {
  if (process.env.CI === 'true') throw new Error('redis-server is not installed: CI must install it (apt-get install -y redis-server)');
  console.warn('\n*** SKIPPING redis-decision-store.spec: redis-server not installed (apt-get install -y redis-server) ***\n');
}
const describeRedis = haveRedis ? describe : describe.skip;

function decision(n: number, overrides: Partial<Decision> = {}): Decision {
  return {
    decisionId: `dec_${String(n).padStart(4, '0')}`,
    eventId: `evt-${n}`,
    eventType: 'login',
    accountId: 'acc-r',
    score: n % 100,
    outcome: 'ALLOW',
    reasons: [{ code: 'R', points: 1, message: 'm' }],
    avoidOtpChannels: [],
    degraded: false,
    policyVersion: 'p1',
    signals: {
      simSwap: { status: 'OK', value: { latestChange: null } },
      deviceSwap: { status: 'SKIPPED' },
      callForwarding: { status: 'UNAVAILABLE', reason: 'timeout' },
    },
    evidence: { occurredAt: '2026-11-01T00:00:00Z' },
    decidedAt: new Date(Date.UTC(2026, 10, 1) + n * 1000).toISOString(),
    latencyMs: 5,
    ...overrides,
  };
}

const T = 'acme';
const put = (store: RedisDecisionStore, d: Decision, tenant = T, eventFingerprint = `fp-${d.eventId}`) =>
  store.putIfAbsent({ tenant, eventFingerprint, decision: d });

describeRedis('RedisDecisionStore (real redis-server)', () => {
  let server: ChildProcess;
  let redis: Redis;
  let store: RedisDecisionStore;

  beforeAll(async () => {
    const port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    redis = new Redis({ host: '127.0.0.1', port, retryStrategy: (times) => (times > 100 ? null : 50) });
    redis.on('error', () => undefined); // refused until the server listens; ioredis retries
    await redis.ping();
  });

  beforeEach(async () => {
    await redis.flushall();
    store = new RedisDecisionStore(redis, { retentionSeconds: 3600, keyPrefix: 'test:' });
  });

  afterAll(async () => {
    await redis?.quit();
    server?.kill();
  });

  it('puts and gets a decision unchanged, with its tenant and event fingerprint; unknown ids are undefined', async () => {
    const d = decision(1);
    await put(store, d);
    expect(await store.get(T, d.decisionId)).toEqual({ tenant: T, eventFingerprint: 'fp-evt-1', decision: d });
    expect(await store.get(T, 'dec_missing')).toBeUndefined();
  });

  it("scopes by tenant: another tenant's decision is not found by id nor listed, and the same id is another record", async () => {
    await put(store, decision(1));
    expect(await store.get('globex', 'dec_0001')).toBeUndefined();
    expect(await store.listByAccount('globex', 'acc-r', { offset: 0, limit: 10 })).toEqual({ items: [], total: 0 });
    await put(store, decision(1, { score: 99 }), 'globex', 'fp-other');
    expect((await store.get(T, 'dec_0001'))?.decision.score).toBe(1);
    expect(await store.get('globex', 'dec_0001')).toMatchObject({
      tenant: 'globex',
      eventFingerprint: 'fp-other',
      decision: { score: 99 },
    });
    expect((await store.listByAccount(T, 'acc-r', { offset: 0, limit: 10 })).total).toBe(1);
    expect((await store.listByAccount('globex', 'acc-r', { offset: 0, limit: 10 })).total).toBe(1);
  });

  it('stores each decision with EX = retention', async () => {
    await put(store, decision(2));
    const ttl = await redis.ttl('test:tenant:acme:decision:dec_0002');
    expect(ttl).toBeGreaterThan(3590);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it('lists an account newest first, with paging and the total', async () => {
    // put out of order: the listing orders by decidedAt, not by insertion
    for (const n of [3, 1, 5, 2, 4, 7, 6]) await put(store, decision(n));
    await put(store, decision(99, { accountId: 'other' }));
    const first = await store.listByAccount(T, 'acc-r', { offset: 0, limit: 3 });
    expect(first.total).toBe(7);
    expect(first.items.map((d) => d.eventId)).toEqual(['evt-7', 'evt-6', 'evt-5']);
    const last = await store.listByAccount(T, 'acc-r', { offset: 6, limit: 3 });
    expect(last.items.map((d) => d.eventId)).toEqual(['evt-1']);
    expect((await store.listByAccount(T, 'acc-r', { offset: 9, limit: 3 })).items).toEqual([]);
    expect(await store.listByAccount(T, 'nobody', { offset: 0, limit: 3 })).toEqual({ items: [], total: 0 });
  });

  it('first put wins: putting the same decision id again returns the retained record, changes nothing, does not duplicate it', async () => {
    expect(await put(store, decision(1))).toBeUndefined();
    const again = await put(store, decision(1, { score: 77 }), T, 'fp-second');
    expect(again).toEqual({ tenant: T, eventFingerprint: 'fp-evt-1', decision: decision(1) });
    const page = await store.listByAccount(T, 'acc-r', { offset: 0, limit: 10 });
    expect(page.total).toBe(1);
    expect(page.items[0]!.score).toBe(1);
  });

  it('concurrent puts of one id agree on one record', async () => {
    const results = await Promise.all([1, 2, 3, 4].map((n) => put(store, decision(5, { score: n }), T, `fp-${n}`)));
    const retained = await store.get(T, 'dec_0005');
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
    for (const r of results.filter((r) => r !== undefined)) expect(r).toEqual(retained);
  });

  it('forgets decisions after the retention period, in get and in list totals', async () => {
    const short = new RedisDecisionStore(redis, { retentionSeconds: 1, keyPrefix: 'short:' });
    await put(short, decision(1));
    await put(short, decision(2));
    expect((await short.listByAccount(T, 'acc-r', { offset: 0, limit: 10 })).total).toBe(2);
    await new Promise((r) => setTimeout(r, 1300));
    expect(await short.get(T, 'dec_0001')).toBeUndefined();
    expect(await short.listByAccount(T, 'acc-r', { offset: 0, limit: 10 })).toEqual({ items: [], total: 0 });
  });

  it('keeps accounts with unusual characters apart', async () => {
    await put(store, decision(1, { accountId: 'a:b' }));
    await put(store, decision(2, { accountId: 'a', decisionId: 'dec_x' }));
    expect((await store.listByAccount(T, 'a:b', { offset: 0, limit: 10 })).items.map((d) => d.eventId)).toEqual(['evt-1']);
    expect((await store.listByAccount(T, 'a', { offset: 0, limit: 10 })).items.map((d) => d.eventId)).toEqual(['evt-2']);
  });

  it('the provider picks Redis when REDIS_URL is set, memory otherwise', async () => {
    expect(createDecisionStore(loadConfig({}), new RedisConnections())).toBeInstanceOf(MemoryDecisionStore);
    const { port } = redis.options;
    const config = loadConfig({ REDIS_URL: `redis://127.0.0.1:${port}` });
    const connections = RedisConnections.fromConfig(config.store);
    const viaConfig = createDecisionStore(config, connections);
    expect(viaConfig).toBeInstanceOf(RedisDecisionStore);
    await viaConfig.putIfAbsent({ tenant: T, eventFingerprint: 'fp', decision: decision(42) });
    expect((await store.listByAccount(T, 'acc-r', { offset: 0, limit: 1 })).total).toBe(0); // other prefix
    expect(await viaConfig.get(T, 'dec_0042')).toMatchObject({ decision: { eventId: 'evt-42' } });
    await connections.close();
  });
});
