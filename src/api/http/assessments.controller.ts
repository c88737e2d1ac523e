import { Controller, Get, Headers, Param, Post, Query, Req, Res, UseGuards, applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { HttpRequest as Request, HttpResponse as Response } from './http-types.js';
import type { FieldError } from '../../domain/error-codes.js';
import type { Decision } from '../../domain/decision.js';
import { ApiError } from '../errors/api-error.js';
import { ApiKeyGuard, RequireScope, principalOf } from '../auth/api-key.guard.js';
import { AssessmentsService, type PendingAssessment } from '../assessments.service.js';
import {
  DecisionListSchema,
  DecisionSchema,
  DecisionSignalSchema,
  ErrorSchema,
  LOGIN_EXAMPLE,
  LoginEventSchema,
  PendingAssessmentSchema,
  TRANSACTION_EXAMPLE,
  TransactionEventSchema,
} from './assessments.dto.js';
import { IdempotencyService, type StoredResponse } from '../idempotency.service.js';
import { pageMeta, parsePageRequest, type PageMeta } from './paging.js';

export const ASSESSMENTS_PATH = '/v1/assessments';
const MAX_DEADLINE_MS = 60_000;

function errorResponse(status: number, description: string, example: Partial<ErrorSchema>) {
  return ApiResponse({
    status,
    description,
    type: ErrorSchema,
    example: { status, details: [], requestId: 'req_Qm9vYmFyYmF6cXV4', ...example },
  });
}

const AuthErrors = () =>
  applyDecorators(
    errorResponse(401, 'Missing or invalid API key (WWW-Authenticate: Bearer)', { code: 'UNAUTHORIZED', message: 'Invalid API key' }),
    errorResponse(403, 'The API key lacks the scope', { code: 'FORBIDDEN', message: 'API key ops lacks the assess scope' }),
    errorResponse(429, 'Per-key rate limit; see Retry-After', {
      code: 'RATE_LIMITED',
      message: 'Rate limit exceeded for API key ops; retry in 20s',
    }),
    errorResponse(500, 'Unexpected failure; the message is generic, quote requestId', {
      code: 'INTERNAL_ERROR',
      message: 'Internal error; quote the request id when reporting it',
    }),
  );

/** Reads the optional POST headers; both are the caller's contract, so bad values are 400s, not ignored. */
function parseHeaders(idempotencyKey: string | undefined, deadline: string | undefined): { budgetMs?: number } {
  const details: FieldError[] = [];
  if (idempotencyKey !== undefined) {
    if (idempotencyKey.length === 0)
      details.push({ field: 'Idempotency-Key', code: 'PARAMETER_TOO_SHORT', message: 'Idempotency-Key must be 1-255 characters' });
    if (idempotencyKey.length > 255)
      details.push({ field: 'Idempotency-Key', code: 'PARAMETER_TOO_LONG', message: 'Idempotency-Key must be 1-255 characters' });
  }
  let budgetMs: number | undefined;
  if (deadline !== undefined) {
    budgetMs = /^\d{1,5}$/.test(deadline) ? Number(deadline) : NaN;
    if (!(budgetMs >= 1 && budgetMs <= MAX_DEADLINE_MS)) {
      details.push({
        field: 'X-Request-Deadline-Ms',
        code: 'PARAMETER_INVALID',
        message: `X-Request-Deadline-Ms must be an integer from 1 to ${MAX_DEADLINE_MS}`,
      });
    }
  }
  if (details.length > 0) throw ApiError.validation(details);
  return { budgetMs };
}

@ApiTags('assessments')
@ApiBearerAuth()
@ApiExtraModels(LoginEventSchema, TransactionEventSchema, DecisionSchema, DecisionSignalSchema, PendingAssessmentSchema, ErrorSchema)
@Controller('v1/assessments')
@UseGuards(ApiKeyGuard)
export class AssessmentsController {
  constructor(
    private readonly assessments: AssessmentsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
  @RequireScope('assess')
  @ApiOperation({
    summary: 'Assess a login or transaction event',
    description:
      'The body is the Kafka event contract. Without callbackUrl: 200 with the decision. With callbackUrl: 202 with {decisionId, status: PENDING} and a Location header; the decision is POSTed to callbackUrl, signed as Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). 400 on callbackUrl when the deployment has CALLBACKS=disabled.',
  })
  @ApiBody({
    schema: {
      oneOf: [{ $ref: getSchemaPath(LoginEventSchema) }, { $ref: getSchemaPath(TransactionEventSchema) }],
      discriminator: { propertyName: 'type' },
    },
    examples: {
      login: { summary: 'login event', value: LOGIN_EXAMPLE },
      transaction: { summary: 'transaction event', value: TRANSACTION_EXAMPLE },
      async: {
        summary: 'asynchronous, with callback',
        value: { ...TRANSACTION_EXAMPLE, callbackUrl: 'https://hooks.example.com/riskwire' },
      },
    },
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1-255 chars; same key and body replay the first response, another body is 409',
  })
  @ApiHeader({
    name: 'X-Request-Deadline-Ms',
    required: false,
    description: 'time budget 1-60000 ms; when it runs out the decision is made on what arrived (degraded)',
  })
  @ApiHeader({ name: 'X-Request-Id', required: false, description: 'echoed when 1-128 chars of [A-Za-z0-9._:-], else generated' })
  @ApiResponse({ status: 200, description: 'The decision', type: DecisionSchema })
  @ApiResponse({ status: 202, description: 'Accepted for asynchronous assessment (callbackUrl given)', type: PendingAssessmentSchema })
  @errorResponse(400, 'Invalid body (not JSON, not the event contract, bad callbackUrl or header)', {
    code: 'VALIDATION_ERROR',
    message: 'Event failed validation: phoneNumber',
    details: [
      { field: 'phoneNumber', code: 'INVALID_PHONENUMBER_FORMAT', message: 'phoneNumber must be an E.164 number: + then 7-15 digits' },
    ],
  })
  @errorResponse(
    409,
    "CONFLICT: Idempotency-Key reused with another body. EVENT_ID_CONFLICT: the eventId was already decided for an event with other content (in the key's tenant)",
    {
      code: 'EVENT_ID_CONFLICT',
      message:
        'Event evt-tx-0001 was already decided with different content: an eventId names one event; send a new eventId for a new event',
      details: [{ field: 'eventId', code: 'PARAMETER_INVALID', message: 'already used for an event with different content' }],
    },
  )
  @errorResponse(413, 'Body larger than MAX_PAYLOAD_BYTES', { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' })
  @AuthErrors()
  async assess(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
    @Headers('x-request-deadline-ms') deadline?: string,
  ): Promise<Decision | PendingAssessment> {
    const receivedAt = Date.now();
    const { budgetMs } = parseHeaders(idempotencyKey, deadline);
    if (!req.is(['application/json', 'application/*+json'])) {
      throw ApiError.validation([
        { field: '', code: 'PARAMETER_INVALID', message: 'the body must be JSON (Content-Type: application/json)' },
      ]);
    }
    const body: unknown = req.body;
    const { tenant } = principalOf(req);
    const execute = async (): Promise<StoredResponse> => {
      const { event, callbackUrl } = await this.assessments.parseRequest(body);
      const context = { source: 'http' as const, tenant, receivedAt, deadline: budgetMs ? receivedAt + budgetMs : undefined };
      if (callbackUrl) {
        const pending = await this.assessments.accept(event, callbackUrl, context);
        return { status: 202, body: pending, headers: { Location: `${ASSESSMENTS_PATH}/${pending.decisionId}` } };
      }
      return { status: 200, body: await this.assessments.assess(event, context) };
    };
    const { response, replayed } =
      idempotencyKey !== undefined
        ? await this.idempotency.run(tenant, idempotencyKey, body, execute)
        : { response: await execute(), replayed: false };
    res.status(response.status);
    for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    return response.body as Decision | PendingAssessment;
  }

  @Get(':decisionId')
  @RequireScope('read')
  @ApiOperation({
    summary:
      "A decision of the key's tenant made through any transport while retained (Kafka's belong to KAFKA_TENANT); or the state of an accepted asynchronous assessment",
  })
  @ApiResponse({
    status: 200,
    description: 'The decision, or {decisionId, status: PENDING|FAILED} for an accepted one',
    schema: { oneOf: [{ $ref: getSchemaPath(DecisionSchema) }, { $ref: getSchemaPath(PendingAssessmentSchema) }] },
  })
  @errorResponse(404, "Unknown decision, older than the retention period, or another tenant's", {
    code: 'NOT_FOUND',
    message: 'No decision dec_x (unknown, or older than the retention period)',
  })
  @AuthErrors()
  get(@Req() req: Request, @Param('decisionId') decisionId: string): Promise<Decision | PendingAssessment> {
    return this.assessments.find(principalOf(req).tenant, decisionId);
  }

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: "An account's retained decisions in the key's tenant, newest first, paged (KORE meta-data)" })
  @ApiQuery({ name: 'accountId', required: true, example: 'acc-42' })
  @ApiQuery({ name: 'page_size', required: false, description: '1-100, default 20', example: 10 })
  @ApiQuery({ name: 'page_number', required: false, description: '1-based, default 1', example: 1 })
  @ApiResponse({ status: 200, type: DecisionListSchema })
  @errorResponse(400, 'Missing accountId or bad paging parameter', {
    code: 'VALIDATION_ERROR',
    message: 'Request failed validation: accountId',
    details: [{ field: 'accountId', code: 'PARAMETER_REQUIRED', message: 'accountId is required' }],
  })
  @AuthErrors()
  async list(@Req() req: Request, @Query() query: Record<string, unknown>): Promise<{ decisions: Decision[]; meta: PageMeta }> {
    const page = parsePageRequest({ accountId: query.accountId, pageSize: query.page_size, pageNumber: query.page_number });
    const { items, total } = await this.assessments.list(principalOf(req).tenant, page);
    return { decisions: items, meta: pageMeta(ASSESSMENTS_PATH, page, total) };
  }
}
