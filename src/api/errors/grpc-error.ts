import { Metadata, status } from '@grpc/grpc-js';
import type { Logger } from '@nestjs/common';
import { ApiError } from './api-error.js';
import { GRPC_STATUS_BY_CODE } from './error-catalogue.js';

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

/** What toGrpcError made, so that a translated error passed on to the exception filter is not translated twice. */
const translated = new WeakSet<GrpcServiceError>();

/**
 * The one gRPC translation of the error catalogue, for every error a gRPC handler raises: ApiError and client
 * failures by their code, anything else INTERNAL_ERROR (logged here, once). Idempotent: an error it made before
 * is returned as it is (the handlers translate to count the status, the filter translates what reaches it).
 */
export function toGrpcError(exception: unknown, logger: Pick<Logger, 'error'>): GrpcServiceError {
  if (typeof exception === 'object' && exception !== null && translated.has(exception as GrpcServiceError)) {
    return exception as GrpcServiceError;
  }
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
  const reply: GrpcServiceError = { code: GRPC_STATUS_BY_CODE[error.code], details, message: details, metadata };
  translated.add(reply);
  return reply;
}
