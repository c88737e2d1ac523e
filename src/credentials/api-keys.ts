import { createHash, timingSafeEqual } from 'node:crypto';
import { isTenantId } from '../common/tenant.js';

/** `admin`: operating the policy (GET /v1/policy, the policy mode, the lists); `label`: POST /v1/labels. Never implied by assess or read. */
export type ApiScope = 'assess' | 'read' | 'admin' | 'label';
export const API_SCOPES: readonly ApiScope[] = ['assess', 'read', 'admin', 'label'];

export interface ApiKeyEntry {
  id: string;
  /** SHA-256 of the secret: the secret itself is never kept */
  secretHash: Buffer;
  scopes: ApiScope[];
  /** the owner of what the key assesses and the only decisions it can read; the key id unless given */
  tenant: string;
}

export class ApiKeyConfigError extends Error {
  override name = 'ApiKeyConfigError';
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

function isScopeList(text: string): boolean {
  const scopes = text.split('|').map((s) => s.trim());
  return scopes.length > 0 && scopes.every((s) => API_SCOPES.includes(s as ApiScope));
}

/**
 * Splits one entry into id, secret, scope list and optional tenant. The id ends at the first colon; the
 * secret may contain colons. The entry has a tenant only when its last part is a tenant id, is not itself
 * a scope name, and the part before it is a list of known scopes: `id:secret:scopes:tenant`. Every entry of
 * the older `id:secret:scopes` form keeps its meaning, because its last part is a scope list, never a tenant
 * (a scope name is not a tenant, and `|` or a space is not allowed in one).
 */
function splitEntry(item: string): { id: string; secret: string; scopes: string; tenant?: string } | undefined {
  const first = item.indexOf(':');
  const last = item.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  const beforeLast = item.lastIndexOf(':', last - 1);
  const lastPart = item.slice(last + 1);
  if (
    beforeLast > first &&
    isTenantId(lastPart) &&
    !API_SCOPES.includes(lastPart as ApiScope) &&
    isScopeList(item.slice(beforeLast + 1, last))
  ) {
    return {
      id: item.slice(0, first),
      secret: item.slice(first + 1, beforeLast),
      scopes: item.slice(beforeLast + 1, last),
      tenant: lastPart,
    };
  }
  return { id: item.slice(0, first), secret: item.slice(first + 1, last), scopes: lastPart };
}

/**
 * Parses `id:secret:scope|scope[:tenant]` entries, separated by commas or newlines, `#` starting a comment.
 * The secret is everything between the first colon and the scopes, so it may itself contain colons; a key
 * without a tenant belongs to the tenant named like its id. Errors name the entry by position and id,
 * never by secret.
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
    const where = `${source} entry ${index + 1}`;
    const parts = splitEntry(item);
    if (!parts) throw new ApiKeyConfigError(`${where}: expected id:secret:scope|scope[:tenant]`);
    const { id, secret } = parts;
    // the id names the key in logs and, by default, its tenant: printable text only
    if ([...id].some((c) => c < ' ' || c === '\x7f')) throw new ApiKeyConfigError(`${where}: the key id has control characters`);
    const scopes = parts.scopes
      .split('|')
      .map((s) => s.trim())
      .filter(Boolean);
    if (secret.length === 0) throw new ApiKeyConfigError(`${where} (${id}): empty secret`);
    if (scopes.length === 0) throw new ApiKeyConfigError(`${where} (${id}): no scope (use assess, read, admin or a |-separated list)`);
    const unknown = scopes.filter((s) => !API_SCOPES.includes(s as ApiScope));
    if (unknown.length > 0) {
      throw new ApiKeyConfigError(
        `${where} (${id}): unknown scope ${unknown.join(', ')} (a tenant after the scopes must be 1-63 of a-z, 0-9, ".", "_", "-", and not a scope name)`,
      );
    }
    if (entries.some((e) => e.id === id)) throw new ApiKeyConfigError(`${where}: duplicate key id ${id}`);
    entries.push({ id, secretHash: hashSecret(secret), scopes: [...new Set(scopes)] as ApiScope[], tenant: parts.tenant ?? id });
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
