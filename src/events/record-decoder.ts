import type { ErrorDescription } from '../domain/error-codes.js';
import { maskDigitRuns } from '../common/log-redaction.js';
import { validateEventFast } from '../contract/compiled-event-validation.js';
import { jsonNestingExceeds } from '../contract/json-depth.js';
import type { RiskEvent } from '../domain/risk-event.js';

export type DecodedRecord = { ok: true; event: RiskEvent } | { ok: false; error: ErrorDescription; eventType?: string };

export interface DecodeLimits {
  maxPayloadBytes: number;
  maxKeyBytes: number;
  /** deepest nesting of arrays and objects accepted (the events need 2) */
  maxJsonDepth: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const BOM = '\uFEFF';

/**
 * Record bytes -> validated event, or the reason it must go to the dead-letter topic. Every check
 * that guards the parser runs before it: size, encoding, byte order mark, nesting depth. The record
 * itself is kept by the dead letter (see dead-letter.ts), not here.
 */
export function decodeRecord(record: { key: Buffer | null; value: Buffer | null }, limits: DecodeLimits): DecodedRecord {
  const fail = (error: ErrorDescription, eventType?: string): DecodedRecord => ({ ok: false, error, eventType });
  const { key, value } = record;
  if (key !== null && key.length > limits.maxKeyBytes) {
    return fail({
      code: 'PAYLOAD_TOO_LARGE',
      message: `Record key of ${key.length} bytes exceeds the limit of ${limits.maxKeyBytes} bytes`,
      details: [],
    });
  }
  if (value === null) return fail({ code: 'MALFORMED_JSON', message: 'Record has no value (tombstone)', details: [] });
  if (value.length > limits.maxPayloadBytes) {
    return fail({
      code: 'PAYLOAD_TOO_LARGE',
      message: `Payload of ${value.length} bytes exceeds the limit of ${limits.maxPayloadBytes} bytes`,
      details: [],
    });
  }
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return fail({ code: 'MALFORMED_JSON', message: 'Payload is not valid UTF-8', details: [] });
  }
  // RFC 8259 forbids a BOM in JSON on the wire; JSON.parse would only say "unexpected token".
  if (text.startsWith(BOM))
    return fail({
      code: 'MALFORMED_JSON',
      message: 'Payload starts with a byte order mark (U+FEFF), which JSON text must not',
      details: [],
    });
  if (jsonNestingExceeds(text, limits.maxJsonDepth)) {
    return fail({
      code: 'MALFORMED_JSON',
      message: `Payload nests arrays or objects deeper than ${limits.maxJsonDepth} levels`,
      details: [],
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return fail({
      code: 'MALFORMED_JSON',
      message: `Payload is not valid JSON: ${maskDigitRuns((e as Error).message.slice(0, 200))}`,
      details: [],
    });
  }
  const result = validateEventFast(parsed);
  if (result.ok) return result;
  const type = (parsed as { type?: unknown } | null)?.type;
  return fail(result.error, type === 'login' || type === 'transaction' ? type : undefined);
}
