import { describe, expect, it } from '@jest/globals';
import { RampSchedule } from './fixed-rate-scenario.js';

describe('RampSchedule', () => {
  const schedule = new RampSchedule(1000, 4, 10);

  it('ramps from a tenth of the rate to the rate, then holds it', () => {
    // the ramp offers 55 % of rate x warm-up on average; the measured part exactly rate x duration
    expect(schedule.warm).toBe(2200);
    expect(schedule.total).toBe(2200 + 10_000);
    const inSecond = (s: number) => schedule.dueBy((s + 1) * 1000 - 1) - schedule.dueBy(s * 1000 - 1);
    expect(inSecond(0)).toBeGreaterThan(150);
    expect(inSecond(0)).toBeLessThan(300);
    expect(inSecond(3)).toBeGreaterThan(800);
    expect(inSecond(6)).toBeGreaterThanOrEqual(999);
    expect(inSecond(6)).toBeLessThanOrEqual(1001);
    expect(schedule.dueBy(60_000)).toBe(schedule.total);
  });

  it('at() is the inverse of dueBy(): each event is due at its own time, in order', () => {
    let previous = -1;
    for (const seq of [0, 1, 10, 500, 2199, 2200, 2201, 7000, 12_199]) {
      const at = schedule.at(seq);
      expect(at).toBeGreaterThan(previous);
      previous = at;
      expect(schedule.dueBy(at + 0.5)).toBeGreaterThanOrEqual(seq + 1);
      expect(schedule.dueBy(at - 1.5)).toBeLessThanOrEqual(seq + 1);
    }
  });

  it('without a warm-up it is a plain fixed rate', () => {
    const plain = new RampSchedule(200, 0, 5);
    expect(plain.warm).toBe(0);
    expect(plain.total).toBe(1000);
    expect(plain.at(100)).toBeCloseTo(500);
    expect(plain.dueBy(499)).toBe(100);
  });
});
