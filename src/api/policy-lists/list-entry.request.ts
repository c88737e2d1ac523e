import { maskDigitRuns } from '../../common/log-redaction.js';
import { parseRfc3339DateTime } from '../../common/rfc3339.js';
import { E164 } from '../../domain/phone-number.js';
import type { FieldError } from '../../domain/error-codes.js';
import { LIST_ENTRY_TYPES, LIST_NAMES, type ListEntryType, type ListName } from '../../domain/list-match.js';
import type { NewListEntry } from '../../lists/lists.service.js';
import { ApiError } from '../errors/api-error.js';

/** As the event contract's opaque ids: any script, no control, invisible formatting or lone surrogate characters. */
const PRINTABLE = /^[^\p{Cc}\p{Cf}\p{Cs}]+$/u;
/** The event contract's limits, so every value an event can carry can be listed, and nothing an event cannot. */
const MAX_LENGTH: Record<Exclude<ListEntryType, 'phoneNumber'>, number> = { accountId: 128, beneficiaryId: 128, deviceId: 256 };
export const MAX_REASON_LENGTH = 200;

function listName(raw: unknown, errors: FieldError[]): ListName | undefined {
  if (LIST_NAMES.includes(raw as ListName)) return raw as ListName;
  errors.push({ field: 'list', code: 'UNKNOWN_ENUM_VALUE', message: `list must be one of ${LIST_NAMES.join(', ')}` });
  return undefined;
}

function entryType(raw: unknown, errors: FieldError[]): ListEntryType | undefined {
  if (raw === undefined || raw === '') errors.push({ field: 'type', code: 'PARAMETER_REQUIRED', message: 'type is required' });
  else if (LIST_ENTRY_TYPES.includes(raw as ListEntryType)) return raw as ListEntryType;
  else errors.push({ field: 'type', code: 'UNKNOWN_ENUM_VALUE', message: `type must be one of ${LIST_ENTRY_TYPES.join(', ')}` });
  return undefined;
}

/** Messages name the field and the rule, never the value (it may be a phone number). */
function entryValue(type: ListEntryType | undefined, raw: unknown, errors: FieldError[]): string | undefined {
  if (raw === undefined || raw === '') {
    errors.push({ field: 'value', code: 'PARAMETER_REQUIRED', message: 'value is required' });
    return undefined;
  }
  if (typeof raw !== 'string') {
    errors.push({ field: 'value', code: 'PARAMETER_INVALID_TYPE', message: 'value must be a string' });
    return undefined;
  }
  if (type === undefined) return undefined;
  if (type === 'phoneNumber') {
    if (E164.test(raw)) return raw;
    errors.push({ field: 'value', code: 'INVALID_PHONENUMBER_FORMAT', message: 'value must be an E.164 number: + then 7-15 digits' });
    return undefined;
  }
  if (raw.length > MAX_LENGTH[type]) {
    errors.push({ field: 'value', code: 'PARAMETER_TOO_LONG', message: `a ${type} is at most ${MAX_LENGTH[type]} characters` });
    return undefined;
  }
  if (!PRINTABLE.test(raw)) {
    errors.push({
      field: 'value',
      code: 'PARAMETER_INVALID',
      message: 'value must not contain control, invisible formatting or unpaired surrogate characters',
    });
    return undefined;
  }
  return raw;
}

/** The list and type of a path, for GET and DELETE. */
export function parseListPath(raw: { list: unknown; type?: unknown; value?: unknown }): {
  list: ListName;
  type?: ListEntryType;
  value?: string;
} {
  const errors: FieldError[] = [];
  const list = listName(raw.list, errors);
  const type = raw.type === undefined ? undefined : entryType(raw.type, errors);
  const value = raw.value === undefined ? undefined : entryValue(type, raw.value, errors);
  if (errors.length > 0) throw ApiError.validation(errors);
  return { list: list!, type, value };
}

/** `PUT /v1/lists/{list}/entries` body; every problem at once, as field errors. */
export function parseNewListEntry(rawList: unknown, body: unknown, now: number): NewListEntry {
  const errors: FieldError[] = [];
  const list = listName(rawList, errors);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ApiError.validation([...errors, { field: '', code: 'PARAMETER_INVALID', message: 'the body must be a JSON object' }]);
  }
  const b = body as Record<string, unknown>;
  const type = entryType(b.type, errors);
  const value = entryValue(type, b.value, errors);
  let expiresAt: string | undefined;
  if (b.expiresAt !== undefined && b.expiresAt !== null) {
    const at = typeof b.expiresAt === 'string' ? parseRfc3339DateTime(b.expiresAt) : undefined;
    if (at === undefined) {
      errors.push({ field: 'expiresAt', code: 'INVALID_DATETIME_FORMAT', message: 'expiresAt must be an RFC 3339 date-time with a zone' });
    } else if (at <= now) {
      errors.push({ field: 'expiresAt', code: 'PARAMETER_INVALID', message: 'expiresAt must be in the future' });
    } else {
      expiresAt = new Date(at).toISOString();
    }
  }
  let reason: string | undefined;
  if (b.reason !== undefined && b.reason !== null) {
    if (typeof b.reason !== 'string') {
      errors.push({ field: 'reason', code: 'PARAMETER_INVALID_TYPE', message: 'reason must be a string' });
    } else if (b.reason.length > MAX_REASON_LENGTH) {
      errors.push({ field: 'reason', code: 'PARAMETER_TOO_LONG', message: `reason is at most ${MAX_REASON_LENGTH} characters` });
    } else if (b.reason.length > 0 && !PRINTABLE.test(b.reason)) {
      errors.push({
        field: 'reason',
        code: 'PARAMETER_INVALID',
        message: 'reason must not contain control or invisible formatting characters',
      });
    } else if (b.reason.length > 0) {
      // shown in every listing: a phone or account number typed into it must not end up there in clear
      reason = maskDigitRuns(b.reason);
    }
  }
  if (errors.length > 0) throw ApiError.validation(errors);
  return { list: list!, type: type!, value: value!, ...(expiresAt ? { expiresAt } : {}), ...(reason ? { reason } : {}) };
}
