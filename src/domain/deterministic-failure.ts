import type { ErrorCode, FieldError } from './error-codes.js';

/**
 * A failure that would happen again on every redelivery of the same input (an event id already
 * decided for other content, a record that makes decoding or scoring throw). The Kafka pipeline
 * dead-letters it with this code instead of retrying; HTTP and gRPC map the code to their status.
 * Anything that is *not* a DeterministicFailure is treated as possibly transient.
 */
export class DeterministicFailure extends Error {
  override name = 'DeterministicFailure';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: FieldError[] = [],
  ) {
    super(message);
  }
}
