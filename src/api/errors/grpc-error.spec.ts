import { describe, expect, it } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { ApiError } from './api-error.js';
import { GRPC_ERROR_CODE_TRAILER, GRPC_ERROR_TRAILER, toGrpcError } from './grpc-error.js';

function recordingLogger() {
  const logged: unknown[] = [];
  return { logged, logger: { error: (...args: unknown[]) => logged.push(args) } };
}

describe('toGrpcError, the one gRPC translation', () => {
  it('answers an ApiError with its catalogue status and the same body in the trailers', () => {
    const { logged, logger } = recordingLogger();
    const reply = toGrpcError(new ApiError('RATE_LIMITED', 'Rate limit exceeded', [], { 'Retry-After': '7' }), logger);
    expect(reply.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(reply.metadata.get(GRPC_ERROR_CODE_TRAILER)).toEqual(['RATE_LIMITED']);
    expect(JSON.parse(String(reply.metadata.get(GRPC_ERROR_TRAILER)[0]))).toMatchObject({ code: 'RATE_LIMITED' });
    expect(reply.metadata.get('retry-after')).toEqual(['7']);
    expect(logged).toEqual([]);
  });

  it('answers anything unexpected with INTERNAL and a generic message, logging it once', () => {
    const { logged, logger } = recordingLogger();
    const reply = toGrpcError(new Error('boom'), logger);
    expect(reply.code).toBe(status.INTERNAL);
    expect(reply.details).toBe('Internal error');
    expect(logged).toHaveLength(1);
  });

  it('passes on a reply it made before unchanged, without logging again (handler, then exception filter)', () => {
    const { logged, logger } = recordingLogger();
    const reply = toGrpcError(new Error('boom'), logger);
    expect(toGrpcError(reply, logger)).toBe(reply);
    expect(logged).toHaveLength(1);
    // A look-alike that did not come from the translation is not trusted.
    const lookAlike = { code: status.OK, details: 'fine', message: 'fine', metadata: reply.metadata };
    expect(toGrpcError(lookAlike, logger).code).toBe(status.INTERNAL);
  });
});
