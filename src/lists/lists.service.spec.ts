import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import type { RiskEvent } from '../domain/risk-event.js';
import { RedisServer } from '../../test/support/redis-server.js';
import type { ListStore } from './list-entry.js';
import { listValueHash } from './list-hasher.js';
import { ListsService } from './lists.service.js';
import { MemoryListStore } from './memory-list-store.js';
import { RedisListStore } from './redis-list-store.js';

const SECRET = 'lists-spec-secret';
const T0 = Date.UTC(2026, 11, 1, 2, 0, 0);
const HOUR = 3_600_000;
const login: RiskEvent = {
  eventId: 'e1',
  type: 'login',
  occurredAt: '2026-12-01T02:00:00Z',
  accountId: 'acc-1',
  phoneNumber: '+491701234567',
  deviceId: 'dev-9',
};
const transfer: RiskEvent = {
  eventId: 'e2',
  type: 'transaction',
  occurredAt: '2026-12-01T02:00:00Z',
  accountId: 'acc-2',
  phoneNumber: '+491709999999',
  amount: { value: '10.00', currency: 'EUR' },
  beneficiaryId: 'ben-1',
};

describe('listValueHash', () => {
  it('is keyed, per type, and deterministic', () => {
    const h = listValueHash(SECRET, 'accountId', 'acc-1');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(listValueHash(SECRET, 'accountId', 'acc-1')).toBe(h);
    expect(listValueHash('other-secret', 'accountId', 'acc-1')).not.toBe(h);
    expect(listValueHash(SECRET, 'deviceId', 'acc-1')).not.toBe(h);
  });
});

const haveRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!haveRedis && process.env.CI === 'true') throw new Error('redis-server is not installed: CI must install it');

function behavesAsAListStore(name: string, makeStore: () => Promise<ListStore>) {
  describe(`ListsService on ${name}`, () => {
    let lists: ListsService;
    beforeAll(async () => {
      lists = new ListsService(await makeStore(), { lists: { hashSecret: SECRET } });
    });

    it('matches each field of the event against each list, and only the fields the event type has', async () => {
      await lists.add({ list: 'deny', type: 'deviceId', value: 'dev-9' }, 'ops', T0);
      await lists.add({ list: 'watch', type: 'phoneNumber', value: '+491701234567' }, 'ops', T0);
      await lists.add({ list: 'allow', type: 'beneficiaryId', value: 'ben-1' }, 'ops', T0);
      expect(await lists.match(login, T0)).toEqual({ deny: ['deviceId'], allow: [], watch: ['phoneNumber'] });
      expect(await lists.match(transfer, T0)).toEqual({ deny: [], allow: ['beneficiaryId'], watch: [] });
      // a device id listed is not a beneficiary id: the type is part of the hash
      await lists.add({ list: 'deny', type: 'beneficiaryId', value: 'dev-9' }, 'ops', T0);
      expect((await lists.match(login, T0)).deny).toEqual(['deviceId']);
    });

    it('stops matching an entry at its expiry, and lists it no more', async () => {
      const expiresAt = new Date(T0 + HOUR).toISOString();
      const added = await lists.add({ list: 'deny', type: 'accountId', value: 'acc-1', expiresAt, reason: 'fraud ring' }, 'ops', T0);
      expect(added).toEqual({
        created: true,
        entry: expect.objectContaining({ list: 'deny', type: 'accountId', expiresAt, reason: 'fraud ring', addedBy: 'ops' }),
      });
      expect((await lists.match(login, T0 + HOUR - 1)).deny).toEqual(['accountId', 'deviceId']);
      expect((await lists.match(login, T0 + HOUR)).deny).toEqual(['deviceId']);
      const page = await lists.page('deny', { pageSize: 10, pageNumber: 1 }, T0 + HOUR);
      expect(page.items.map((e) => e.type).sort()).toEqual(['beneficiaryId', 'deviceId']);
      expect(page.total).toBe(2);
      // re-adding an expired entry creates it anew
      expect((await lists.add({ list: 'deny', type: 'accountId', value: 'acc-1' }, 'ops', T0 + 2 * HOUR)).created).toBe(true);
      expect((await lists.add({ list: 'deny', type: 'accountId', value: 'acc-1' }, 'ops', T0 + 2 * HOUR)).created).toBe(false);
      expect(await lists.remove('deny', 'accountId', 'acc-1', 'ops', T0 + 2 * HOUR)).toBe(true);
      expect(await lists.remove('deny', 'accountId', 'acc-1', 'ops', T0 + 2 * HOUR)).toBe(false);
    });

    it('pages newest first, counts only live entries and never shows a value', async () => {
      for (let i = 0; i < 5; i += 1) await lists.add({ list: 'watch', type: 'accountId', value: `acc-w${i}` }, 'ops', T0 + i * 1000);
      const first = await lists.page('watch', { pageSize: 2, pageNumber: 1 }, T0 + 10_000);
      const third = await lists.page('watch', { pageSize: 2, pageNumber: 3 }, T0 + 10_000);
      expect(first.total).toBe(6); // five accounts and the phone number of the first test
      expect(first.items.map((e) => e.valueHashPrefix)).toEqual([
        listValueHash(SECRET, 'accountId', 'acc-w4').slice(0, 12),
        listValueHash(SECRET, 'accountId', 'acc-w3').slice(0, 12),
      ]);
      expect(third.items).toHaveLength(2);
      expect(JSON.stringify([first, third])).not.toMatch(/acc-w|\+49170/);
    });
  });
}

behavesAsAListStore('memory', async () => new MemoryListStore());

if (haveRedis) {
  const server = new RedisServer();
  let redis: Redis;
  beforeAll(async () => {
    await server.start();
  });
  afterAll(async () => {
    await redis?.quit();
    await server.stop();
  });
  behavesAsAListStore('Redis (real redis-server)', async () => {
    redis = new Redis(server.url);
    return new RedisListStore(redis, `spec-${Date.now()}:`);
  });
}
