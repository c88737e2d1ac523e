import { maskPhoneNumber } from '../signals/mask-phone-number.js';

// E.164-looking runs of digits anywhere in a log line; masked whatever code logged them.
const PHONE_IN_TEXT = /\+[1-9]\d{6,14}\b/g;

export function maskPhoneNumbersInText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (m) => maskPhoneNumber(m));
}

/** Structured fields that may carry secrets or personal data, for pino's redact. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.apikey',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.apiKey',
  '*.phoneNumber',
  'phoneNumber',
  'apiKey',
  // ioredis errors carry the failed command: AUTH's password, or a stored decision
  'err.command.args',
  '*.err.command.args',
];
