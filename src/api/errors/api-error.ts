import { DeterministicFailure } from '../../domain/deterministic-failure.js';
import type { ErrorCode, FieldError } from '../../domain/error-codes.js';
import { maskDigitRuns } from '../../common/log-redaction.js';
import { HTTP_STATUS_BY_CODE } from './error-catalogue.js';

// The HTTP column of the one error catalogue (error-catalogue.ts); re-exported for the HTTP filter and specs.
export { HTTP_STATUS_BY_CODE } from './error-catalogue.js';

/**
 * A failure the client is meant to see, with a stable code. Thrown by handlers, guards and services of both
 * transports; ApiExceptionFilter (HTTP) and toGrpcError (gRPC) are the only places that turn it into a response.
 */
export class ApiError extends Error {
  readonly details: FieldError[];

  constructor(
    readonly code: ErrorCode,
    message: string,
    details: FieldError[] = [],
    /** response headers that belong to the error, e.g. Retry-After, WWW-Authenticate */
    readonly headers: Record<string, string> = {},
  ) {
    // An error message may quote what the client sent (a path, an id); none may repeat a phone number or its digits.
    super(maskDigitRuns(message));
    this.name = 'ApiError';
    this.details = details.map((d) => ({ ...d, message: maskDigitRuns(d.message) }));
  }

  get status(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }

  static validation(details: FieldError[], message?: string): ApiError {
    return new ApiError(
      'VALIDATION_ERROR',
      message ?? `Request failed validation: ${details.map((d) => d.field || 'body').join(', ')}`,
      details,
    );
  }

  static notFound(message = 'Resource not found'): ApiError {
    return new ApiError('NOT_FOUND', message);
  }

  /**
   * A use case's DeterministicFailure the client caused (e.g. EVENT_ID_CONFLICT) as the client's error;
   * undefined for anything else, server-side failures included (those stay generic 500s).
   */
  static fromClientFailure(exception: unknown): ApiError | undefined {
    if (!(exception instanceof DeterministicFailure) || HTTP_STATUS_BY_CODE[exception.code] >= 500) return undefined;
    return new ApiError(exception.code, exception.message, exception.details);
  }
}

/** The one error body of the HTTP API. */
export interface ErrorBody {
  status: number;
  code: ErrorCode;
  message: string;
  details: FieldError[];
  requestId: string;
}
