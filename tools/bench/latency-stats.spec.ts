import { describe, expect, it } from '@jest/globals';
import { ratePerSecond, summariseLatencies } from './latency-stats.js';

describe('summariseLatencies', () => {
  it('uses nearest-rank percentiles, so every figure is an observed value', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    expect(summariseLatencies(values)).toEqual({ count: 100, minMs: 1, p50Ms: 50, p95Ms: 95, p99Ms: 99, maxMs: 100, meanMs: 50.5 });
  });

  it('reports a single value as every percentile and zeros for no values', () => {
    expect(summariseLatencies([42]).p99Ms).toBe(42);
    expect(summariseLatencies([]).count).toBe(0);
  });
});

describe('ratePerSecond', () => {
  it('counts intervals between the first and the last timestamp', () => {
    expect(ratePerSecond(1001, 0, 1000)).toBe(1000);
    expect(ratePerSecond(1, 0, 1000)).toBe(0);
  });
});
