import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { RedisServer } from '../../test/support/redis-server.js';
import { RedisConnections } from './redis-connections.js';

/* Runs against a real redis-server (with a password) on a random port. In CI a missing redis-server is a failure, elsewhere a loud skip. */
const haveRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!haveRedis) {
  if (process.env.CI === 'true') throw new Error('redis-server is not installed: CI must install it (apt-get install -y redis-server)');
  console.warn('\n*** SKIPPING redis-connections.spec: redis-server not installed (apt-get install -y redis-server) ***\n');
}
const describeRedis = haveRedis ? describe : describe.skip;
const PASSWORD = 'connections-pw-7d2a';

describe('RedisConnections without REDIS_URL', () => {
  it('opens nothing: the stores and the cache stay in process', async () => {
    const connections = RedisConnections.fromConfig({ redisUrl: undefined, redisSecurity: { password: PASSWORD } });
    expect(connections.configured).toBe(false);
    expect(connections.forStores()).toBeUndefined();
    expect(connections.forSignalCache()).toBeUndefined();
    await expect(connections.close()).resolves.toBeUndefined();
  });
});

describeRedis('RedisConnections (real redis-server with a password)', () => {
  const server = new RedisServer({ password: PASSWORD });
  let observer: Redis;
  const serviceClients = async () =>
    ((await observer.client('LIST')) as string)
      .trim()
      .split('\n')
      .filter((line) => !line.includes('name=observer')).length;

  beforeAll(async () => {
    await server.start();
    observer = new Redis(server.url, { password: PASSWORD, connectionName: 'observer' });
  });

  afterAll(async () => {
    await observer?.quit();
    await server.stop();
  });

  it('gives the stores one shared connection and the cache its fail-fast one, from the same settings', async () => {
    const connections = RedisConnections.fromConfig({ redisUrl: server.url, redisSecurity: { password: PASSWORD } });
    expect(connections.configured).toBe(true);
    const stores = connections.forStores()!;
    expect(connections.forStores()).toBe(stores);
    const cache = connections.forSignalCache()!;
    expect(connections.forSignalCache()).toBe(cache);
    expect(cache).not.toBe(stores);
    expect(stores.options).toMatchObject({ maxRetriesPerRequest: 2, enableOfflineQueue: true });
    expect(cache.options).toMatchObject({ maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 250 });
    // both authenticate with REDIS_PASSWORD_FILE's password
    await stores.set('k', 'v');
    // the cache has no offline queue: a command before it is ready fails fast, by design
    if (cache.status !== 'ready') await new Promise((ready) => cache.once('ready', ready));
    expect(await cache.get('k')).toBe('v');
    expect(await serviceClients()).toBe(2);
    await connections.close();
    // QUIT is answered before the socket closes: the server sees both go shortly after
    const until = Date.now() + 5_000;
    while ((await serviceClients()) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(await serviceClients()).toBe(0);
    await expect(connections.close()).resolves.toBeUndefined();
  });
});
