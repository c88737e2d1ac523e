import { createHash } from 'node:crypto';

/**
 * Deterministic: a replayed or re-submitted event (Kafka redelivery, HTTP retry, gRPC) gets the
 * same decision id, so consumers can de-duplicate on it.
 */
export function decisionIdFor(eventId: string): string {
  return 'dec_' + createHash('sha256').update('riskwire/decision/v1\0' + eventId).digest('base64url').slice(0, 26);
}
