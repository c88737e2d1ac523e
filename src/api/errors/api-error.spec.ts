import { describe, expect, it } from '@jest/globals';
import { ApiError } from './api-error.js';

describe('ApiError', () => {
  it('never repeats a run of 7+ digits (a phone number, whole or in part) in its message or details', () => {
    const error = new ApiError('NOT_FOUND', 'No decision +491709876543', [
      { field: 'decisionId', code: 'PARAMETER_INVALID', message: 'decisionId 0049 170 9876543 is unknown' },
    ]);
    expect(error.message).toBe('No decision +************');
    expect(error.details[0]!.message).toBe('decisionId **** *** ******* is unknown');
  });

  it('keeps short numbers: limits, sizes, seconds', () => {
    expect(new ApiError('PAYLOAD_TOO_LARGE', 'Payload of 70000 bytes exceeds the limit of 65536 bytes').message).toBe(
      'Payload of 70000 bytes exceeds the limit of 65536 bytes',
    );
  });
});
