import { canonicalJson, sha256Hex } from '../common/canonical-json.js';
import type { RiskEvent } from '../domain/risk-event.js';

/**
 * What makes a retained decision reusable: the SHA-256 of the validated, normalised event as canonical
 * JSON (keys sorted, unknown fields already dropped). A redelivery or a retry has the same fingerprint
 * whatever its key order; the same eventId with any other field changed does not.
 */
export function eventFingerprint(event: RiskEvent): string {
  return sha256Hex(canonicalJson(event));
}
