import type { Metadata, ServerUnaryCall } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { ArgumentsHost, Catch, Controller, Logger, RpcExceptionFilter, UseFilters } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';
import { RiskwireMetrics } from '../../metrics/riskwire-metrics.js';
import type { ApiPrincipal } from '../auth/api-authenticator.js';
import { ApiGate, clientAddressOf } from '../auth/api-gate.js';
import { ApiError } from '../errors/api-error.js';
import type { ApiScope } from '../../credentials/api-keys.js';
import { AssessmentsService } from '../assessments.service.js';
import { GRPC_STATUS_BY_CODE, toGrpcError } from '../errors/grpc-error.js';
import { assessRequestToEventPayload, decisionToMessage, type AssessRequestMessage, type DecisionMessage } from './grpc-mapping.js';
import { parsePageRequest } from '../http/paging.js';

/**
 * Time kept back from the caller's deadline to score, encode and send the answer before the client
 * gives up: a fifth of the budget, at least 40 ms (timers fire late on a busy event loop), at most 250 ms.
 */
function deadlineMarginMs(budgetMs: number): number {
  return Math.min(250, Math.max(40, budgetMs * 0.2));
}

@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter {
  private readonly logger = new Logger('RiskGrpc');
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => toGrpcError(exception, this.logger));
  }
}

/** riskwire.v1.RiskService: thin handlers over the same use cases as HTTP. */
@Controller()
@UseFilters(GrpcExceptionFilter)
export class RiskGrpcController {
  constructor(
    private readonly assessments: AssessmentsService,
    private readonly gate: ApiGate,
    private readonly metrics: RiskwireMetrics,
  ) {}

  @GrpcMethod('RiskService', 'Assess')
  assess(request: AssessRequestMessage, metadata: Metadata, call: ServerUnaryCall<unknown, unknown>): Promise<DecisionMessage> {
    return this.observe('Assess', async () => {
      const receivedAt = Date.now();
      const { tenant } = await this.authorize(metadata, 'assess', call);
      const { event } = await this.assessments.parseRequest(assessRequestToEventPayload(request));
      const decision = await this.assessments.assess(event, { source: 'grpc', tenant, receivedAt, deadline: deadlineOf(call) });
      return decisionToMessage(decision);
    });
  }

  @GrpcMethod('RiskService', 'GetDecision')
  getDecision(request: { decisionId?: string }, metadata: Metadata, call: ServerUnaryCall<unknown, unknown>): Promise<DecisionMessage> {
    return this.observe('GetDecision', async () => {
      const { tenant } = await this.authorize(metadata, 'read', call);
      if (!request.decisionId)
        throw ApiError.validation([{ field: 'decision_id', code: 'PARAMETER_REQUIRED', message: 'decision_id is required' }]);
      const found = await this.assessments.find(tenant, request.decisionId);
      if (!('outcome' in found)) throw ApiError.notFound(`Decision ${found.decisionId} is ${found.status}`);
      return decisionToMessage(found);
    });
  }

  @GrpcMethod('RiskService', 'ListDecisions')
  listDecisions(
    request: { accountId?: string; pageSize?: number; pageNumber?: number },
    metadata: Metadata,
    call: ServerUnaryCall<unknown, unknown>,
  ) {
    return this.observe('ListDecisions', async () => {
      const { tenant } = await this.authorize(metadata, 'read', call);
      const page = parsePageRequest(
        { accountId: request.accountId, pageSize: request.pageSize, pageNumber: request.pageNumber },
        { pageSize: 'page_size', pageNumber: 'page_number' },
      );
      const { items, total } = await this.assessments.list(tenant, page);
      return {
        decisions: items.map(decisionToMessage),
        count: total,
        pageSize: page.pageSize,
        pageNumber: page.pageNumber,
        nextPageNumber: page.pageNumber * page.pageSize < total ? page.pageNumber + 1 : 0,
      };
    });
  }

  private async authorize(metadata: Metadata, scope: ApiScope, call: ServerUnaryCall<unknown, unknown>): Promise<ApiPrincipal> {
    const value = metadata.get('authorization')[0];
    const { principal } = await this.gate.admit(typeof value === 'string' ? value : undefined, scope, clientAddressOf(call.getPeer()));
    return principal;
  }

  private async observe<T>(method: string, run: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    let code: status = status.OK;
    try {
      return await run();
    } catch (err) {
      const apiError = err instanceof ApiError ? err : ApiError.fromClientFailure(err);
      code = apiError ? GRPC_STATUS_BY_CODE[apiError.code] : status.INTERNAL;
      throw err;
    } finally {
      const labels = { method, code: status[code] ?? 'UNKNOWN' };
      this.metrics.grpcRequests.inc(labels);
      this.metrics.grpcDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}

function deadlineOf(call: ServerUnaryCall<unknown, unknown>): number | undefined {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? ms - deadlineMarginMs(ms - Date.now()) : undefined;
}
