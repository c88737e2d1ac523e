import type { Redis } from 'ioredis';
import { LIST_NAMES, type ListEntryType, type ListName } from '../domain/list-match.js';
import { entryKey, isLive, type ListPage, type ListStore, type StoredListEntry } from './list-entry.js';

/**
 * The lists shared by every replica. Per list: a hash of entries (field `type:hash`, value the entry's JSON), a
 * sorted set by the time of the latest put (listing, newest first) and one by expiry time (expired entries are
 * dropped when listed, and never match: the expiry is checked on every read). Matching is one round trip.
 */
export class RedisListStore implements ListStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'riskwire:',
  ) {}

  async put(entry: StoredListEntry, now: number): Promise<boolean> {
    const { entries, byAdded, byExpiry } = this.keys(entry.list);
    const expires = entry.expiresAt === undefined ? '' : String(Date.parse(entry.expiresAt));
    const created = await this.redis.eval(
      PUT,
      3,
      entries,
      byAdded,
      byExpiry,
      entryKey(entry.type, entry.hash),
      JSON.stringify(entry),
      Date.parse(entry.addedAt),
      expires,
      now,
    );
    return created === 1;
  }

  async remove(list: ListName, type: ListEntryType, hash: string, now: number): Promise<boolean> {
    const { entries, byAdded, byExpiry } = this.keys(list);
    return (await this.redis.eval(REMOVE, 3, entries, byAdded, byExpiry, entryKey(type, hash), now)) === 1;
  }

  async page(list: ListName, offset: number, limit: number, now: number): Promise<ListPage> {
    const { entries, byAdded, byExpiry } = this.keys(list);
    await this.redis.eval(DROP_EXPIRED, 3, entries, byAdded, byExpiry, now);
    const [total, fields] = await Promise.all([
      this.redis.zcard(byAdded),
      limit > 0 ? this.redis.zrevrange(byAdded, offset, offset + limit - 1) : Promise.resolve([] as string[]),
    ]);
    if (fields.length === 0) return { items: [], total };
    const jsons = await this.redis.hmget(entries, ...fields);
    const items = jsons.filter((j): j is string => j !== null).map((j) => JSON.parse(j) as StoredListEntry);
    return { items: items.filter((e) => isLive(e, now)), total };
  }

  /** the lists are shared: another replica may have added an entry a moment ago */
  mayHaveEntries(): boolean {
    return true;
  }

  async find(keys: readonly string[], now: number): Promise<Record<ListName, StoredListEntry[]>> {
    const found = { deny: [], allow: [], watch: [] } as Record<ListName, StoredListEntry[]>;
    if (keys.length === 0) return found;
    const pipeline = this.redis.pipeline();
    for (const list of LIST_NAMES) pipeline.hmget(this.keys(list).entries, ...keys);
    const results = (await pipeline.exec()) ?? [];
    LIST_NAMES.forEach((list, i) => {
      const [err, jsons] = results[i] ?? [new Error('no reply')];
      if (err) throw err;
      for (const json of jsons as (string | null)[]) {
        if (json === null) continue;
        const entry = JSON.parse(json) as StoredListEntry;
        if (isLive(entry, now)) found[list].push(entry);
      }
    });
    return found;
  }

  private keys(list: ListName) {
    const base = `${this.prefix}list:${list}`;
    return { entries: `${base}:entries`, byAdded: `${base}:by-added`, byExpiry: `${base}:by-expiry` };
  }
}

/**
 * KEYS: entries, by-added, by-expiry. ARGV: field, entry JSON, addedAt ms, expiresAt ms ('' for none), now ms.
 * Returns 1 when no live entry had the field (created), 0 when a live one was replaced.
 */
const PUT = `
local created = 1
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  local expires = redis.call('ZSCORE', KEYS[3], ARGV[1])
  if (not expires) or tonumber(expires) > tonumber(ARGV[5]) then created = 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
if ARGV[4] == '' then redis.call('ZREM', KEYS[3], ARGV[1]) else redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1]) end
return created
`;

/** KEYS: entries, by-added, by-expiry. ARGV: field, now ms. Returns 1 when a live entry was removed. */
const REMOVE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
local expires = redis.call('ZSCORE', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if (not expires) or tonumber(expires) > tonumber(ARGV[2]) then return 1 end
return 0
`;

/** KEYS: entries, by-added, by-expiry. ARGV: now ms. */
const DROP_EXPIRED = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
for _, field in ipairs(expired) do
  redis.call('HDEL', KEYS[1], field)
  redis.call('ZREM', KEYS[2], field)
  redis.call('ZREM', KEYS[3], field)
end
return #expired
`;
