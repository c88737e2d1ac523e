import { Redis } from 'ioredis';
import type { DecisionPage, DecisionStore, RetainedDecision } from './decision-store.js';

export interface RedisDecisionStoreOptions {
  retentionSeconds: number;
  /** namespace of every key, so several deployments may share one Redis */
  keyPrefix?: string;
}

/**
 * Decisions shared by every replica. Each decision is one JSON string (with its tenant and event
 * fingerprint) with EX = retention, under a key naming its tenant; a tenant's account's decisions are
 * indexed twice: a sorted set by decidedAt (listing, newest first) and one by expiry time, which lets a
 * listing drop index entries whose decision has expired so `total` stays exact.
 */
export class RedisDecisionStore implements DecisionStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisDecisionStoreOptions,
  ) {
    this.prefix = options.keyPrefix ?? 'riskwire:';
  }

  async get(tenant: string, decisionId: string): Promise<RetainedDecision | undefined> {
    const json = await this.redis.get(this.decisionKey(tenant, decisionId));
    return json ? fromJson(json) : undefined;
  }

  async putIfAbsent(record: RetainedDecision): Promise<RetainedDecision | undefined> {
    const { decision } = record;
    const ttl = this.options.retentionSeconds;
    const decidedAt = Date.parse(decision.decidedAt);
    const { byTime, byExpiry } = this.indexKeys(record.tenant, decision.accountId);
    const earlier = (await this.redis.eval(
      PUT_IF_ABSENT,
      3,
      this.decisionKey(record.tenant, decision.decisionId),
      byTime,
      byExpiry,
      JSON.stringify(record),
      ttl,
      Number.isFinite(decidedAt) ? decidedAt : Date.now(),
      Date.now() + ttl * 1000,
      decision.decisionId,
    )) as string | null;
    return earlier ? fromJson(earlier) : undefined;
  }

  async listByAccount(tenant: string, accountId: string, page: { offset: number; limit: number }): Promise<DecisionPage> {
    const { byTime, byExpiry } = this.indexKeys(tenant, accountId);
    const expired = await this.redis.zrangebyscore(byExpiry, '-inf', Date.now());
    if (expired.length > 0) {
      await this.redis
        .multi()
        .zrem(byTime, ...expired)
        .zrem(byExpiry, ...expired)
        .exec()
        .then(failOnError);
    }
    const [total, ids] = await Promise.all([
      this.redis.zcard(byTime),
      page.limit > 0 ? this.redis.zrevrange(byTime, page.offset, page.offset + page.limit - 1) : Promise.resolve([] as string[]),
    ]);
    if (ids.length === 0) return { items: [], total };
    const jsons = await this.redis.mget(ids.map((id) => this.decisionKey(tenant, id)));
    const items = jsons.filter((j): j is string => j !== null).map((j) => fromJson(j).decision);
    return { items, total };
  }

  // Every key names its tenant: another tenant's decision is not just hidden, it is a different key.
  private decisionKey(tenant: string, decisionId: string) {
    return `${this.prefix}tenant:${encodeURIComponent(tenant)}:decision:${decisionId}`;
  }

  private indexKeys(tenant: string, accountId: string) {
    const account = `${this.prefix}tenant:${encodeURIComponent(tenant)}:account:${encodeURIComponent(accountId)}`;
    return { byTime: `${account}:by-time`, byExpiry: `${account}:by-expiry` };
  }
}

/**
 * One round trip, atomic: SET NX the record and index it, or return the record already there (first wins).
 * KEYS: decision, by-time index, by-expiry index. ARGV: record JSON, ttl s, decidedAt ms, expiresAt ms, decision id.
 */
const PUT_IF_ABSENT = `
if redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[5])
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
  -- the index outlives its newest decision by a little, then goes by itself
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[2]) + 60)
  redis.call('EXPIRE', KEYS[3], tonumber(ARGV[2]) + 60)
  return false
end
return redis.call('GET', KEYS[1])
`;

function fromJson(json: string): RetainedDecision {
  return JSON.parse(json) as RetainedDecision;
}

function failOnError(results: [Error | null, unknown][] | null): void {
  const failed = results?.find(([err]) => err);
  if (failed) throw failed[0];
}
