import { describe, expect, it } from '@jest/globals';
import { maskPhoneNumber } from './mask-phone-number.js';

describe('maskPhoneNumber', () => {
  it('keeps +, the first two digits and the last four', () => {
    expect(maskPhoneNumber('+491701234567')).toBe('+49******4567');
    expect(maskPhoneNumber('+491234567890')).toBe('+49******7890');
    expect(maskPhoneNumber('+14155550123')).toBe('+14*****0123');
  });

  it('never shows the middle digits, whatever the formatting', () => {
    const masked = maskPhoneNumber('+49 170 123-4567');
    expect(masked).toBe('+49******4567');
    expect(masked).not.toMatch(/1701|0123/);
  });

  it('hides short numbers entirely rather than revealing most of them', () => {
    expect(maskPhoneNumber('+4912345')).toBe('+*******');
    expect(maskPhoneNumber('')).toBe('');
  });

  it('works without a leading +', () => {
    expect(maskPhoneNumber('491701234567')).toBe('49******4567');
  });
});
