import { describe, expect, it } from '@jest/globals';
import { AdaptiveConcurrencyLimit } from './adaptive-concurrency.js';

/**
 * A simulated service (a closed queueing system at its asymptotes): each event waits `upstreamMs` and needs
 * `perEventCpuMs` of one of `cores` cores. Below the knee (cores x (upstream + cpu) / cpu events in flight) latency
 * is upstream + cpu; above it the cores set the pace and every extra event in flight only adds queueing.
 */
function latencyAt(inFlight: number, upstreamMs: number, perEventCpuMs: number, cores: number): number {
  return Math.max(upstreamMs + perEventCpuMs, (inFlight * perEventCpuMs) / cores);
}

/** the event loop's busy share in that model: throughput (in flight / latency) times CPU per event, per core */
function utilisationAt(inFlight: number, latencyMs: number, perEventCpuMs: number, cores: number): number {
  return Math.min(1, ((inFlight / latencyMs) * perEventCpuMs) / cores);
}

function drive(
  limiter: AdaptiveConcurrencyLimit,
  samples: number,
  latency: (limit: number, i: number) => number,
  utilisation: (limit: number, latencyMs: number) => number = () => 0,
): number[] {
  const limits: number[] = [];
  for (let i = 0; i < samples; i++) {
    const limit = limiter.limit;
    const ms = latency(limit, i);
    limiter.onSample(ms, limit, utilisation(limit, ms));
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
    const limits = drive(
      limiter,
      20000,
      (limit, i) => latencyAt(limit, spread(i, 30, 70), 1, 2),
      (limit, ms) => utilisationAt(limit, ms, 1, 2),
    );
    const settled = limits.slice(-2000);
    const mean = settled.reduce((a, b) => a + b, 0) / settled.length;
    expect(mean).toBeLessThan(400); // far below the cap of 2000, where latency would be ~1 s
    expect(mean).toBeGreaterThanOrEqual(95); // but not starved: the cores stay busy (102 in flight fill them)
    // the knee is at 102 in flight (51 ms x 2 cores / 1 ms): latency within the tolerance of the no-queue 51 ms
    expect(latencyAt(mean, 50, 1, 2)).toBeLessThanOrEqual(1.5 * 51 * 1.1);
  });

  it('shrinks when the upstream slows down under load, and grows back when it recovers', () => {
    const limiter = new AdaptiveConcurrencyLimit({ maxLimit: 512 });
    const cpuBound = (limit: number, ms: number) => utilisationAt(limit, ms, 0.5, 2);
    drive(limiter, 3000, (limit, i) => latencyAt(limit, spread(i, 30, 70), 0.5, 2), cpuBound);
    const before = limiter.limit;
    // the upstream's own latency does not depend on our concurrency here, but it queues in the service: model a
    // slower upstream whose answer time grows with what we send it (a saturated dependency)
    const slowed = drive(limiter, 400, (limit) => 50 + limit * 2);
    expect(Math.min(...slowed)).toBeLessThan(before / 2);
    const recovered = drive(limiter, 6000, (limit, i) => latencyAt(limit, spread(i, 30, 70), 0.5, 2), cpuBound);
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
  });

  it('takes an upstream that is slower for good as the new norm once its reference window has passed, and grows back', () => {
    const limiter = new AdaptiveConcurrencyLimit({ maxLimit: 256 });
    drive(limiter, 2000, (_l, i) => spread(i, 30, 70));
    expect(limiter.limit).toBe(256);
    const limits = drive(limiter, 15000, (_l, i) => spread(i, 150, 250));
    expect(Math.min(...limits)).toBeLessThan(64);
    expect(limits.at(-1)).toBe(256);
  });

  it('keeps growing in a process that is busy only because its neighbours starve it (latency steady)', () => {
    const limiter = new AdaptiveConcurrencyLimit({ maxLimit: 256 });
    const limits = drive(
      limiter,
      3000,
      (_l, i) => spread(i, 60, 140),
      () => 0.99,
    );
    expect(limits.at(-1)).toBe(256);
  });

  it('takes a machine-wide stall (a window of events all late at once) as one step down, not a fall to the floor', () => {
    const limiter = new AdaptiveConcurrencyLimit({ maxLimit: 256 });
    drive(limiter, 2000, (_l, i) => spread(i, 30, 70));
    expect(limiter.limit).toBe(256);
    drive(limiter, 10, () => 1500);
    expect(limiter.limit).toBeGreaterThanOrEqual(Math.floor(256 * 0.9) - 1);
    drive(limiter, 300, (_l, i) => spread(i, 30, 70));
    expect(limiter.limit).toBe(256);
  });
});
