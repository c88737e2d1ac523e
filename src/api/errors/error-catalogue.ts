import { status } from '@grpc/grpc-js';
import type { ErrorCode } from '../../domain/error-codes.js';

/**
 * Every code the API can answer with and what each transport answers it with, side by side: the one table a new
 * code is added to (the compiler asks for both columns). HTTP reads it through ApiError.status and the exception
 * filter, gRPC through toGrpcError.
 */
export const ERROR_CATALOGUE: Record<ErrorCode, { http: number; grpc: status }> = {
  VALIDATION_ERROR: { http: 400, grpc: status.INVALID_ARGUMENT },
  MALFORMED_JSON: { http: 400, grpc: status.INVALID_ARGUMENT },
  UNSUPPORTED_EVENT_TYPE: { http: 400, grpc: status.INVALID_ARGUMENT },
  UNAUTHORIZED: { http: 401, grpc: status.UNAUTHENTICATED },
  FORBIDDEN: { http: 403, grpc: status.PERMISSION_DENIED },
  NOT_FOUND: { http: 404, grpc: status.NOT_FOUND },
  CONFLICT: { http: 409, grpc: status.ALREADY_EXISTS },
  EVENT_ID_CONFLICT: { http: 409, grpc: status.ALREADY_EXISTS },
  PROCESSING_FAILED: { http: 500, grpc: status.INTERNAL },
  PAYLOAD_TOO_LARGE: { http: 413, grpc: status.RESOURCE_EXHAUSTED },
  RATE_LIMITED: { http: 429, grpc: status.RESOURCE_EXHAUSTED },
  UNAVAILABLE: { http: 503, grpc: status.UNAVAILABLE },
  INTERNAL_ERROR: { http: 500, grpc: status.INTERNAL },
};

const column = <K extends 'http' | 'grpc'>(key: K) =>
  Object.fromEntries(Object.entries(ERROR_CATALOGUE).map(([code, row]) => [code, row[key]])) as Record<
    ErrorCode,
    (typeof ERROR_CATALOGUE)[ErrorCode][K]
  >;

/**
 * The code a bare HTTP status becomes (Nest's HttpExceptions, unknown routes, body-parser errors): the row of
 * ERROR_CATALOGUE that stands for it (the spec checks each has that status). Others: 5xx INTERNAL_ERROR,
 * 4xx VALIDATION_ERROR (api-exception.filter.ts).
 */
export const CODE_BY_HTTP_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** The HTTP column of ERROR_CATALOGUE. */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = column('http');
/** The gRPC column of ERROR_CATALOGUE. */
export const GRPC_STATUS_BY_CODE: Record<ErrorCode, status> = column('grpc');
