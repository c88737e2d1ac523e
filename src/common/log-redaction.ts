import { maskPhoneNumber } from './mask-phone-number.js';
import { redactRedisUrlsIn } from './redis-url.js';

/**
 * Phone numbers in free text: `+` (or `%2B` in a URL, or the `00` international prefix) and 7-15 digits, which
 * may be grouped by single spaces, dots, dashes or slashes (`+49 170 1234567`). Plain digit runs are left alone
 * in logs: they are offsets, timestamps and counts far more often than numbers.
 */
const PHONE_IN_TEXT = /(?:\+|%2B|\b00)[1-9](?:[ ./-]?\d){6,14}(?!\d)/gi;

export function maskPhoneNumbersInText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (m) => (m.toUpperCase().startsWith('%2B') ? '%2B' + maskPhoneNumber(m.slice(3)) : maskPhoneNumber(m)));
}

/**
 * Any run of 7 or more digits, single spaces or dots allowed between them, as `*`: what a message shown to a client
 * may never quote. Dashes and colons end a run so that the dates in our own examples survive.
 */
const DIGIT_RUN = /\d(?:[ .]?\d){6,}/g;

export function maskDigitRuns(text: string): string {
  return text.replace(DIGIT_RUN, (m) => m.replace(/\d/g, '*'));
}

/** Fields that name a phone number, whatever the code that logs them calls it. */
const PHONE_KEYS = ['phoneNumber', 'phone_number', 'phone', 'msisdn', 'MSISDN'];
const SECRET_KEYS = new Set(['authorization', 'apikey', 'apiKey', 'cookie', 'x-api-key', 'password', 'secret']);

/**
 * pino `redact` paths: headers and keys that carry secrets, phone fields at the top level and two levels down
 * (`event.phoneNumber`, `req.body.phoneNumber`), and the message and stack of a logged error. Deeper phone fields
 * and numbers in other strings are masked by maskLogObject (pino's paths cannot say "at any depth").
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.apikey',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.apiKey',
  'apiKey',
  ...PHONE_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  'err.message',
  'err.stack',
  // ioredis errors carry the failed command: AUTH's password, or a stored decision
  'err.command.args',
  '*.err.command.args',
];

/** What maskPhoneNumber leaves: at most the first two and the last four digits. */
const ALREADY_MASKED = /^\+?(?:\d{2})?\*+(?:\d{4})?$/;

/** A phone field keeps its masked form (`+49******4567`, enough to correlate); anything else in it is dropped. */
export function maskPhoneValue(value: unknown): string {
  // the deep pass and the redact paths both see top-level fields: masking twice would hide the country too
  if (typeof value === 'string' && ALREADY_MASKED.test(value)) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const masked = maskPhoneNumber(String(value));
    return /\d/.test(String(value)) ? masked : '[redacted]';
  }
  return '[redacted]';
}

/** pino's censor: called with the value and the path (whose last element is the key) of every redacted field. */
export function censorLogValue(value: unknown, path: (string | symbol)[]): unknown {
  const key = String(path[path.length - 1]);
  if (SECRET_KEYS.has(key)) return '[redacted]';
  // a failed Redis command's arguments: AUTH's password, or a stored decision
  if (key === 'args' && String(path[path.length - 2]) === 'command') return '[redacted]';
  if (PHONE_KEYS.includes(key)) return maskPhoneValue(value);
  return typeof value === 'string' ? redactRedisUrlsIn(maskPhoneNumbersInText(value)) : value;
}

const MAX_DEPTH = 8;

/**
 * The catch-all, as pino's `formatters.log`: a copy of the logged object with phone fields masked at any depth
 * and phone numbers masked inside every string. Only plain objects and arrays are walked; class instances (a
 * request, an Error) are left to their serializers and to the redact paths above.
 */
export function maskLogObject<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactRedisUrlsIn(maskPhoneNumbersInText(value)) as T;
  if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => maskLogObject(item, depth + 1)) as T;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = PHONE_KEYS.includes(key) ? maskPhoneValue(item) : maskLogObject(item, depth + 1);
  }
  return copy as T;
}

/** The privacy half of the pino options, shared by the service's logger and the spec that proves it. */
export const PINO_PRIVACY_OPTIONS = {
  redact: { paths: REDACTED_LOG_PATHS, censor: censorLogValue },
  formatters: { log: (object: Record<string, unknown>) => maskLogObject(object) },
  hooks: {
    logMethod(this: unknown, args: unknown[], method: (...args: unknown[]) => void) {
      method.apply(
        this,
        args.map((a) => (typeof a === 'string' ? redactRedisUrlsIn(maskPhoneNumbersInText(a)) : a)),
      );
    },
  },
};
