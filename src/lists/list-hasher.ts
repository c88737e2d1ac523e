import { createHmac } from 'node:crypto';
import type { ListEntryType } from '../domain/list-match.js';

/**
 * The key of list hashes when LIST_HASH_SECRET is unset: development only. It is public (it is in this file),
 * so anyone could test guesses against its hashes; production refuses to start without a secret.
 */
export const DEVELOPMENT_LIST_HASH_SECRET = 'riskwire-development-list-hash-secret';

/** Characters of the hash a listing shows: enough to tell entries apart, too few to be the stored key. */
export const SHOWN_HASH_CHARS = 12;

/**
 * Keyed, so a dump of the store (Redis) does not give away account ids or phone numbers, and nobody without the
 * secret can test a guess against it. The type is part of the input: the same text as an account id and as a
 * device id is two entries. NUL separates them (it cannot occur in a type name).
 */
export function listValueHash(secret: string, type: ListEntryType, value: string): string {
  return createHmac('sha256', secret).update(`riskwire/list/v1\0${type}\0${value}`, 'utf8').digest('hex');
}
