import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { OUTCOMES } from '../../domain/decision.js';
import { FIELD_ERROR_CODES, type ErrorCode } from '../../domain/error-codes.js';
import { EVENT_TYPES, LOGIN_CHANNELS, OTP_CHANNELS, TRANSACTION_TYPES } from '../../domain/risk-event.js';
import { SIGNAL_NAMES } from '../../domain/signal-catalogue.js';

/* OpenAPI schemas only: request bodies are validated by validateEvent (the Kafka contract), not by these classes. */

export class AmountSchema {
  @ApiProperty({
    oneOf: [{ type: 'string', example: '1250.00' }, { type: 'number' }],
    description: 'non-negative decimal; a string keeps every digit',
  })
  value!: string;
  @ApiProperty({ example: 'EUR', description: 'ISO 4217' }) currency!: string;
}

class EventBaseSchema {
  @ApiProperty({
    example: 'evt-2026-000123',
    maxLength: 128,
    pattern: '^[A-Za-z0-9._:-]+$',
    description:
      "names one event in the key's tenant: the same event again gets the same decision (and decision id), the same eventId with other content is 409 EVENT_ID_CONFLICT",
  })
  eventId!: string;
  @ApiProperty({ example: '2026-11-21T10:15:00Z', format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ example: 'acc-42', maxLength: 128 }) accountId!: string;
  @ApiProperty({ example: '+491701234567', description: 'E.164' }) phoneNumber!: string;
  @ApiPropertyOptional({
    example: 'https://hooks.example.com/riskwire',
    description: 'when present: 202 Accepted now, the decision POSTed here later (signed)',
  })
  callbackUrl?: string;
}

export class LoginEventSchema extends EventBaseSchema {
  @ApiProperty({ enum: ['login'] }) type!: 'login';
  @ApiPropertyOptional({ enum: [...LOGIN_CHANNELS] }) channel?: string;
  @ApiPropertyOptional({ example: '203.0.113.7' }) ipAddress?: string;
  @ApiPropertyOptional({ maxLength: 256 }) deviceId?: string;
  @ApiPropertyOptional({ enum: [...OTP_CHANNELS] }) otpChannel?: string;
}

export class TransactionEventSchema extends EventBaseSchema {
  @ApiProperty({ enum: ['transaction'] }) type!: 'transaction';
  @ApiProperty({ type: AmountSchema }) amount!: AmountSchema;
  @ApiPropertyOptional({ enum: [...TRANSACTION_TYPES] }) transactionType?: string;
  @ApiPropertyOptional({ maxLength: 128 }) beneficiaryId?: string;
  @ApiPropertyOptional() beneficiaryIsNew?: boolean;
}

export class ReasonSchema {
  @ApiProperty({ example: 'SIM_SWAP_LT_24H' }) code!: string;
  @ApiProperty({ example: 60 }) points!: number;
  @ApiProperty({ example: 'SIM changed less than 24 hours ago' }) message!: string;
}

export class DecisionSignalSchema {
  @ApiProperty({ enum: ['OK', 'NOT_FOUND', 'NOT_APPLICABLE', 'UNAVAILABLE', 'SKIPPED'] }) status!: string;
  @ApiPropertyOptional({
    description: 'observation when OK: {latestChange} / {swappedWithin} / {active}',
    type: 'object',
    additionalProperties: true,
  })
  value?: unknown;
  @ApiPropertyOptional({ example: 'timeout', description: 'why, when UNAVAILABLE' }) reason?: string;
  @ApiPropertyOptional({ example: 'tyntec', description: 'the provider that gave the answer (absent when SKIPPED)' }) provider?: string;
}

export class DecisionSchema {
  @ApiProperty({ example: 'dec_3xYq0cQ4m2bHc9VbW0o7s8Jk1a' }) decisionId!: string;
  @ApiProperty({ example: 'evt-2026-000123' }) eventId!: string;
  @ApiProperty({ enum: [...EVENT_TYPES] }) eventType!: string;
  @ApiProperty({ example: 'acc-42' }) accountId!: string;
  @ApiProperty({ minimum: 0, maximum: 100, example: 60 }) score!: number;
  @ApiProperty({ enum: [...OUTCOMES] }) outcome!: string;
  @ApiPropertyOptional({
    enum: [...OUTCOMES],
    description: "only in monitor mode (PUT /v1/policy/mode): the policy's own outcome, while outcome is ALLOW",
  })
  proposedOutcome?: string;
  @ApiProperty({ type: [ReasonSchema] }) reasons!: ReasonSchema[];
  @ApiProperty({ type: [String], example: ['sms', 'voice'] }) avoidOtpChannels!: string[];
  @ApiProperty({ description: 'true when a signal could not be obtained (or the deadline came first)' }) degraded!: boolean;
  @ApiProperty({ example: '2026.11.1' }) policyVersion!: string;
  @ApiProperty({
    type: 'object',
    description: `keyed by signal: ${SIGNAL_NAMES.join(', ')}`,
    additionalProperties: { $ref: getSchemaPath(DecisionSignalSchema) },
  })
  signals!: Record<string, DecisionSignalSchema>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The event fields the rules read (never the phone number), and listMatches (which lists matched which field type, never the values; absent when none did): with signals, policyVersion and decidedAt enough to score the decision again offline',
    example: {
      occurredAt: '2026-11-21T10:16:00Z',
      amount: { value: '1250.00', currency: 'EUR' },
      transactionType: 'transfer',
      beneficiaryIsNew: true,
    },
  })
  evidence!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
  @ApiProperty({ example: 42 }) latencyMs!: number;
}

export class PendingAssessmentSchema {
  @ApiProperty({ example: 'dec_3xYq0cQ4m2bHc9VbW0o7s8Jk1a' }) decisionId!: string;
  @ApiProperty({ enum: ['PENDING', 'FAILED'] }) status!: string;
  @ApiPropertyOptional({ type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } }) error?: {
    code: string;
    message: string;
  };
}

export class PageMetaSchema {
  @ApiProperty({ example: 35, description: 'total decisions retained for the account' }) count!: number;
  @ApiProperty({ example: 10 }) page_size!: number;
  @ApiProperty({ example: 2, description: '1-based' }) page_number!: number;
  @ApiProperty({ nullable: true, type: String, example: '/v1/assessments?accountId=acc-42&page_size=10&page_number=1' })
  previous_page_url!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '/v1/assessments?accountId=acc-42&page_size=10&page_number=3' }) next_page_url!:
    string | null;
}

export class DecisionListSchema {
  @ApiProperty({ type: [DecisionSchema], description: 'newest first' }) decisions!: DecisionSchema[];
  @ApiProperty({ type: PageMetaSchema }) meta!: PageMetaSchema;
}

export class FieldErrorSchema {
  @ApiProperty({ example: 'phoneNumber', description: 'dotted path; empty for the body as a whole' }) field!: string;
  @ApiProperty({
    enum: [...FIELD_ERROR_CODES],
  })
  code!: string;
  @ApiProperty({ example: 'phoneNumber must be an E.164 number: + then 7-15 digits' }) message!: string;
}

export class ErrorSchema {
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({
    enum: [
      'VALIDATION_ERROR',
      'UNAUTHORIZED',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'EVENT_ID_CONFLICT',
      'PAYLOAD_TOO_LARGE',
      'RATE_LIMITED',
      'INTERNAL_ERROR',
      'UNAVAILABLE',
    ] satisfies ErrorCode[], // the codes an HTTP answer carries (a bad event is VALIDATION_ERROR on HTTP)
  })
  code!: string;
  @ApiProperty({ example: 'Event failed validation: phoneNumber' }) message!: string;
  @ApiProperty({ type: [FieldErrorSchema] }) details!: FieldErrorSchema[];
  @ApiProperty({ example: 'req_Qm9vYmFyYmF6cXV4' }) requestId!: string;
}

export const LOGIN_EXAMPLE = {
  eventId: 'evt-login-0001',
  type: 'login',
  occurredAt: '2026-11-21T10:15:00Z',
  accountId: 'acc-42',
  phoneNumber: '+491701234567',
  channel: 'mobile',
  ipAddress: '203.0.113.7',
  otpChannel: 'sms',
};

export const TRANSACTION_EXAMPLE = {
  eventId: 'evt-tx-0001',
  type: 'transaction',
  occurredAt: '2026-11-21T10:16:00Z',
  accountId: 'acc-42',
  phoneNumber: '+491701234567',
  amount: { value: '1250.00', currency: 'EUR' },
  transactionType: 'transfer',
  beneficiaryId: 'ben-7',
  beneficiaryIsNew: true,
};
