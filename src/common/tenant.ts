/**
 * A tenant owns decisions: an API key's tenant owns what the key assesses, KAFKA_TENANT owns what the
 * Kafka pipeline decides. Lookups, lists, idempotency records and decision ids are all scoped by it.
 *
 * Explicit tenant ids are lower-case letters, digits, `.`, `_` and `-` (1-63, starting with a letter or a
 * digit): no `:` (it separates the parts of an API key entry), no NUL (it separates the tenant from the
 * event id in the decision-id MAC), nothing that needs escaping in a Redis key.
 */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function isTenantId(value: string): boolean {
  return TENANT_PATTERN.test(value);
}

/** The one tenant of the open API (no key configured: development only). */
export const OPEN_API_TENANT = 'default';
