import { describe, expect, it } from '@jest/globals';
import { AdaptiveConcurrencyLimit } from './adaptive-concurrency.js';

/**
 * A simulated service: `cores` worth of capacity, each event needing `workMs` of it after an upstream wait
 * drawn from [upMin, upMax]. With `inFlight` events, latency is the upstream wait plus the queue for the cores.
 */
function latencyAt(inFlight: number, upstreamMs: number, perEventCpuMs: number, cores: number): number {
  const busy = (inFlight * perEventCpuMs) / cores;
  return upstreamMs + Math.max(perEventCpuMs, busy);
}

function drive(limiter: AdaptiveConcurrencyLimit, samples: number, latency: (limit: number, i: number) => number): number[] {
  const limits: number[] = [];
  for (let i = 0; i < samples; i++) {
    const limit = limiter.limit;
    limiter.onSample(latency(limit, i), limit);
    limits.push(limiter.limit);
  }
  return limits;
}

/** deterministic spread in [min, max] */
const spread = (i: number, min: number, max: number) => min + ((i * 37) % 101) * ((max - min) / 100);

describe('AdaptiveConcurrencyLimit', () => {
  it('grows while latency holds, up to the hard cap and never past it', () => {
    const limiter = new AdaptiveConcurrencyLimit({ maxLimit: 256 });
    const limits = drive(limiter, 3000, (_l, i) => spread(i, 30, 70));
    expect(limits.at(-1)).toBe(256);
    expect(Math.max(...limits)).toBeLessThanOrEqual(256);
  });

  it('does not collapse to its floor on an upstream that spreads 30-70 ms (the AIMD-on-minimum failure)', () => {
    const limiter = new AdaptiveConcurrencyLimit({ maxLimit: 256 });
    const limits = drive(limiter, 3000, (_l, i) => spread(i, 30, 70));
    expect(Math.min(...limits.slice(500))).toBeGreaterThan(64);
  });

  it('settles where the cores, not the queue, set the pace: latency stays near the no-queue latency', () => {
    // 1 ms of CPU per event on 2 cores: beyond ~100 in flight (50 ms upstream) events only queue for the cores
    const limiter = new AdaptiveConcurrencyLimit({ maxLimit: 2000 });
    const limits = drive(limiter, 20000, (limit, i) => latencyAt(limit, spread(i, 30, 70), 1, 2));
    const settled = limits.slice(-2000);
    const mean = settled.reduce((a, b) => a + b, 0) / settled.length;
    expect(mean).toBeLessThan(400); // far below the cap of 2000, where latency would be ~1 s
    expect(mean).toBeGreaterThan(60); // but not starved: the cores stay busy (100 in flight fill them)
    const latency = latencyAt(mean, 50, 1, 2);
    expect(latency).toBeLessThan(3 * 51);
  });

  it('shrinks when the upstream slows down under load, and grows back when it recovers', () => {
    const limiter = new AdaptiveConcurrencyLimit({ maxLimit: 512 });
    drive(limiter, 3000, (limit, i) => latencyAt(limit, spread(i, 30, 70), 0.5, 2));
    const before = limiter.limit;
    // the upstream's own latency does not depend on our concurrency here, but it queues in the service: model a
    // slower upstream whose answer time grows with what we send it (a saturated dependency)
    const slowed = drive(limiter, 400, (limit) => 50 + limit * 2);
    expect(Math.min(...slowed)).toBeLessThan(before / 2);
    const recovered = drive(limiter, 6000, (limit, i) => latencyAt(limit, spread(i, 30, 70), 0.5, 2));
    expect(recovered.at(-1)).toBeGreaterThan(Math.min(...slowed) * 2);
  });

  it('does not grow while the load uses less than half of it', () => {
    const limiter = new AdaptiveConcurrencyLimit({ maxLimit: 256, initialLimit: 32 });
    for (let i = 0; i < 1000; i++) limiter.onSample(spread(i, 30, 70), 4);
    expect(limiter.limit).toBe(32);
  });

  it('keeps within [min, max] and ignores meaningless samples', () => {
    const limiter = new AdaptiveConcurrencyLimit({ maxLimit: 4, minLimit: 8, initialLimit: 32 });
    expect(limiter.limit).toBe(4);
    limiter.onSample(Number.NaN, 4);
    limiter.onSample(-1, 4);
    expect(limiter.limit).toBe(4);
    // a dependency whose answers slow with every request we add: the limit stops growing within the tolerance
    // of the latency first seen (it does not probe below its start: that is the floor's and the operator's job)
    const saturated = new AdaptiveConcurrencyLimit({ maxLimit: 256, minLimit: 8, initialLimit: 32 });
    const limits = drive(saturated, 3000, (limit) => 50 + limit * 10);
    expect(Math.max(...limits.slice(1000))).toBeLessThanOrEqual(64);
    // tolerance 1.5, plus the sqrt(limit) queue allowance it keeps probing with
    expect(50 + saturated.limit * 10).toBeLessThanOrEqual(2 * (50 + 32 * 10));
  });

  it('takes an upstream that is slower for good as the new norm (measured at the floor) and grows back', () => {
    const limiter = new AdaptiveConcurrencyLimit({ maxLimit: 256 });
    drive(limiter, 2000, (_l, i) => spread(i, 30, 70));
    expect(limiter.limit).toBe(256);
    const limits = drive(limiter, 5000, (_l, i) => spread(i, 150, 250));
    expect(Math.min(...limits)).toBeLessThan(64);
    expect(limits.at(-1)).toBe(256);
  });
});
