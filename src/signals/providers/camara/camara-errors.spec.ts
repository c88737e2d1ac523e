import { describe, expect, it } from '@jest/globals';
import { capFromMessage, meaningOf, readCamaraError } from './camara-errors.js';

describe('CAMARA error mapping', () => {
  // Every error response the specs and their test definitions define, and what riskwire makes of it.
  it.each([
    [400, 'INVALID_ARGUMENT', { status: 'UNAVAILABLE', reason: 'http_400' }],
    [400, 'OUT_OF_RANGE', { status: 'UNAVAILABLE', reason: 'http_400' }],
    [401, 'UNAUTHENTICATED', { status: 'UNAVAILABLE', reason: 'http_401', problem: 'unauthenticated' }],
    [403, 'PERMISSION_DENIED', { status: 'UNAVAILABLE', reason: 'http_403', problem: 'permission_denied' }],
    [404, 'IDENTIFIER_NOT_FOUND', { status: 'NOT_FOUND' }],
    [404, 'NOT_FOUND', { status: 'NOT_FOUND' }],
    [404, undefined, { status: 'UNAVAILABLE', reason: 'http_4xx' }],
    [422, 'SERVICE_NOT_APPLICABLE', { status: 'NOT_APPLICABLE' }],
    [422, 'MISSING_IDENTIFIER', { status: 'UNAVAILABLE', reason: 'configuration_error', problem: 'configuration_error' }],
    [422, 'UNNECESSARY_IDENTIFIER', { status: 'UNAVAILABLE', reason: 'configuration_error', problem: 'configuration_error' }],
    [422, 'SOMETHING_NEW', { status: 'UNAVAILABLE', reason: 'http_4xx' }],
    [429, 'QUOTA_EXCEEDED', { status: 'UNAVAILABLE', reason: 'http_429' }],
    [429, 'TOO_MANY_REQUESTS', { status: 'UNAVAILABLE', reason: 'http_429' }],
    [501, 'NOT_IMPLEMENTED', { status: 'UNAVAILABLE', reason: 'not_implemented', problem: 'not_implemented' }],
    [500, 'INTERNAL', { status: 'UNAVAILABLE', reason: 'http_5xx' }],
    [503, 'UNAVAILABLE', { status: 'UNAVAILABLE', reason: 'http_5xx' }],
    [409, 'CONFLICT', { status: 'UNAVAILABLE', reason: 'http_4xx' }],
  ])('%i %s → %j', (status, code, meaning) => {
    expect(meaningOf(status, code)).toEqual(meaning);
  });

  it('reads {status, code, message} and ignores what is not a string', () => {
    expect(readCamaraError({ status: 422, code: 'SERVICE_NOT_APPLICABLE', message: 'no' })).toEqual({
      code: 'SERVICE_NOT_APPLICABLE',
      message: 'no',
    });
    expect(readCamaraError({ code: 7 })).toEqual({});
    expect(readCamaraError('<html>')).toEqual({});
  });

  it('learns the operator cap only from a number below the window asked', () => {
    expect(capFromMessage('maxAge is above the supported monitored period (at most 720 hours).', 2400)).toBe(720);
    expect(capFromMessage('Client specified an invalid range.', 2400)).toBeUndefined();
    expect(capFromMessage('maxAge must be at most 3000', 2400)).toBeUndefined();
    expect(capFromMessage(undefined, 2400)).toBeUndefined();
  });
});
