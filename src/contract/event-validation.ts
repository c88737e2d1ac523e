import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import type { ErrorDescription, FieldError, FieldErrorCode } from '../domain/error-codes.js';
import { maskDigitRuns } from '../common/log-redaction.js';
import { LoginEventDto, TransactionEventDto } from './event-contracts.dto.js';
import { EVENT_TYPES, type LoginEvent, type RiskEvent, type TransactionEvent } from '../domain/risk-event.js';

export type EventValidationResult = { ok: true; event: RiskEvent } | { ok: false; error: ErrorDescription };

/** Which field code a failed class-validator constraint becomes; the most specific one wins. */
const CONSTRAINT_CODES: Record<string, FieldErrorCode> = {
  isDefined: 'PARAMETER_REQUIRED',
  maxLength: 'PARAMETER_TOO_LONG',
  minLength: 'PARAMETER_TOO_SHORT',
  isString: 'PARAMETER_INVALID_TYPE',
  isBoolean: 'PARAMETER_INVALID_TYPE',
  isObject: 'PARAMETER_INVALID_TYPE',
  nestedValidation: 'PARAMETER_INVALID_TYPE',
  isIn: 'UNKNOWN_ENUM_VALUE',
  isRFC3339: 'INVALID_DATETIME_FORMAT',
  isISO4217CurrencyCode: 'INVALID_CURRENCY_CODE',
};
const PRECEDENCE: FieldErrorCode[] = ['PARAMETER_REQUIRED', 'PARAMETER_INVALID_TYPE', 'PARAMETER_TOO_LONG', 'PARAMETER_TOO_SHORT'];

function codeOf(field: string, constraint: string): FieldErrorCode {
  if (constraint === 'matches' && field === 'phoneNumber') return 'INVALID_PHONENUMBER_FORMAT';
  if (constraint === 'matches' && field === 'amount.currency') return 'INVALID_CURRENCY_CODE';
  return CONSTRAINT_CODES[constraint] ?? 'PARAMETER_INVALID';
}

/** The winning code and the messages of the constraints that gave it ("must be an object", not also "...or array"). */
function fieldError(field: string, property: string, constraints: Record<string, string>): FieldError {
  const failed = Object.entries(constraints)
    // "must be an object" already says it; class-validator's own "must be either object or array" would mislead
    .filter(([constraint]) => !(constraint === 'nestedValidation' && 'isObject' in constraints))
    .map(([constraint, message]) => ({ code: codeOf(field, constraint), message }));
  const codes = failed.map((f) => f.code);
  const code = PRECEDENCE.find((c) => codes.includes(c)) ?? codes[0] ?? 'PARAMETER_INVALID';
  if (code === 'PARAMETER_REQUIRED') return { field, code, message: `${field} is required` };
  const messages = [...new Set(failed.filter((f) => f.code === code).map((f) => f.message))];
  const message = messages.join('; ').replace(new RegExp(`^${property} `), `${field} `);
  return { field, code, message: message.startsWith(field) ? message : `${field} ${message}` };
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints && Object.keys(e.constraints).length > 0 ? [fieldError(field, e.property, e.constraints)] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Messages go back to producers and into dead letters and logs: they name fields, never echo values. The digit
 * mask is the backstop should a message ever quote one (a phone number, or part of it, in whatever field).
 */
function invalid(details: FieldError[], code: ErrorDescription['code'] = 'VALIDATION_ERROR', message?: string): EventValidationResult {
  const safeDetails = details.map((d) => ({ ...d, field: maskDigitRuns(d.field), message: maskDigitRuns(d.message) }));
  const summary = message ?? `Event failed validation: ${safeDetails.map((d) => d.field || 'payload').join(', ')}`;
  return { ok: false, error: { code, message: maskDigitRuns(summary), details: safeDetails } };
}

/** Quoted back only when it looks like a type name; anything else (a number, a phone number, a long string) is not repeated. */
const TYPE_NAME = /^[A-Za-z_.-]{1,32}$/;

/**
 * Unknown fields are ignored (producers may be a version ahead): the normalised event carries only the contract's
 * fields, so an extra field, `__proto__` or `constructor` never reaches scoring, decisions or logs.
 */
function normalise(dto: LoginEventDto | TransactionEventDto): RiskEvent {
  const base = { eventId: dto.eventId, occurredAt: dto.occurredAt, accountId: dto.accountId, phoneNumber: dto.phoneNumber };
  if (dto instanceof TransactionEventDto) {
    const value = typeof dto.amount.value === 'number' ? String(dto.amount.value) : dto.amount.value;
    const tx: TransactionEvent = { ...base, type: 'transaction', amount: { value, currency: dto.amount.currency } };
    if (dto.transactionType !== undefined) tx.transactionType = dto.transactionType as TransactionEvent['transactionType'];
    if (dto.beneficiaryId !== undefined) tx.beneficiaryId = dto.beneficiaryId;
    if (dto.beneficiaryIsNew !== undefined) tx.beneficiaryIsNew = dto.beneficiaryIsNew;
    return tx;
  }
  const login: LoginEvent = { ...base, type: 'login' };
  if (dto.channel !== undefined) login.channel = dto.channel as LoginEvent['channel'];
  if (dto.ipAddress !== undefined) login.ipAddress = dto.ipAddress;
  if (dto.deviceId !== undefined) login.deviceId = dto.deviceId;
  if (dto.otpChannel !== undefined) login.otpChannel = dto.otpChannel as LoginEvent['otpChannel'];
  return login;
}

/**
 * Validates a parsed JSON payload against the event contract. Shared by the Kafka consumer and
 * the HTTP/gRPC API so an event is judged the same whichever way it came in.
 */
export function validateEvent(payload: unknown): EventValidationResult {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return invalid([{ field: '', code: 'PARAMETER_INVALID_TYPE', message: 'the event must be a JSON object' }]);
  }
  const type = (payload as Record<string, unknown>).type;
  if (type === undefined || type === null) {
    return invalid([{ field: 'type', code: 'PARAMETER_REQUIRED', message: 'type is required (login or transaction)' }]);
  }
  if (!(EVENT_TYPES as readonly unknown[]).includes(type)) {
    return invalid(
      [{ field: 'type', code: 'UNKNOWN_ENUM_VALUE', message: `type must be one of: ${EVENT_TYPES.join(', ')}` }],
      'UNSUPPORTED_EVENT_TYPE',
      typeof type === 'string' && TYPE_NAME.test(type) ? `Unsupported event type "${type}"` : 'Unsupported event type',
    );
  }
  const dto = plainToInstance(type === 'login' ? LoginEventDto : TransactionEventDto, payload, {
    enableImplicitConversion: false,
  });
  const errors = validateSync(dto, { forbidUnknownValues: false, validationError: { target: false, value: false } });
  if (errors.length > 0) return invalid(flatten(errors));
  return { ok: true, event: normalise(dto) };
}
