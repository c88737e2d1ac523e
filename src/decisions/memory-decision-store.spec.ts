import { describe, expect, it } from '@jest/globals';
import type { Decision } from '../domain/decision.js';
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
  signals: {
    simSwap: { status: 'OK', value: { latestChange: null } },
    deviceSwap: { status: 'SKIPPED' },
    callForwarding: { status: 'OK', value: { active: false } },
  },
  degraded: false,
  policyVersion: 'p1',
  evidence: { occurredAt: '2026-11-21T10:00:00Z' },
  decidedAt: new Date(Date.UTC(2026, 10, 21, 10, 0, n)).toISOString(),
  latencyMs: 5,
});

const T = 'acme';
const put = (store: MemoryDecisionStore, d: Decision, tenant = T, eventFingerprint = `fp-${d.eventId}`) =>
  store.putIfAbsent({ tenant, eventFingerprint, decision: d });

describe('MemoryDecisionStore', () => {
  it('returns what was put, as an equal copy, with its tenant and event fingerprint', async () => {
    const store = new MemoryDecisionStore({ maxEntries: 10, retentionSeconds: 60 });
    await put(store, decision(1));
    expect(await store.get(T, 'dec_1')).toEqual({ tenant: T, eventFingerprint: 'fp-evt-1', decision: decision(1) });
    expect(await store.get(T, 'dec_2')).toBeUndefined();
  });

  it("scopes by tenant: another tenant's decision is not found by id nor listed", async () => {
    const store = new MemoryDecisionStore({ maxEntries: 10, retentionSeconds: 60 });
    await put(store, decision(1));
    expect(await store.get('globex', 'dec_1')).toBeUndefined();
    expect(await store.listByAccount('globex', 'acc-1', { offset: 0, limit: 10 })).toEqual({ items: [], total: 0 });
    // the same decision id in another tenant is another record
    await put(store, { ...decision(1), score: 99 }, 'globex', 'fp-other');
    expect((await store.get(T, 'dec_1'))?.decision.score).toBe(1);
    expect((await store.get('globex', 'dec_1'))?.decision.score).toBe(99);
    expect((await store.listByAccount(T, 'acc-1', { offset: 0, limit: 10 })).total).toBe(1);
  });

  it('first put wins: a second put of the same id returns the retained record and changes nothing', async () => {
    const store = new MemoryDecisionStore({ maxEntries: 10, retentionSeconds: 60 });
    expect(await put(store, decision(1))).toBeUndefined();
    const second = await put(store, { ...decision(1), score: 77 }, T, 'fp-second');
    expect(second).toEqual({ tenant: T, eventFingerprint: 'fp-evt-1', decision: decision(1) });
    expect((await store.get(T, 'dec_1'))?.decision.score).toBe(1);
  });

  it('lists an account newest first with paging and a total', async () => {
    const store = new MemoryDecisionStore({ maxEntries: 100, retentionSeconds: 60 });
    for (const n of [3, 1, 5, 2, 4]) await put(store, decision(n));
    await put(store, decision(9, 'acc-other'));
    const first = await store.listByAccount(T, 'acc-1', { offset: 0, limit: 2 });
    expect(first.total).toBe(5);
    expect(first.items.map((d) => d.decisionId)).toEqual(['dec_5', 'dec_4']);
    const last = await store.listByAccount(T, 'acc-1', { offset: 4, limit: 2 });
    expect(last.items.map((d) => d.decisionId)).toEqual(['dec_1']);
  });

  it('keeps the account index consistent through overwrites and evictions', async () => {
    const store = new MemoryDecisionStore({ maxEntries: 3, retentionSeconds: 60 });
    await put(store, decision(1));
    await put(store, decision(1));
    expect((await store.listByAccount(T, 'acc-1', { offset: 0, limit: 10 })).total).toBe(1);
    for (const n of [2, 3, 4]) await put(store, decision(n));
    const page = await store.listByAccount(T, 'acc-1', { offset: 0, limit: 10 });
    expect(page.items.map((d) => d.decisionId)).toEqual(['dec_4', 'dec_3', 'dec_2']);
    expect(await store.get(T, 'dec_1')).toBeUndefined();
  });

  it('is bounded in bytes too: a budget evicts the oldest decisions before the count bound does, and keeps the index right', async () => {
    const size = JSON.stringify(decision(1)).length + 'fp-evt-1'.length + 900;
    const store = new MemoryDecisionStore({ maxEntries: 1000, retentionSeconds: 60, maxBytes: size * 3 + 10 });
    for (const n of [1, 2, 3, 4, 5]) await put(store, decision(n));
    expect(await store.get(T, 'dec_1')).toBeUndefined();
    expect(await store.get(T, 'dec_2')).toBeUndefined();
    for (const n of [3, 4, 5]) expect((await store.get(T, `dec_${n}`))?.decision).toEqual(decision(n));
    const page = await store.listByAccount(T, 'acc-1', { offset: 0, limit: 10 });
    expect(page.items.map((d) => d.decisionId)).toEqual(['dec_5', 'dec_4', 'dec_3']);
  });
});
