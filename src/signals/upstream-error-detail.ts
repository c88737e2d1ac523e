import { maskPhoneNumber } from '../common/mask-phone-number.js';

const MAX_DETAIL_LENGTH = 200;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : undefined;

/**
 * Reads the error code and message out of whichever dialect the upstream (or a gateway in front of it) speaks:
 * tyntec/CAMARA `{status, code, message}`, KORE `{status, message, code: number, more_info}`,
 * envelope `{success: false, error: {code, message, details}, meta: {request_id}}`,
 * ResponseStatus `{ResponseStatus: {ErrorCode, Message, Errors: [{FieldName, ...}]}}`, and RFC 7807 `{title, detail}`.
 */
export function describeUpstreamError(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const parts: { code?: string; message?: string; fields?: string[]; requestId?: string } = {};

  if (isObject(body.ResponseStatus)) {
    const status = body.ResponseStatus;
    parts.code = text(status.ErrorCode);
    parts.message = text(status.Message);
    if (Array.isArray(status.Errors)) {
      parts.fields = status.Errors.filter(isObject)
        .map((e) => [text(e.FieldName), text(e.ErrorCode)].filter(Boolean).join('='))
        .filter((f) => f !== '');
    }
  } else if (isObject(body.error)) {
    parts.code = text(body.error.code);
    parts.message = text(body.error.message);
    if (isObject(body.error.details)) parts.fields = Object.keys(body.error.details);
    if (isObject(body.meta)) parts.requestId = text(body.meta.request_id);
  } else {
    parts.code = text(body.code) ?? text(body.error) ?? text(body.type);
    parts.message = text(body.message) ?? text(body.detail) ?? text(body.title);
  }

  let detail = [parts.code, parts.message].filter(Boolean).join(': ');
  if (parts.fields?.length) detail += ` [${parts.fields.join(', ')}]`;
  if (parts.requestId) detail += ` (request_id ${parts.requestId})`;
  return detail === '' ? undefined : detail;
}

/**
 * Upstream messages sometimes echo the request back. Whatever reaches our results, logs or decisions
 * must hold neither the subscriber's number nor our credentials.
 */
export function redactDetail(detail: string, secrets: { phoneNumber: string; apiKey?: string; others?: readonly string[] }): string {
  let safe = detail;
  for (const secret of [secrets.apiKey, ...(secrets.others ?? [])]) {
    if (secret !== undefined && secret !== '') safe = safe.split(secret).join('***');
  }
  const digits = secrets.phoneNumber.replace(/\D/g, '');
  // Any long run of digits could be the number in another format (without +, with spaces): mask them all.
  safe = safe.replace(/\+?\d(?:[ .-]?\d){6,}/g, (match) => maskPhoneNumber(match));
  if (digits.length >= 6) safe = safe.split(digits).join(maskPhoneNumber(digits));
  return safe.length > MAX_DETAIL_LENGTH ? safe.slice(0, MAX_DETAIL_LENGTH - 1) + '…' : safe;
}
