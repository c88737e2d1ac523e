import type { FieldError } from '../../domain/error-codes.js';
import { ApiError } from '../errors/api-error.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  accountId: string;
  pageSize: number;
  /** 1-based, as in the KORE meta-data convention */
  pageNumber: number;
}

export interface PageMeta {
  count: number;
  page_size: number;
  page_number: number;
  previous_page_url: string | null;
  next_page_url: string | null;
}

function intParam(field: string, raw: unknown, fallback: number, min: number, max: number, errors: FieldError[]): number {
  if (raw === undefined || raw === '' || raw === 0) return fallback;
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^\d{1,9}$/.test(text)) {
    errors.push({ field, code: 'PARAMETER_INVALID_TYPE', message: `${field} must be an integer` });
    return fallback;
  }
  const n = Number(text);
  if (n < min || n > max) errors.push({ field, code: 'PARAMETER_INVALID', message: `${field} must be between ${min} and ${max}` });
  return n;
}

/** Validates list parameters from a query string (HTTP) or a request message (gRPC, where 0 means unset). */
export function parsePageRequest(
  raw: { accountId?: unknown; pageSize?: unknown; pageNumber?: unknown },
  names = { pageSize: 'page_size', pageNumber: 'page_number' },
): PageRequest {
  const errors: FieldError[] = [];
  const accountId = raw.accountId;
  if (accountId === undefined || accountId === '')
    errors.push({ field: 'accountId', code: 'PARAMETER_REQUIRED', message: 'accountId is required' });
  else if (typeof accountId !== 'string')
    errors.push({ field: 'accountId', code: 'PARAMETER_INVALID_TYPE', message: 'accountId must be a single string' });
  else if (accountId.length > 128)
    errors.push({ field: 'accountId', code: 'PARAMETER_TOO_LONG', message: 'accountId must be at most 128 characters' });
  const pageSize = intParam(names.pageSize, raw.pageSize, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, errors);
  const pageNumber = intParam(names.pageNumber, raw.pageNumber, 1, 1, 1_000_000, errors);
  if (errors.length > 0) throw ApiError.validation(errors);
  return { accountId: accountId as string, pageSize, pageNumber };
}

/** page_size and page_number alone, for lists that need no accountId (e.g. /v1/lists/{list}/entries). */
export function parsePaging(raw: { pageSize?: unknown; pageNumber?: unknown }): Omit<PageRequest, 'accountId'> {
  const errors: FieldError[] = [];
  const pageSize = intParam('page_size', raw.pageSize, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, errors);
  const pageNumber = intParam('page_number', raw.pageNumber, 1, 1, 1_000_000, errors);
  if (errors.length > 0) throw ApiError.validation(errors);
  return { pageSize, pageNumber };
}

/** KORE-style paging meta; links are relative to the API root so they hold behind any proxy. */
export function pageMeta(path: string, page: PageRequest | Omit<PageRequest, 'accountId'>, count: number): PageMeta {
  const query = (pageNumber: number): Record<string, string> => ({
    ...('accountId' in page ? { accountId: page.accountId } : {}),
    page_size: String(page.pageSize),
    page_number: String(pageNumber),
  });
  const link = (pageNumber: number) => `${path}?${new URLSearchParams(query(pageNumber))}`;
  const lastPage = Math.max(1, Math.ceil(count / page.pageSize));
  return {
    count,
    page_size: page.pageSize,
    page_number: page.pageNumber,
    previous_page_url: page.pageNumber > 1 ? link(Math.min(page.pageNumber - 1, lastPage)) : null,
    next_page_url: page.pageNumber * page.pageSize < count ? link(page.pageNumber + 1) : null,
  };
}
