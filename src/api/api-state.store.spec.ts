import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { Test } from '@nestjs/testing';
import { RedisServer } from '../../test/support/redis-server.js';
import { loadConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { decisionStoreProvider } from '../decisions/decision-store.provider.js';
import { DECISION_STORE, type DecisionStore } from '../decisions/decision-store.js';
import { RedisModule } from '../redis/redis.module.js';
import { API_STATE_STORE, apiStateStoreProvider, RedisApiStateStore, type ApiStateStore } from './api-state.store.js';

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

  it('shares one Redis connection with the decision store, closed when the app closes', async () => {
    const others = async () => ((await redis.client('LIST')) as string).trim().split('\n').length - 1; // without this spec's own client
    const app = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadConfig({ REDIS_URL: server.url })), RedisModule],
      providers: [apiStateStoreProvider, decisionStoreProvider],
    }).compile();
    await app.get<ApiStateStore>(API_STATE_STORE).set('shared', 'v', 60);
    expect(await app.get<DecisionStore>(DECISION_STORE).get('acme', 'dec_none')).toBeUndefined();
    expect(await others()).toBe(1);
    await app.close();
    const until = Date.now() + 5_000;
    while ((await others()) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(await others()).toBe(0);
  });
});
