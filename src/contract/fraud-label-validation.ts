import type { FieldError } from '../domain/error-codes.js';
import { LABEL_VALUES, type FraudLabel, type LabelValue } from '../domain/fraud-label.js';
import { isRfc3339DateTime } from '../common/rfc3339.js';

const EVENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const SOURCE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
const MAX_REASON = 500;

export type LabelValidation = { ok: true; label: FraudLabel } | { ok: false; details: FieldError[] };

/**
 * The fraud label contract (schemas/fraud-label.v1.schema.json), checked the same way for POST /v1/labels and for
 * the backtest reading risk.labels.v1. Messages name fields and never quote values. Unknown fields are ignored,
 * as in the event contract.
 */
export function validateFraudLabel(body: unknown): LabelValidation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, details: [{ field: '', code: 'PARAMETER_INVALID_TYPE', message: 'the label must be a JSON object' }] };
  }
  const b = body as Record<string, unknown>;
  const details: FieldError[] = [];
  const required = (field: string) => {
    if (b[field] === undefined || b[field] === null) {
      details.push({ field, code: 'PARAMETER_REQUIRED', message: `${field} is required` });
      return false;
    }
    if (typeof b[field] !== 'string') {
      details.push({ field, code: 'PARAMETER_INVALID_TYPE', message: `${field} must be a string` });
      return false;
    }
    return true;
  };
  if (required('eventId') && !EVENT_ID.test(b.eventId as string)) {
    details.push({ field: 'eventId', code: 'PARAMETER_INVALID', message: 'eventId must be 1-128 of letters, digits and . _ : -' });
  }
  if (required('label') && !LABEL_VALUES.includes(b.label as LabelValue)) {
    details.push({ field: 'label', code: 'UNKNOWN_ENUM_VALUE', message: 'label must be fraud or legit' });
  }
  if (required('labeledAt') && !isRfc3339DateTime(b.labeledAt)) {
    details.push({ field: 'labeledAt', code: 'INVALID_DATETIME_FORMAT', message: 'labeledAt must be an RFC 3339 date-time with a zone' });
  }
  if (required('source') && !SOURCE.test(b.source as string)) {
    details.push({
      field: 'source',
      code: 'PARAMETER_INVALID',
      message: 'source must be 1-64 of letters, digits and . _ : / -, starting with a letter or digit',
    });
  }
  if (b.reason !== undefined) {
    if (typeof b.reason !== 'string') details.push({ field: 'reason', code: 'PARAMETER_INVALID_TYPE', message: 'reason must be a string' });
    else if (b.reason.length > MAX_REASON) {
      details.push({ field: 'reason', code: 'PARAMETER_TOO_LONG', message: `reason must be at most ${MAX_REASON} characters` });
    }
  }
  if (details.length > 0) return { ok: false, details };
  const label: FraudLabel = {
    eventId: b.eventId as string,
    label: b.label as LabelValue,
    labeledAt: b.labeledAt as string,
    source: b.source as string,
  };
  if (b.reason !== undefined) label.reason = b.reason as string;
  return { ok: true, label };
}
