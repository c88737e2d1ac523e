import { DeterministicFailure } from '../../domain/deterministic-failure.js';
import type { ErrorCode, FieldError } from '../../domain/error-codes.js';
import { maskDigitRuns } from '../../common/log-redaction.js';

/** HTTP status for every code the API can answer with; one table, read by the HTTP filter. */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 400,
  MALFORMED_JSON: 400,
  UNSUPPORTED_EVENT_TYPE: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  EVENT_ID_CONFLICT: 409,
  PROCESSING_FAILED: 500,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  UNAVAILABLE: 503,
};

/**
 * A failure the client is meant to see, with a stable code. Thrown by handlers, guards and services of both
 * transports; the HTTP filter and the gRPC filter are the only places that turn it into a response.
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
    return new ApiError('VALIDATION_ERROR', message ?? `Request failed validation: ${details.map((d) => d.field || 'body').join(', ')}`, details);
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
