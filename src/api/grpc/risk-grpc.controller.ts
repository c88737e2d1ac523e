import type { Metadata, ServerUnaryCall } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { Controller, Logger, UseFilters } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { RiskwireMetrics } from '../../metrics/riskwire-metrics.js';
import { ApiAuthenticator, type ApiPrincipal } from '../auth/api-authenticator.js';
import { ApiError } from '../errors/api-error.js';
import type { ApiScope } from '../../credentials/api-keys.js';
import { AssessmentsService } from '../assessments.service.js';
import { ApiExceptionFilter } from '../errors/api-exception.filter.js';
import { toGrpcError } from '../errors/grpc-error.js';
import { assessRequestToEventPayload, decisionToMessage, type AssessRequestMessage, type DecisionMessage } from './grpc-mapping.js';
import { parsePageRequest } from '../http/paging.js';

/**
 * Time kept back from the caller's deadline to score, encode and send the answer before the client
 * gives up: a fifth of the budget, at least 40 ms (timers fire late on a busy event loop), at most 250 ms.
 */
function deadlineMarginMs(budgetMs: number): number {
  return Math.min(250, Math.max(40, budgetMs * 0.2));
}

/**
 * riskwire.v1.RiskService: thin handlers over the same use cases as HTTP. Every error takes the one gRPC
 * translation (errors/grpc-error.ts toGrpcError): a handler's in observe(), which counts the status it
 * gets; one raised around a handler in ApiExceptionFilter's gRPC branch, which passes a translated one on.
 */
@Controller()
@UseFilters(ApiExceptionFilter)
export class RiskGrpcController {
  private readonly logger = new Logger('RiskGrpc');

  constructor(
    private readonly assessments: AssessmentsService,
    private readonly auth: ApiAuthenticator,
    private readonly metrics: RiskwireMetrics,
  ) {}

  @GrpcMethod('RiskService', 'Assess')
  assess(request: AssessRequestMessage, metadata: Metadata, call: ServerUnaryCall<unknown, unknown>): Promise<DecisionMessage> {
    return this.observe('Assess', async () => {
      const receivedAt = Date.now();
      const { tenant } = this.authorize(metadata, 'assess');
      const { event } = await this.assessments.parseRequest(assessRequestToEventPayload(request));
      const decision = await this.assessments.assess(event, { source: 'grpc', tenant, receivedAt, deadline: deadlineOf(call) });
      return decisionToMessage(decision);
    });
  }

  @GrpcMethod('RiskService', 'GetDecision')
  getDecision(request: { decisionId?: string }, metadata: Metadata): Promise<DecisionMessage> {
    return this.observe('GetDecision', async () => {
      const { tenant } = this.authorize(metadata, 'read');
      if (!request.decisionId)
        throw ApiError.validation([{ field: 'decision_id', code: 'PARAMETER_REQUIRED', message: 'decision_id is required' }]);
      const found = await this.assessments.find(tenant, request.decisionId);
      if (!('outcome' in found)) throw ApiError.notFound(`Decision ${found.decisionId} is ${found.status}`);
      return decisionToMessage(found);
    });
  }

  @GrpcMethod('RiskService', 'ListDecisions')
  listDecisions(request: { accountId?: string; pageSize?: number; pageNumber?: number }, metadata: Metadata) {
    return this.observe('ListDecisions', async () => {
      const { tenant } = this.authorize(metadata, 'read');
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

  private authorize(metadata: Metadata, scope: ApiScope): ApiPrincipal {
    const value = metadata.get('authorization')[0];
    return this.auth.authorize(typeof value === 'string' ? value : undefined, scope);
  }

  private async observe<T>(method: string, run: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    let code: status = status.OK;
    try {
      return await run();
    } catch (err) {
      // Translated here, once, so the counted status is the one the caller gets (the filter passes it on).
      const reply = toGrpcError(err, this.logger);
      code = reply.code;
      throw reply;
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
