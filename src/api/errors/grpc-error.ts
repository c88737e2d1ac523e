import { Metadata, status } from '@grpc/grpc-js';
import type { Logger } from '@nestjs/common';
import type { ErrorCode } from '../../domain/error-codes.js';
import { ApiError } from './api-error.js';

export const GRPC_STATUS_BY_CODE: Record<ErrorCode, status> = {
  VALIDATION_ERROR: status.INVALID_ARGUMENT,
  MALFORMED_JSON: status.INVALID_ARGUMENT,
  UNSUPPORTED_EVENT_TYPE: status.INVALID_ARGUMENT,
  UNAUTHORIZED: status.UNAUTHENTICATED,
  FORBIDDEN: status.PERMISSION_DENIED,
  NOT_FOUND: status.NOT_FOUND,
  CONFLICT: status.ALREADY_EXISTS,
  EVENT_ID_CONFLICT: status.ALREADY_EXISTS,
  PROCESSING_FAILED: status.INTERNAL,
  PAYLOAD_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  RATE_LIMITED: status.RESOURCE_EXHAUSTED,
  UNAVAILABLE: status.UNAVAILABLE,
  INTERNAL_ERROR: status.INTERNAL,
};

/** What grpc-js sends back when a unary handler calls back with it: status code, message and trailers. */
export interface GrpcServiceError {
  code: status;
  details: string;
  message: string;
  metadata: Metadata;
}

/** Trailer carrying the same {code, message, details} body as the HTTP API, as JSON bytes. */
export const GRPC_ERROR_TRAILER = 'riskwire-error-bin';
export const GRPC_ERROR_CODE_TRAILER = 'riskwire-error-code';

export function toGrpcError(exception: unknown, logger: Pick<Logger, 'error'>): GrpcServiceError {
  let error: ApiError;
  const clientFailure = ApiError.fromClientFailure(exception);
  if (exception instanceof ApiError) {
    error = exception;
  } else if (clientFailure) {
    error = clientFailure;
  } else {
    logger.error({ err: exception }, exception instanceof Error ? exception.stack : String(exception));
    error = new ApiError('INTERNAL_ERROR', 'Internal error');
  }
  const metadata = new Metadata();
  metadata.set(GRPC_ERROR_CODE_TRAILER, error.code);
  metadata.set(GRPC_ERROR_TRAILER, Buffer.from(JSON.stringify({ code: error.code, message: error.message, details: error.details })));
  const retryAfter = error.headers['Retry-After'];
  if (retryAfter) metadata.set('retry-after', retryAfter);
  // Field details also go in the message so plain clients (grpcurl) show them without decoding trailers.
  const details = error.details.length > 0 ? `${error.message} ${JSON.stringify(error.details)}` : error.message;
  return { code: GRPC_STATUS_BY_CODE[error.code], details, message: details, metadata };
}
