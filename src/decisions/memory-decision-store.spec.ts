import { describe, expect, it } from '@jest/globals';
import type { Decision } from './decision.js';
import { MemoryDecisionStore } from './memory-decision-store.js';

const decision = (n: number, accountId = 'acc-1'): Decision => ({
  decisionId: `dec_${n}`,
  eventId: `evt-${n}`,
  eventType: 'login',
  accountId,
  score: n % 100,
  outcome: 'ALLOW',
  reasons: [],
  avoidOtpChannels: [],
  signals: { simSwap: { status: 'OK', value: { latestChange: null } }, deviceSwap: { status: 'SKIPPED' }, callForwarding: { status: 'OK', value: { active: false } } },
  degraded: false,
  policyVersion: 'p1',
  decidedAt: new Date(Date.UTC(2026, 10, 21, 10, 0, n)).toISOString(),
  latencyMs: 5,
});

describe('MemoryDecisionStore', () => {
  it('returns what was put, as an equal copy', async () => {
    const store = new MemoryDecisionStore({ maxEntries: 10, retentionSeconds: 60 });
    await store.put(decision(1));
    expect(await store.get('dec_1')).toEqual(decision(1));
    expect(await store.get('dec_2')).toBeUndefined();
  });

  it('lists an account newest first with paging and a total', async () => {
    const store = new MemoryDecisionStore({ maxEntries: 100, retentionSeconds: 60 });
    for (const n of [3, 1, 5, 2, 4]) await store.put(decision(n));
    await store.put(decision(9, 'acc-other'));
    const first = await store.listByAccount('acc-1', { offset: 0, limit: 2 });
    expect(first.total).toBe(5);
    expect(first.items.map((d) => d.decisionId)).toEqual(['dec_5', 'dec_4']);
    const last = await store.listByAccount('acc-1', { offset: 4, limit: 2 });
    expect(last.items.map((d) => d.decisionId)).toEqual(['dec_1']);
  });

  it('keeps the account index consistent through overwrites and evictions', async () => {
    const store = new MemoryDecisionStore({ maxEntries: 3, retentionSeconds: 60 });
    await store.put(decision(1));
    await store.put(decision(1));
    expect((await store.listByAccount('acc-1', { offset: 0, limit: 10 })).total).toBe(1);
    for (const n of [2, 3, 4]) await store.put(decision(n));
    const page = await store.listByAccount('acc-1', { offset: 0, limit: 10 });
    expect(page.items.map((d) => d.decisionId)).toEqual(['dec_4', 'dec_3', 'dec_2']);
    expect(await store.get('dec_1')).toBeUndefined();
  });
});
