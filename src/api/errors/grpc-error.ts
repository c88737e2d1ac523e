import { Metadata, status } from '@grpc/grpc-js';
import type { Logger } from '@nestjs/common';
import { ApiError } from './api-error.js';
import { GRPC_STATUS_BY_CODE } from './error-catalogue.js';

// The gRPC column of the one error catalogue (error-catalogue.ts); re-exported for the gRPC controller.
export { GRPC_STATUS_BY_CODE } from './error-catalogue.js';

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
