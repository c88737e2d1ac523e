import type { ListEntryType, ListName } from '../domain/list-match.js';

/** One entry as stored: the value only as its keyed hash. */
export interface StoredListEntry {
  list: ListName;
  type: ListEntryType;
  /** HMAC-SHA256 of type and value under LIST_HASH_SECRET, hex */
  hash: string;
  reason?: string;
  /** RFC 3339; absent: until deleted */
  expiresAt?: string;
  /** RFC 3339, when this version of the entry was put */
  addedAt: string;
  /** API key id that put it */
  addedBy: string;
}

/** The field of a list's storage that names one entry: its type and hash. */
export function entryKey(type: ListEntryType, hash: string): string {
  return `${type}:${hash}`;
}

export function isLive(entry: Pick<StoredListEntry, 'expiresAt'>, now: number): boolean {
  return entry.expiresAt === undefined || Date.parse(entry.expiresAt) > now;
}

export interface ListPage {
  items: StoredListEntry[];
  total: number;
}

/** Where the lists live: this process, or Redis (shared by replicas). `now` is epoch ms. */
export interface ListStore {
  /** true when the entry is new, false when it replaced one for the same type and value */
  put(entry: StoredListEntry, now: number): Promise<boolean>;
  /** true when there was a live entry */
  remove(list: ListName, type: ListEntryType, hash: string, now: number): Promise<boolean>;
  /** newest first, expired entries left out (and dropped) */
  page(list: ListName, offset: number, limit: number, now: number): Promise<ListPage>;
  /** false only when the store knows, without I/O, that it holds no entry at all (matching then hashes nothing) */
  mayHaveEntries(): boolean;
  /** the live entries among these keys (entryKey), per list */
  find(keys: readonly string[], now: number): Promise<Record<ListName, StoredListEntry[]>>;
}
