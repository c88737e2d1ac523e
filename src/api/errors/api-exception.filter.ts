import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { HttpRequest as Request, HttpResponse as Response } from '../http/http-types.js';
import type { FieldError } from '../../domain/error-codes.js';
import { ApiError, type ErrorBody } from './api-error.js';
import { CODE_BY_HTTP_STATUS } from './error-catalogue.js';
import { toGrpcError } from './grpc-error.js';
import { requestIdOf } from '../http/request-id.middleware.js';
import { throwError } from 'rxjs';

/** body-parser (and other http-errors) failures arrive as plain errors with a `type` and an exposed status. */
interface HttpErrorLike {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
}

/**
 * The one owner of every HTTP error body: ApiError, Nest's HttpExceptions (unknown routes included),
 * body-parser failures and anything unexpected (500, generic message, full error logged here only).
 * On gRPC it hands the error to the one gRPC translation, toGrpcError (which passes on one already translated).
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() === 'rpc') return throwError(() => toGrpcError(exception, this.logger));
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const requestId = requestIdOf(req, res);
    const error = this.toApiError(exception, req, requestId);
    const body: ErrorBody = { status: error.status, code: error.code, message: error.message, details: error.details, requestId };
    if (res.headersSent) {
      res.end();
      return;
    }
    res.setHeader('X-Request-Id', requestId);
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    res.status(body.status).json(body);
  }

  private toApiError(exception: unknown, req: Request, requestId: string): ApiError {
    if (exception instanceof ApiError) return exception;
    const clientFailure = ApiError.fromClientFailure(exception);
    if (clientFailure) return clientFailure;
    // Nest wraps body-parser's http-errors in an HttpException; the cause says what went wrong.
    const bodyError = bodyParserError(exception instanceof HttpException ? exception.cause : exception);
    if (bodyError) return bodyError;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return ApiError.notFound(`No route ${req.method} ${req.path}`);
      const code = CODE_BY_HTTP_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR');
      if (code === 'INTERNAL_ERROR') return this.internal(exception, req, requestId);
      return new ApiError(code, exception.message);
    }
    return this.internal(exception, req, requestId);
  }

  private internal(exception: unknown, req: Request, requestId: string): ApiError {
    this.logger.error(
      { err: exception, requestId, method: req.method, route: (req.route as { path?: string } | undefined)?.path },
      exception instanceof Error ? exception.stack : String(exception),
    );
    return new ApiError('INTERNAL_ERROR', 'Internal error; quote the request id when reporting it');
  }
}

function bodyParserError(error: unknown): ApiError | undefined {
  const httpError = error as HttpErrorLike | null | undefined;
  if (!httpError || typeof httpError !== 'object' || httpError.expose !== true) return undefined;
  if (httpError.type === 'entity.parse.failed') {
    return ApiError.validation(
      [{ field: '', code: 'PARAMETER_INVALID', message: 'body is not valid JSON' }],
      'Request body is not valid JSON',
    );
  }
  if (httpError.type === 'entity.too.large') return new ApiError('PAYLOAD_TOO_LARGE', 'Request body is too large');
  const status = httpError.status ?? httpError.statusCode ?? 400;
  if (status >= 500) return undefined;
  const details: FieldError[] = [{ field: '', code: 'PARAMETER_INVALID', message: (error as Error).message }];
  return new ApiError(CODE_BY_HTTP_STATUS[status] ?? 'VALIDATION_ERROR', 'Request body could not be read', details);
}
