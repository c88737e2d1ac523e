import { LIST_NAMES, type ListEntryType, type ListName } from '../domain/list-match.js';
import { entryKey, isLive, type ListPage, type ListStore, type StoredListEntry } from './list-entry.js';

/** The lists of one process (no REDIS_URL): a Map per list, in insertion order of the latest put. */
export class MemoryListStore implements ListStore {
  private readonly lists = new Map<ListName, Map<string, StoredListEntry>>(LIST_NAMES.map((l) => [l, new Map()]));

  async put(entry: StoredListEntry, now: number): Promise<boolean> {
    const entries = this.lists.get(entry.list)!;
    const key = entryKey(entry.type, entry.hash);
    const earlier = entries.get(key);
    entries.delete(key); // re-inserted last: the newest put lists first
    entries.set(key, entry);
    return !earlier || !isLive(earlier, now);
  }

  async remove(list: ListName, type: ListEntryType, hash: string, now: number): Promise<boolean> {
    const entries = this.lists.get(list)!;
    const key = entryKey(type, hash);
    const earlier = entries.get(key);
    entries.delete(key);
    return earlier !== undefined && isLive(earlier, now);
  }

  async page(list: ListName, offset: number, limit: number, now: number): Promise<ListPage> {
    const entries = this.lists.get(list)!;
    for (const [key, entry] of entries) if (!isLive(entry, now)) entries.delete(key);
    const newestFirst = [...entries.values()].reverse();
    return { items: newestFirst.slice(offset, offset + limit), total: newestFirst.length };
  }

  mayHaveEntries(): boolean {
    for (const entries of this.lists.values()) if (entries.size > 0) return true;
    return false;
  }

  async find(keys: readonly string[], now: number): Promise<Record<ListName, StoredListEntry[]>> {
    const found = { deny: [], allow: [], watch: [] } as Record<ListName, StoredListEntry[]>;
    for (const list of LIST_NAMES) {
      const entries = this.lists.get(list)!;
      for (const key of keys) {
        const entry = entries.get(key);
        if (entry && isLive(entry, now)) found[list].push(entry);
      }
    }
    return found;
  }
}
