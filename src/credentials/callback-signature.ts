import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): what every callback carries, and what a
 * receiver checks. docs/api.md shows the receiver's side with the `standardwebhooks` library.
 */
export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

/** The spec's conventional secret form: the key bytes in base64 after this prefix. */
export const WHSEC_PREFIX = 'whsec_';
/** The floor for a signing key in production: HMAC-SHA256 gains nothing past its 32-byte output, and loses below it. */
export const MIN_SIGNING_KEY_BYTES = 32;
/** How far a receiver lets the timestamp be from its clock (the spec's and the libraries' default). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export class SigningSecretError extends Error {
  override name = 'SigningSecretError';
}

/** A signing key: its bytes, and where it came from for messages (never the secret itself). */
export interface SigningKey {
  bytes: Buffer;
  /** 'current' or 'previous', by position in CALLBACK_SIGNING_SECRET */
  label: string;
}

const RAW_SECRET = /^[\x21-\x7e]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parses CALLBACK_SIGNING_SECRET: one secret, or two separated by whitespace or a comma while one is rotated out
 * (callbacks are then signed with both, so a receiver holding either verifies). Each is either `whsec_<base64 of the
 * key bytes>` (the spec's form, what the libraries take) or a raw printable-ASCII string without spaces or commas,
 * whose bytes are the key. Errors say which secret and why, never its value.
 */
export function parseSigningSecrets(spec: string): SigningKey[] {
  const parts = spec.split(/[\s,]+/).filter((p) => p.length > 0);
  if (parts.length === 0) throw new SigningSecretError('is empty');
  if (parts.length > 2)
    throw new SigningSecretError(`holds ${parts.length} secrets; at most two (the current one and the one being rotated out)`);
  return parts.map((part, index) => {
    const label = index === 0 ? 'current' : 'previous';
    if (part.startsWith(WHSEC_PREFIX)) {
      const encoded = part.slice(WHSEC_PREFIX.length);
      if (!BASE64.test(encoded) || encoded.length % 4 !== 0)
        throw new SigningSecretError(`the ${label} secret starts with ${WHSEC_PREFIX} but the rest is not base64`);
      return { bytes: Buffer.from(encoded, 'base64'), label };
    }
    if (!RAW_SECRET.test(part)) throw new SigningSecretError(`the ${label} secret has characters outside printable ASCII`);
    return { bytes: Buffer.from(part, 'ascii'), label };
  });
}

/** A fresh message id: one per delivery, kept across its retries so receivers can de-duplicate. */
export function newWebhookId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}

function signature(key: Buffer, id: string, timestamp: number, body: string): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
}

/** The three headers of one delivery attempt, signed with every key (space-separated `v1,<sig>` entries). */
export function signWebhook(
  keys: readonly SigningKey[],
  id: string,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Record<string, string> {
  if (keys.length === 0) throw new SigningSecretError('no signing key');
  return {
    [WEBHOOK_ID_HEADER]: id,
    [WEBHOOK_TIMESTAMP_HEADER]: String(nowSeconds),
    [WEBHOOK_SIGNATURE_HEADER]: keys.map((k) => `v1,${signature(k.bytes, id, nowSeconds, body)}`).join(' '),
  };
}

/**
 * The receiver's check: the timestamp within the tolerance and one `v1` entry matching one of the keys, compared in
 * constant time. Header names are matched case-insensitively.
 */
export function verifyWebhook(
  keys: readonly SigningKey[],
  body: string,
  headers: Record<string, string | string[] | undefined>,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const header = (name: string) => {
    const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
    return Array.isArray(entry) ? entry[0] : entry;
  };
  const id = header(WEBHOOK_ID_HEADER);
  const timestampText = header(WEBHOOK_TIMESTAMP_HEADER);
  const signatures = header(WEBHOOK_SIGNATURE_HEADER);
  if (!id || !timestampText || !signatures || !/^\d+$/.test(timestampText)) return false;
  const timestamp = Number(timestampText);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const given = signatures
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version, value]) => version === 'v1' && value)
    .map(([, value]) => Buffer.from(value!, 'base64'));
  return keys.some((key) => {
    const expected = Buffer.from(signature(key.bytes, id, timestamp, body), 'base64');
    return given.some((g) => g.length === expected.length && timingSafeEqual(g, expected));
  });
}
