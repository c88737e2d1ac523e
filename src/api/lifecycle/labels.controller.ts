import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { withinTimeout } from '../../common/within-timeout.js';
import { validateFraudLabel } from '../../contract/fraud-label-validation.js';
import type { FraudLabel } from '../../domain/fraud-label.js';
import { BatchingProducer } from '../../kafka/batching-producer.js';
import { LabelsService } from '../../labels/labels.service.js';
import { ApiKeyGuard, RequireScope, principalOf } from '../auth/api-key.guard.js';
import { ApiError } from '../errors/api-error.js';
import type { HttpRequest as Request } from '../http/http-types.js';

const PUBLISH_TIMEOUT_MS = 10_000;

@ApiTags('labels')
@ApiBearerAuth()
@Controller('v1/labels')
@UseGuards(ApiKeyGuard)
export class LabelsController {
  constructor(
    private readonly labels: LabelsService,
    private readonly producer: BatchingProducer,
  ) {}

  @Post()
  @HttpCode(202)
  @RequireScope('label')
  @ApiOperation({
    summary: 'Record what became known about an event (fraud or legit): published to risk.labels.v1 for backtests',
    description:
      'The body is schemas/fraud-label.v1.schema.json. 202 once the broker has the label; the latest labeledAt of an event wins.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['eventId', 'label', 'labeledAt', 'source'],
      properties: {
        eventId: { type: 'string', example: 'evt-tx-0001' },
        label: { type: 'string', enum: ['fraud', 'legit'] },
        labeledAt: { type: 'string', format: 'date-time', example: '2026-11-25T09:00:00Z' },
        source: { type: 'string', example: 'chargeback-feed' },
        reason: { type: 'string', example: 'account takeover confirmed by the customer' },
      },
    },
  })
  @ApiResponse({ status: 202, description: 'Published: {label, topic}' })
  @ApiResponse({ status: 400, description: 'VALIDATION_ERROR with per-field details' })
  @ApiResponse({ status: 503, description: 'UNAVAILABLE: Kafka does not take the label now; send it again' })
  async create(@Req() req: Request, @Body() body: unknown): Promise<{ label: FraudLabel; topic: string }> {
    const result = validateFraudLabel(body);
    if (!result.ok) throw ApiError.validation(result.details);
    if (!this.producer.ready) throw new ApiError('UNAVAILABLE', 'Kafka is not connected; the label was not recorded, send it again');
    const published = await withinTimeout(
      this.labels.publish(result.label, principalOf(req).tenant).catch(() => undefined),
      PUBLISH_TIMEOUT_MS,
      () => undefined,
    );
    if (!published) throw new ApiError('UNAVAILABLE', 'Kafka did not take the label; it was not recorded, send it again');
    return { label: result.label, topic: published.topic };
  }
}
