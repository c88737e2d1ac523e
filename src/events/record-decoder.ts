import type { ErrorDescription } from '../common/error-codes.js';
import { validateEvent } from './event-validation.js';
import type { RiskEvent } from './risk-event.js';

export type DecodedRecord =
  | { ok: true; event: RiskEvent }
  | { ok: false; error: ErrorDescription; payload: string | null; payloadEncoding: 'utf8' | 'base64'; eventType?: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Payload as it is kept in a dead letter: text when it is valid UTF-8, base64 otherwise, never lost. */
function preserve(value: Buffer | null): { payload: string | null; payloadEncoding: 'utf8' | 'base64'; text?: string } {
  if (value === null) return { payload: null, payloadEncoding: 'utf8' };
  try {
    const text = utf8.decode(value);
    return { payload: text, payloadEncoding: 'utf8', text };
  } catch {
    return { payload: value.toString('base64'), payloadEncoding: 'base64' };
  }
}

/** bytes -> validated event, or the reason it must go to the dead-letter topic */
export function decodeRecord(value: Buffer | null, maxPayloadBytes: number): DecodedRecord {
  const kept = preserve(value);
  const fail = (error: ErrorDescription, eventType?: string): DecodedRecord => ({ ok: false, error, payload: kept.payload, payloadEncoding: kept.payloadEncoding, eventType });
  if (value !== null && value.length > maxPayloadBytes) {
    return fail({ code: 'PAYLOAD_TOO_LARGE', message: `Payload of ${value.length} bytes exceeds the limit of ${maxPayloadBytes} bytes`, details: [] });
  }
  if (kept.text === undefined) {
    const why = value === null ? 'Record has no value (tombstone)' : 'Payload is not valid UTF-8';
    return fail({ code: 'MALFORMED_JSON', message: why, details: [] });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(kept.text);
  } catch (e) {
    return fail({ code: 'MALFORMED_JSON', message: `Payload is not valid JSON: ${(e as Error).message.slice(0, 200)}`, details: [] });
  }
  const result = validateEvent(parsed);
  if (result.ok) return result;
  const type = (parsed as { type?: unknown } | null)?.type;
  return fail(result.error, type === 'login' || type === 'transaction' ? type : undefined);
}
