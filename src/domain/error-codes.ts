/**
 * Stable error codes shared by every transport: the HTTP error body, gRPC status details and
 * dead-letter records all use these, so a client learns one vocabulary.
 */
export const ERROR_CODES = [
  'VALIDATION_ERROR',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_EVENT_TYPE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'EVENT_ID_CONFLICT',
  'PROCESSING_FAILED',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Field-level codes in the style of the upstream ResponseStatus errors. */
export const FIELD_ERROR_CODES = [
  'PARAMETER_REQUIRED',
  'PARAMETER_INVALID',
  'PARAMETER_INVALID_TYPE',
  'PARAMETER_TOO_SHORT',
  'PARAMETER_TOO_LONG',
  'INVALID_PHONENUMBER_FORMAT',
  'INVALID_CURRENCY_CODE',
  'INVALID_DATETIME_FORMAT',
  'UNKNOWN_ENUM_VALUE',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

export interface FieldError {
  /** dotted path of the field, e.g. `amount.value`; empty for the payload as a whole */
  field: string;
  code: FieldErrorCode;
  message: string;
}

export interface ErrorDescription {
  code: ErrorCode;
  message: string;
  details: FieldError[];
}
