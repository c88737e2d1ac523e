import { readFileSync } from 'node:fs';
import { type ApiKeyEntry, parseApiKeys } from './api-keys.js';

export type ApiKeySource = 'API_KEYS' | 'API_KEYS_FILE';

/** A key source that cannot be read or parsed, with the variable that names it. */
export class ApiKeySourceError extends Error {
  override name = 'ApiKeySourceError';
  constructor(
    readonly variable: ApiKeySource,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The keys of API_KEYS and API_KEYS_FILE together. Called by the configuration check at start-up (so a mistyped
 * key or an unreadable file stops the service naming its variable) and by the authenticator that uses them.
 */
export function loadApiKeys(api: { apiKeys?: string; apiKeysFile?: string }): ApiKeyEntry[] {
  const keys = api.apiKeys ? parseFrom('API_KEYS', () => api.apiKeys!) : [];
  if (api.apiKeysFile) {
    const file = api.apiKeysFile;
    keys.push(...parseFrom('API_KEYS_FILE', () => readFileSync(file, 'utf8')));
  }
  const ids = new Set<string>();
  for (const k of keys) {
    if (ids.has(k.id)) throw new ApiKeySourceError('API_KEYS_FILE', `API key id ${k.id} is configured twice (API_KEYS and API_KEYS_FILE)`);
    ids.add(k.id);
  }
  return keys;
}

function parseFrom(variable: ApiKeySource, read: () => string): ApiKeyEntry[] {
  let text: string;
  try {
    text = read();
  } catch (err) {
    throw new ApiKeySourceError(variable, `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return parseApiKeys(text, variable);
  } catch (err) {
    throw new ApiKeySourceError(variable, (err as Error).message);
  }
}
