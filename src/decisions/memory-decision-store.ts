import { LRUCache } from 'lru-cache';
import type { Decision } from './decision.js';
import type { DecisionPage, DecisionStore } from './decision-store.js';

interface Retained {
  /** the decision as JSON: a quarter of the heap of the object graph, and read back only on lookups */
  json: string;
  accountId: string;
  decidedAt: string;
}

/** Bounded by count and age; one process only (use the Redis store to share across replicas). */
export class MemoryDecisionStore implements DecisionStore {
  private readonly byId: LRUCache<string, Retained>;
  private readonly byAccount = new Map<string, string[]>();

  constructor(options: { maxEntries: number; retentionSeconds: number }) {
    this.byId = new LRUCache<string, Retained>({
      max: options.maxEntries,
      ttl: options.retentionSeconds * 1000,
      // 'set' is an overwrite of the same id: it stays indexed.
      dispose: (retained, id, reason) => {
        if (reason !== 'set') this.unindex(retained.accountId, id);
      },
    });
  }

  async get(decisionId: string): Promise<Decision | undefined> {
    const retained = this.byId.get(decisionId);
    return retained && (JSON.parse(retained.json) as Decision);
  }

  async put(decision: Decision): Promise<void> {
    const existed = this.byId.has(decision.decisionId);
    this.byId.set(decision.decisionId, { json: JSON.stringify(decision), accountId: decision.accountId, decidedAt: decision.decidedAt });
    if (existed) return;
    const ids = this.byAccount.get(decision.accountId) ?? [];
    ids.push(decision.decisionId);
    this.byAccount.set(decision.accountId, ids);
  }

  async listByAccount(accountId: string, page: { offset: number; limit: number }): Promise<DecisionPage> {
    const retained = (this.byAccount.get(accountId) ?? [])
      .map((id) => [id, this.byId.get(id)] as const)
      .filter((entry): entry is readonly [string, Retained] => entry[1] !== undefined)
      .sort(([idA, a], [idB, b]) => (a.decidedAt < b.decidedAt ? 1 : a.decidedAt > b.decidedAt ? -1 : idA < idB ? 1 : -1));
    return {
      items: retained.slice(page.offset, page.offset + page.limit).map(([, r]) => JSON.parse(r.json) as Decision),
      total: retained.length,
    };
  }

  private unindex(accountId: string, id: string) {
    const ids = this.byAccount.get(accountId);
    if (!ids) return;
    const rest = ids.filter((x) => x !== id);
    if (rest.length === 0) this.byAccount.delete(accountId);
    else this.byAccount.set(accountId, rest);
  }
}
