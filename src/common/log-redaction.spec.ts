import { describe, expect, it } from '@jest/globals';
import { maskPhoneNumbersInText } from './log-redaction.js';

describe('maskPhoneNumbersInText', () => {
  it('masks every E.164 number in a line and leaves other numbers alone', () => {
    const line = 'lookup for +491701234567 and +14155550123 failed after 1500 ms (offset 123456789)';
    const masked = maskPhoneNumbersInText(line);
    expect(masked).not.toContain('+491701234567');
    expect(masked).not.toContain('+14155550123');
    expect(masked).toContain('+49******4567');
    expect(masked).toContain('1500 ms (offset 123456789)');
  });
});
