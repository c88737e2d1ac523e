import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { RedisServer } from '../../test/support/redis-server.js';
import { RedisApiStateStore } from './api-state.store.js';

/* Runs against a real redis-server on a random port. In CI a missing redis-server is a failure, elsewhere a loud skip. */
const haveRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!haveRedis) {
  if (process.env.CI === 'true') throw new Error('redis-server is not installed: CI must install it (apt-get install -y redis-server)');
  console.warn('\n*** SKIPPING api-state.store.spec: redis-server not installed (apt-get install -y redis-server) ***\n');
}
const describeRedis = haveRedis ? describe : describe.skip;

describeRedis('RedisApiStateStore (real redis-server)', () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await new RedisServer().start();
    redis = new Redis({ host: '127.0.0.1', port: server.port });
    await redis.flushall();
  });

  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });

  it('RedisApiStateStore (idempotency and pending records) sets with TTL and only once with setIfAbsent', async () => {
    const state = new RedisApiStateStore(redis, 'test-api:');
    expect(await state.get('k')).toBeUndefined();
    expect(await state.setIfAbsent('k', 'one', 60)).toBe(true);
    expect(await state.setIfAbsent('k', 'two', 60)).toBe(false);
    expect(await state.get('k')).toBe('one');
    await state.set('k', 'three', 60);
    expect(await state.get('k')).toBe('three');
    expect(await redis.ttl('test-api:k')).toBeGreaterThan(55);
  });
});
