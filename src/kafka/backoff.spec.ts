import { describe, expect, it } from '@jest/globals';
import { backoffMs, WakeableSleeps } from './backoff.js';

describe('backoff', () => {
  it('doubles from the base, stays under the cap, and is jittered into [half, full)', () => {
    expect(backoffMs(0, 200, 30000, () => 0)).toBe(100);
    expect(backoffMs(3, 200, 30000, () => 0.999)).toBe(1599);
    expect(backoffMs(50, 200, 30000, () => 0.999)).toBeLessThanOrEqual(30000);
    expect(backoffMs(1000, 200, 30000, () => 0)).toBe(15000);
  });

  it('wakes every sleeper at once', async () => {
    const sleeps = new WakeableSleeps();
    const started = Date.now();
    const all = Promise.all([sleeps.sleep(60_000), sleeps.sleep(60_000)]);
    sleeps.wakeAll();
    await all;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
