import type { ErrorDescription } from '../common/error-codes.js';

/** What lands on the dead-letter topic: enough to understand, fix and replay the record. */
export interface DeadLetter {
  error: ErrorDescription;
  source: { topic: string; partition: number; offset: string; key: string | null };
  payload: string | null;
  payloadEncoding: 'utf8' | 'base64';
  receivedAt: string;
}
