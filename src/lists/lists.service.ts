import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { LIST_NAMES, type ListEntryType, type ListMatches, type ListName } from '../domain/list-match.js';
import type { RiskEvent } from '../domain/risk-event.js';
import { entryKey, type ListStore, type StoredListEntry } from './list-entry.js';
import { DEVELOPMENT_LIST_HASH_SECRET, SHOWN_HASH_CHARS, listValueHash } from './list-hasher.js';

export const LIST_STORE = Symbol('LIST_STORE');

/** An entry as the API shows it: the hash cut to a prefix, never the value. */
export interface ListEntryView {
  list: ListName;
  type: ListEntryType;
  valueHashPrefix: string;
  reason?: string;
  expiresAt?: string;
  addedAt: string;
  addedBy: string;
}

export interface NewListEntry {
  list: ListName;
  type: ListEntryType;
  /** already validated for its type (src/api) */
  value: string;
  expiresAt?: string;
  reason?: string;
}

let warnedDevelopmentKey = false;

/**
 * The deny, allow and watch lists: entries kept as keyed hashes (LIST_HASH_SECRET), in Redis when REDIS_URL is
 * set (every replica reads the same lists) or in this process. A change is read by the very next event: matching
 * asks the store on every event, in one round trip, while the signals are fetched.
 */
@Injectable()
export class ListsService {
  private readonly logger = new Logger('Lists');
  private readonly secret: string;

  constructor(
    @Inject(LIST_STORE) private readonly store: ListStore,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'lists'>,
  ) {
    this.secret = config.lists.hashSecret ?? DEVELOPMENT_LIST_HASH_SECRET;
    if (!config.lists.hashSecret && !warnedDevelopmentKey) {
      warnedDevelopmentKey = true;
      this.logger.warn('LIST_HASH_SECRET is not set: list entries are hashed with the public development key. Development only!');
    }
  }

  /** Which of the event's fields are on each list now. */
  async match(event: RiskEvent, now = Date.now()): Promise<ListMatches> {
    if (!this.store.mayHaveEntries()) return { deny: [], allow: [], watch: [] };
    const fields: [ListEntryType, string | undefined][] = [
      ['accountId', event.accountId],
      ['beneficiaryId', event.type === 'transaction' ? event.beneficiaryId : undefined],
      ['deviceId', event.type === 'login' ? event.deviceId : undefined],
      ['phoneNumber', event.phoneNumber],
    ];
    const keys = fields.flatMap(([type, value]) => (value ? [entryKey(type, this.hash(type, value))] : []));
    const found = await this.store.find(keys, now);
    const matches = { deny: [], allow: [], watch: [] } as Record<ListName, ListEntryType[]>;
    for (const list of LIST_NAMES) matches[list] = [...new Set(found[list].map((e) => e.type))].sort();
    return matches;
  }

  async add(entry: NewListEntry, by: string, now = Date.now()): Promise<{ entry: ListEntryView; created: boolean }> {
    const stored: StoredListEntry = {
      list: entry.list,
      type: entry.type,
      hash: this.hash(entry.type, entry.value),
      ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
      ...(entry.expiresAt !== undefined ? { expiresAt: entry.expiresAt } : {}),
      addedAt: new Date(now).toISOString(),
      addedBy: by,
    };
    const created = await this.store.put(stored, now);
    const view = toView(stored);
    this.logger.log(
      `List entry ${created ? 'added to' : 'replaced on'} the ${entry.list} list by API key ${by}: ${entry.type} ${view.valueHashPrefix}…` +
        (entry.expiresAt ? `, expires ${entry.expiresAt}` : ''),
    );
    return { entry: view, created };
  }

  async remove(list: ListName, type: ListEntryType, value: string, by: string, now = Date.now()): Promise<boolean> {
    const hash = this.hash(type, value);
    const removed = await this.store.remove(list, type, hash, now);
    if (removed) this.logger.log(`List entry removed from the ${list} list by API key ${by}: ${type} ${hash.slice(0, SHOWN_HASH_CHARS)}…`);
    return removed;
  }

  async page(list: ListName, page: { pageSize: number; pageNumber: number }, now = Date.now()) {
    const { items, total } = await this.store.page(list, (page.pageNumber - 1) * page.pageSize, page.pageSize, now);
    return { items: items.map(toView), total };
  }

  private hash(type: ListEntryType, value: string): string {
    return listValueHash(this.secret, type, value);
  }
}

function toView(e: StoredListEntry): ListEntryView {
  return {
    list: e.list,
    type: e.type,
    valueHashPrefix: e.hash.slice(0, SHOWN_HASH_CHARS),
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
    ...(e.expiresAt !== undefined ? { expiresAt: e.expiresAt } : {}),
    addedAt: e.addedAt,
    addedBy: e.addedBy,
  };
}
