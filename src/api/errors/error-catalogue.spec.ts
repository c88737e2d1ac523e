import { describe, expect, it } from '@jest/globals';
import { ERROR_CODES } from '../../domain/error-codes.js';
import { CODE_BY_HTTP_STATUS, ERROR_CATALOGUE, GRPC_STATUS_BY_CODE, HTTP_STATUS_BY_CODE } from './error-catalogue.js';

describe('the error catalogue', () => {
  it('has a row for every code of the domain, and its columns are the rows', () => {
    expect(Object.keys(ERROR_CATALOGUE).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      expect(HTTP_STATUS_BY_CODE[code]).toBe(ERROR_CATALOGUE[code].http);
      expect(GRPC_STATUS_BY_CODE[code]).toBe(ERROR_CATALOGUE[code].grpc);
    }
  });

  it('turns a bare HTTP status into a code whose row has that very status', () => {
    for (const [status, code] of Object.entries(CODE_BY_HTTP_STATUS)) expect(ERROR_CATALOGUE[code].http).toBe(Number(status));
  });
});
