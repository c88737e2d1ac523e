import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { minutes } from './minutes.js';
import { DEFAULT_SIGNAL_CACHE_TTLS, cacheKeyFor, ttlFor, type CacheableSignalResult } from './signal-cache-policy.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { InMemorySignalCache, NoSignalCache, RedisSignalCache, createSignalCache } from './signal-cache.js';
import { closedPort } from '../../test/doubles/upstream-stub.js';

const PHONE = '+491701234567';
const SWAPPED: CacheableSignalResult = { status: 'OK', value: { latestChange: '2024-09-18T07:37:53Z' } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cache keys', () => {
  it('hold no raw phone number and differ by signal, mode and window', () => {
    const keys = [
      cacheKeyFor({ signal: 'simSwap', mode: 'date' }, PHONE),
      cacheKeyFor({ signal: 'simSwap', mode: 'window', maxAge: minutes(60) }, PHONE),
      cacheKeyFor({ signal: 'simSwap', mode: 'window', maxAge: minutes(120) }, PHONE),
      cacheKeyFor({ signal: 'deviceSwap', mode: 'date' }, PHONE),
      cacheKeyFor({ signal: 'callForwarding', mode: 'check' }, PHONE),
      cacheKeyFor({ signal: 'simSwap', mode: 'date' }, '+491701234568'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).not.toMatch(/1701234/);
    expect(keys[0]).toBe(cacheKeyFor({ signal: 'simSwap', mode: 'date' }, PHONE));
    expect(keys[0]).toMatch(/^v1:simSwap:date:[0-9a-f]{64}$/);
  });
});

describe('ttlFor', () => {
  const t = DEFAULT_SIGNAL_CACHE_TTLS;
  it.each([
    ['swap date seen', { signal: 'simSwap', mode: 'date' }, SWAPPED, t.simSwap.positiveMs],
    ['no swap ever', { signal: 'simSwap', mode: 'date' }, { status: 'OK', value: { latestChange: null } }, t.simSwap.cleanMs],
    [
      'swapped within window',
      { signal: 'deviceSwap', mode: 'window', maxAge: minutes(60) },
      { status: 'OK', value: { swappedWithin: { swapped: true, maxAgeMinutes: 60 } } },
      t.deviceSwap.positiveMs,
    ],
    [
      'not swapped within window',
      { signal: 'deviceSwap', mode: 'window', maxAge: minutes(60) },
      { status: 'OK', value: { swappedWithin: { swapped: false, maxAgeMinutes: 60 } } },
      t.deviceSwap.cleanMs,
    ],
    ['call forwarding', { signal: 'callForwarding', mode: 'check' }, { status: 'OK', value: { active: false } }, t.callForwarding.cleanMs],
    [
      'call forwarding active',
      { signal: 'callForwarding', mode: 'check' },
      { status: 'OK', value: { active: true } },
      t.callForwarding.positiveMs,
    ],
    ['unknown subscriber', { signal: 'simSwap', mode: 'date' }, { status: 'NOT_FOUND' }, t.simSwap.notFoundMs],
    [
      'check not offered for the subscriber',
      { signal: 'callForwarding', mode: 'check' },
      { status: 'NOT_APPLICABLE' },
      t.callForwarding.notFoundMs,
    ],
    ['configuration error', { signal: 'simSwap', mode: 'date' }, { status: 'UNAVAILABLE', reason: 'configuration_error' }, 0],
    ['unavailable', { signal: 'simSwap', mode: 'date' }, { status: 'UNAVAILABLE', reason: 'http_5xx' }, 0],
  ] as const)('%s', (_case, lookup, result, expected) => {
    expect(ttlFor(lookup, result)).toBe(expected);
  });

  it('defaults keep a positive swap longer than a clean one, and forwarding at most a minute', () => {
    expect(t.simSwap.positiveMs).toBeGreaterThan(t.simSwap.cleanMs);
    expect(t.deviceSwap.positiveMs).toBeGreaterThan(t.deviceSwap.cleanMs);
    expect(t.callForwarding.positiveMs).toBeLessThanOrEqual(60_000);
    expect(t.callForwarding.cleanMs).toBeLessThanOrEqual(60_000);
  });
});

describe('InMemorySignalCache', () => {
  it('returns what was set until its own TTL runs out', async () => {
    const cache = new InMemorySignalCache(100);
    await cache.set('short', SWAPPED, 60);
    await cache.set('long', { status: 'NOT_FOUND' }, 10_000);
    expect(await cache.get('short')).toEqual(SWAPPED);
    expect(cache.remainingTtl('long')).toBeGreaterThan(9_000);
    await sleep(100);
    expect(await cache.get('short')).toBeUndefined();
    expect(await cache.get('long')).toEqual({ status: 'NOT_FOUND' });
  });

  it('stores nothing for a TTL of 0 and evicts beyond max entries', async () => {
    const cache = new InMemorySignalCache(100);
    await cache.set('never', SWAPPED, 0);
    expect(await cache.get('never')).toBeUndefined();
    for (let i = 0; i < 150; i++) await cache.set(`k${i}`, SWAPPED, 10_000);
    expect(await cache.get('k0')).toBeUndefined();
    expect(await cache.get('k149')).toEqual(SWAPPED);
  });
});

describe('createSignalCache', () => {
  it('follows SIGNAL_CACHE, falling back to memory when redis has no URL', async () => {
    expect(createSignalCache({ cache: 'off', cacheMaxEntries: 100 })).toBeInstanceOf(NoSignalCache);
    expect(createSignalCache({ cache: 'memory', cacheMaxEntries: 100 })).toBeInstanceOf(InMemorySignalCache);
    expect(createSignalCache({ cache: 'redis', cacheMaxEntries: 100 })).toBeInstanceOf(InMemorySignalCache);
    const connections = new RedisConnections(`redis://127.0.0.1:${await closedPort()}`);
    const redis = createSignalCache({ cache: 'redis', cacheMaxEntries: 100 }, connections);
    expect(redis).toBeInstanceOf(RedisSignalCache);
    await redis.close();
    await connections.close();
  });
});

const redisInstalled = spawnSync('redis-server', ['--version']).status === 0;
if (!redisInstalled && process.env.CI !== 'true') {
  console.warn(
    '\n\n*** redis-server is not on PATH: SKIPPING the RedisSignalCache tests (apt-get install -y redis-server). CI requires it. ***\n\n',
  );
}
const describeRedis = redisInstalled || process.env.CI === 'true' ? describe : describe.skip;

describeRedis('RedisSignalCache (real redis-server)', () => {
  let server: ChildProcess;
  let port: number;
  let redis: Redis;
  let cache: RedisSignalCache;
  let connections: RedisConnections;

  beforeAll(async () => {
    if (!redisInstalled) throw new Error('redis-server is not installed: CI must install it (apt-get install -y redis-server)');
    port = await closedPort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    connections = new RedisConnections(`redis://127.0.0.1:${port}`);
    redis = connections.forSignalCache()!;
    await waitUntilReady(redis);
    cache = new RedisSignalCache(redis);
  });

  afterAll(async () => {
    await cache?.close();
    await connections?.close();
    server?.kill('SIGTERM');
  });

  it('round-trips JSON values with a PX TTL, under a prefix and without the raw number', async () => {
    const key = cacheKeyFor({ signal: 'simSwap', mode: 'date' }, PHONE);
    await cache.set(key, SWAPPED, 5_000);
    expect(await cache.get(key)).toEqual(SWAPPED);
    const pttl = await redis.pttl(`riskwire:signal:${key}`);
    expect(pttl).toBeGreaterThan(4_000);
    expect(pttl).toBeLessThanOrEqual(5_000);
    const keys = await redis.keys('*');
    expect(keys).toContain(`riskwire:signal:${key}`);
    expect(keys.join()).not.toMatch(/1701234/);
  });

  it('expires entries and does not store TTL 0', async () => {
    await cache.set('brief', { status: 'NOT_FOUND' }, 50);
    await cache.set('never', SWAPPED, 0);
    expect(await cache.get('brief')).toEqual({ status: 'NOT_FOUND' });
    await sleep(120);
    expect(await cache.get('brief')).toBeUndefined();
    expect(await cache.get('never')).toBeUndefined();
  });

  it('treats foreign or corrupt values as a miss', async () => {
    await redis.set('riskwire:signal:corrupt', '{not json');
    await redis.set('riskwire:signal:foreign', JSON.stringify({ status: 'UNAVAILABLE', reason: 'timeout' }));
    expect(await cache.get('corrupt')).toBeUndefined();
    expect(await cache.get('foreign')).toBeUndefined();
  });

  it('degrades to fast misses when Redis is unreachable, never throwing', async () => {
    const unreachableConnections = new RedisConnections(`redis://127.0.0.1:${await closedPort()}`);
    const unreachable = new RedisSignalCache(unreachableConnections.forSignalCache()!);
    const started = Date.now();
    await expect(unreachable.set('k', SWAPPED, 1000)).resolves.toBeUndefined();
    await expect(unreachable.get('k')).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
    await unreachable.close();
    await unreachableConnections.close();
  });
});

async function waitUntilReady(redis: Redis): Promise<void> {
  const giveUpAt = Date.now() + 10_000;
  while (Date.now() < giveUpAt) {
    if (redis.status === 'ready') {
      try {
        if ((await redis.ping()) === 'PONG') return;
      } catch {
        // still starting
      }
    }
    await sleep(50);
  }
  throw new Error('redis-server did not become ready within 10 s');
}
