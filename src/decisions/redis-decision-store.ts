import { Redis } from 'ioredis';
import type { Decision } from './decision.js';
import type { DecisionPage, DecisionStore } from './decision-store.js';

export interface RedisDecisionStoreOptions {
  retentionSeconds: number;
  /** namespace of every key, so several deployments may share one Redis */
  keyPrefix?: string;
}

/**
 * Decisions shared by every replica. Each decision is one JSON string with EX = retention; an account's
 * decisions are indexed twice: a sorted set by decidedAt (listing, newest first) and one by expiry time,
 * which lets a listing drop index entries whose decision has expired so `total` stays exact.
 */
export class RedisDecisionStore implements DecisionStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisDecisionStoreOptions,
  ) {
    this.prefix = options.keyPrefix ?? 'riskwire:';
  }

  async get(decisionId: string): Promise<Decision | undefined> {
    const json = await this.redis.get(this.decisionKey(decisionId));
    return json ? (JSON.parse(json) as Decision) : undefined;
  }

  async put(decision: Decision): Promise<void> {
    const ttl = this.options.retentionSeconds;
    const expiresAt = Date.now() + ttl * 1000;
    const decidedAt = Date.parse(decision.decidedAt);
    const { byTime, byExpiry } = this.indexKeys(decision.accountId);
    await this.redis
      .multi()
      .set(this.decisionKey(decision.decisionId), JSON.stringify(decision), 'EX', ttl)
      .zadd(byTime, Number.isFinite(decidedAt) ? decidedAt : Date.now(), decision.decisionId)
      .zadd(byExpiry, expiresAt, decision.decisionId)
      // the index outlives its newest decision by a little, then goes by itself
      .expire(byTime, ttl + 60)
      .expire(byExpiry, ttl + 60)
      .exec()
      .then(failOnError);
  }

  async listByAccount(accountId: string, page: { offset: number; limit: number }): Promise<DecisionPage> {
    const { byTime, byExpiry } = this.indexKeys(accountId);
    const expired = await this.redis.zrangebyscore(byExpiry, '-inf', Date.now());
    if (expired.length > 0) {
      await this.redis.multi().zrem(byTime, ...expired).zrem(byExpiry, ...expired).exec().then(failOnError);
    }
    const [total, ids] = await Promise.all([
      this.redis.zcard(byTime),
      page.limit > 0 ? this.redis.zrevrange(byTime, page.offset, page.offset + page.limit - 1) : Promise.resolve([] as string[]),
    ]);
    if (ids.length === 0) return { items: [], total };
    const jsons = await this.redis.mget(ids.map((id) => this.decisionKey(id)));
    const items = jsons.filter((j): j is string => j !== null).map((j) => JSON.parse(j) as Decision);
    return { items, total };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Nest calls this on the instance the factory provider made. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private decisionKey(decisionId: string) {
    return `${this.prefix}decision:${decisionId}`;
  }

  private indexKeys(accountId: string) {
    const account = encodeURIComponent(accountId);
    return { byTime: `${this.prefix}account:${account}:by-time`, byExpiry: `${this.prefix}account:${account}:by-expiry` };
  }
}

function failOnError(results: [Error | null, unknown][] | null): void {
  const failed = results?.find(([err]) => err);
  if (failed) throw failed[0];
}
