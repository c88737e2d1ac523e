import { describe, expect, it } from '@jest/globals';
import { minutes } from '../../minutes.js';
import { CAMARA_MAX_AGE_HOURS, hours, hoursInMinutes, windowInHours } from './hours.js';

describe('minutes → CAMARA hours', () => {
  it.each([
    [1, 1],
    [59, 1],
    [60, 1],
    [61, 2],
    [90, 2],
    [1440, 24],
    [1441, 25],
    [2400, 40],
  ])('%i minutes are asked as %i hours: rounded up, never a shorter window', (asked, expected) => {
    const window = windowInHours(minutes(asked));
    expect(Number(window)).toBe(expected);
    expect(Number(hoursInMinutes(window))).toBeGreaterThanOrEqual(asked);
  });

  it('stays within 1-2400 hours: 0 minutes asks 1 hour, more than 100 days asks 2400', () => {
    expect(Number(windowInHours(minutes(0)))).toBe(CAMARA_MAX_AGE_HOURS.min);
    expect(Number(windowInHours(minutes(2400 * 60 + 1)))).toBe(CAMARA_MAX_AGE_HOURS.max);
    expect(Number(windowInHours(minutes(10_000_000)))).toBe(2400);
  });

  it('never covers less than asked anywhere in the API range', () => {
    for (let asked = 1; asked <= 2400 * 60; asked += 37) {
      const window = Number(windowInHours(minutes(asked)));
      expect(window * 60).toBeGreaterThanOrEqual(asked);
      expect(window * 60 - asked).toBeLessThan(60);
    }
  });

  it('hours are whole and not negative', () => {
    expect(() => hours(1.5)).toThrow(RangeError);
    expect(() => hours(-1)).toThrow(RangeError);
    expect(Number(hoursInMinutes(hours(24)))).toBe(1440);
  });
});
