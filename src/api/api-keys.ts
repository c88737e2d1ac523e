import { createHash, timingSafeEqual } from 'node:crypto';

export type ApiScope = 'assess' | 'read';
export const API_SCOPES: readonly ApiScope[] = ['assess', 'read'];

export interface ApiKeyEntry {
  id: string;
  /** SHA-256 of the secret: the secret itself is never kept */
  secretHash: Buffer;
  scopes: ApiScope[];
}

export class ApiKeyConfigError extends Error {
  override name = 'ApiKeyConfigError';
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/**
 * Parses `id:secret:scope|scope` entries, separated by commas or newlines, `#` starting a comment.
 * The secret is everything between the first and the last colon, so it may itself contain colons.
 * Errors name the entry by position and id, never by secret.
 */
export function parseApiKeys(spec: string, source = 'API_KEYS'): ApiKeyEntry[] {
  const entries: ApiKeyEntry[] = [];
  const items = spec
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .flatMap((line) => line.split(','))
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  items.forEach((item, index) => {
    const first = item.indexOf(':');
    const last = item.lastIndexOf(':');
    const where = `${source} entry ${index + 1}`;
    if (first <= 0 || last === first) throw new ApiKeyConfigError(`${where}: expected id:secret:scope|scope`);
    const id = item.slice(0, first);
    const secret = item.slice(first + 1, last);
    const scopes = item.slice(last + 1).split('|').map((s) => s.trim()).filter(Boolean);
    if (secret.length === 0) throw new ApiKeyConfigError(`${where} (${id}): empty secret`);
    if (scopes.length === 0) throw new ApiKeyConfigError(`${where} (${id}): no scope (use assess, read or assess|read)`);
    const unknown = scopes.filter((s) => !API_SCOPES.includes(s as ApiScope));
    if (unknown.length > 0) throw new ApiKeyConfigError(`${where} (${id}): unknown scope ${unknown.join(', ')}`);
    if (entries.some((e) => e.id === id)) throw new ApiKeyConfigError(`${where}: duplicate key id ${id}`);
    entries.push({ id, secretHash: hashSecret(secret), scopes: [...new Set(scopes)] as ApiScope[] });
  });
  return entries;
}

/**
 * Finds the key whose secret hashes to the presented one. Compares digests of equal length in constant time
 * and looks at every key, so timing tells neither which key nor how much of it matched.
 */
export function findKey(keys: readonly ApiKeyEntry[], presentedSecret: string): ApiKeyEntry | undefined {
  const presented = hashSecret(presentedSecret);
  let found: ApiKeyEntry | undefined;
  for (const key of keys) {
    if (timingSafeEqual(key.secretHash, presented) && !found) found = key;
  }
  return found;
}
