import { LRUCache } from 'lru-cache';
import type { Decision } from './decision.js';
import type { DecisionPage, DecisionStore } from './decision-store.js';

/** Bounded by count and age; one process only (use the Redis store to share across replicas). */
export class MemoryDecisionStore implements DecisionStore {
  private readonly byId: LRUCache<string, Decision>;
  private readonly byAccount = new Map<string, string[]>();

  constructor(options: { maxEntries: number; retentionSeconds: number }) {
    this.byId = new LRUCache<string, Decision>({
      max: options.maxEntries,
      ttl: options.retentionSeconds * 1000,
      // 'set' is an overwrite of the same id: it stays indexed.
      dispose: (decision, id, reason) => {
        if (reason !== 'set') this.unindex(decision.accountId, id);
      },
    });
  }

  async get(decisionId: string): Promise<Decision | undefined> {
    return this.byId.get(decisionId);
  }

  async put(decision: Decision): Promise<void> {
    const existed = this.byId.has(decision.decisionId);
    this.byId.set(decision.decisionId, decision);
    if (existed) return;
    const ids = this.byAccount.get(decision.accountId) ?? [];
    ids.push(decision.decisionId);
    this.byAccount.set(decision.accountId, ids);
  }

  async listByAccount(accountId: string, page: { offset: number; limit: number }): Promise<DecisionPage> {
    const ids = (this.byAccount.get(accountId) ?? []).filter((id) => this.byId.has(id));
    const decisions = ids
      .map((id) => this.byId.get(id))
      .filter((d): d is Decision => d !== undefined)
      .sort((a, b) => (a.decidedAt < b.decidedAt ? 1 : a.decidedAt > b.decidedAt ? -1 : a.decisionId < b.decisionId ? 1 : -1));
    return { items: decisions.slice(page.offset, page.offset + page.limit), total: decisions.length };
  }

  private unindex(accountId: string, id: string) {
    const ids = this.byAccount.get(accountId);
    if (!ids) return;
    const rest = ids.filter((x) => x !== id);
    if (rest.length === 0) this.byAccount.delete(accountId);
    else this.byAccount.set(accountId, rest);
  }
}
