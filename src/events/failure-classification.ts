import { DeterministicFailure } from '../domain/deterministic-failure.js';
import type { ErrorDescription } from '../domain/error-codes.js';

/**
 * What an exception while processing a Kafka record means for the record, decided here only:
 *
 * - `deterministic`: a DeterministicFailure says the same input fails the same way on every
 *   redelivery (e.g. EVENT_ID_CONFLICT): dead-letter it at once, with its own code.
 * - `unexpected`: a programming error thrown by decoding, scoring or mapping (TypeError,
 *   RangeError, SyntaxError, ...), or something thrown that is not an Error at all. It would most
 *   likely recur, but a bug can depend on timing: try a bounded number of times, then dead-letter
 *   it as PROCESSING_FAILED so the partition moves on.
 * - `transient`: every other Error: kafkajs (broker, decisions or dead-letter topic unavailable),
 *   ioredis (Redis down), socket errors. Waiting helps: the record is held, its offset is not
 *   committed, and it is retried for as long as it takes.
 *
 * Code that fails for a reason of the input must say so with DeterministicFailure; a plain
 * `new Error()` is taken as infrastructure and waited for.
 */
export type FailureClass = { kind: 'deterministic'; error: ErrorDescription } | { kind: 'unexpected' } | { kind: 'transient' };

const PROGRAMMING_ERRORS: (new (...args: never[]) => Error)[] = [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError];

export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof DeterministicFailure) {
    return { kind: 'deterministic', error: { code: error.code, message: error.message, details: error.details } };
  }
  if (!(error instanceof Error)) return { kind: 'unexpected' };
  if (PROGRAMMING_ERRORS.some((type) => error instanceof type)) return { kind: 'unexpected' };
  return { kind: 'transient' };
}
