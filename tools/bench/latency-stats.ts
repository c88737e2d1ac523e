/** Summary of a set of durations in milliseconds; nearest-rank percentiles, so every figure is an observed value. */
export interface LatencySummary {
  count: number;
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export function summariseLatencies(values: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const count = sorted.length;
  if (count === 0) return { count: 0, minMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0 };
  const at = (p: number) => sorted[Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1))];
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count,
    minMs: round(sorted[0]),
    p50Ms: round(at(50)),
    p95Ms: round(at(95)),
    p99Ms: round(at(99)),
    maxMs: round(sorted[count - 1]),
    meanMs: round(sum / count),
  };
}

/** Events per second over the span from the first to the last of a set of timestamps. */
export function ratePerSecond(count: number, firstMs: number, lastMs: number): number {
  if (count < 2 || lastMs <= firstMs) return 0;
  return round(((count - 1) * 1000) / (lastMs - firstMs));
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
