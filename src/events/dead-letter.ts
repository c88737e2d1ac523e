import { createHash } from 'node:crypto';
import type { ErrorDescription } from '../domain/error-codes.js';

/** What lands on the dead-letter topic: enough to understand, fix and replay the record. */
export interface DeadLetter {
  error: ErrorDescription;
  source: {
    topic: string;
    partition: number;
    offset: string;
    key: string | null;
    keyEncoding: 'utf8' | 'base64';
    keyTruncated: boolean;
    /** size and digest of the original key, present when it was cut */
    keyBytes?: number;
    keySha256?: string;
  };
  /** the record value (or its first part): text when valid UTF-8, else base64 */
  payload: string | null;
  payloadEncoding: 'utf8' | 'base64';
  /** true when payload is only the beginning of the value (see payloadBytes and payloadSha256) */
  payloadTruncated: boolean;
  /** size of the original value in bytes (0 for a tombstone) */
  payloadBytes: number;
  /** hex SHA-256 of the original value, to match a replay against it; null for a tombstone */
  payloadSha256: string | null;
  receivedAt: string;
}

export interface DeadLetterLimits {
  /** bound of `payload` as it appears in the JSON text (escapes and base64 included) */
  maxPayloadBytes: number;
  /** bound of `source.key`, likewise */
  maxKeyBytes: number;
}

/** What the dead letter keeps of the inbound record. */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const MAX_DETAILS = 20;
const MAX_MESSAGE_CHARS = 500;

/** Bytes one UTF-16 code unit (or surrogate pair) takes once JSON.stringify has escaped it. */
function escapedSize(code: number): number {
  if (code === 0x22 || code === 0x5c) return 2; // \" \\
  if (code < 0x20) return code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d ? 2 : 6; // \n or \u0001
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdfff) return 6; // lone surrogate (\udxxx); pairs are handled by the caller
  return 3;
}

/** The longest prefix of text whose JSON-escaped UTF-8 form fits in maxBytes (never splitting a character). */
export function cutToEncodedBytes(text: string, maxBytes: number): { text: string; cut: boolean } {
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    const pair = code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
    const size = pair ? 4 : escapedSize(code);
    if (used + size > maxBytes) return { text: text.slice(0, i), cut: true };
    used += size;
    if (pair) i++;
  }
  return { text, cut: false };
}

/** Bytes kept as text when they are valid UTF-8 (else base64), cut so the JSON form stays within maxBytes. */
function keep(bytes: Buffer, maxBytes: number): { text: string; encoding: 'utf8' | 'base64'; truncated: boolean } {
  try {
    const { text, cut } = cutToEncodedBytes(utf8.decode(bytes), maxBytes);
    return { text, encoding: 'utf8', truncated: cut };
  } catch {
    const fits = Math.floor(maxBytes / 4) * 3;
    const truncated = bytes.length > fits;
    return { text: (truncated ? bytes.subarray(0, fits) : bytes).toString('base64'), encoding: 'base64', truncated };
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Error text comes from validators and exceptions: bound it too, so no record makes its letter grow. */
function bounded(error: ErrorDescription): ErrorDescription {
  const cut = (s: string) => (s.length > MAX_MESSAGE_CHARS ? `${s.slice(0, MAX_MESSAGE_CHARS)}…` : s);
  const details = error.details.slice(0, MAX_DETAILS).map((d) => ({ ...d, field: cut(d.field), message: cut(d.message) }));
  const more = error.details.length - details.length;
  return { code: error.code, message: cut(error.message) + (more > 0 ? ` (${more} more field errors not listed)` : ''), details };
}

function sourceOf(record: DeadLetterSource, maxKeyBytes: number): DeadLetter['source'] {
  const base = { topic: record.topic, partition: record.partition, offset: record.offset };
  if (record.key === null) return { ...base, key: null, keyEncoding: 'utf8', keyTruncated: false };
  const key = keep(record.key, maxKeyBytes);
  const source: DeadLetter['source'] = { ...base, key: key.text, keyEncoding: key.encoding, keyTruncated: key.truncated };
  if (key.truncated) Object.assign(source, { keyBytes: record.key.length, keySha256: sha256(record.key) });
  return source;
}

/** The dead letter of a record: its payload and key kept as far as the limits allow, sized and hashed. */
export function buildDeadLetter(
  record: DeadLetterSource,
  error: ErrorDescription,
  limits: DeadLetterLimits,
  receivedAt = new Date(),
): DeadLetter {
  const value = record.value;
  const payload = value === null ? null : keep(value, limits.maxPayloadBytes);
  return {
    error: bounded(error),
    source: sourceOf(record, limits.maxKeyBytes),
    payload: payload?.text ?? null,
    payloadEncoding: payload?.encoding ?? 'utf8',
    payloadTruncated: payload?.truncated ?? false,
    payloadBytes: value?.length ?? 0,
    payloadSha256: value === null ? null : sha256(value),
    receivedAt: receivedAt.toISOString(),
  };
}

/**
 * What is left when the broker refuses even the bounded dead letter (a topic with a small
 * max.message.bytes): where the record was, why, and how to recognise it; no payload, a short key.
 */
export function minimalDeadLetter(record: DeadLetterSource, error: ErrorDescription, why: string, receivedAt = new Date()): DeadLetter {
  const letter = buildDeadLetter(
    record,
    { code: error.code, message: `${error.message.slice(0, 200)} [${why}]`, details: [] },
    { maxPayloadBytes: 0, maxKeyBytes: 256 },
    receivedAt,
  );
  return { ...letter, payload: null, payloadTruncated: letter.payloadBytes > 0 };
}
