/**
 * How many events may be in the service at once, learnt from their in-service latency: a gradient limit after
 * Netflix's concurrency-limits (GradientLimit). The lowest recent window mean of the latency is the "no queue"
 * reference; when the recent latency rises above it by more than the tolerance, events are queueing inside the process
 * (busy cores, a slower upstream), and the limit shrinks in proportion; while latency holds, the limit grows by
 * a small queue allowance. Events beyond the limit stay in Kafka, where waiting is free and visible as lag.
 *
 * Why a gradient and not AIMD against the minimum latency: with an upstream of 30-70 ms the minimum is an outlier,
 * and a tolerance against it collapsed the limit to its floor (docs/benchmark.md). Window means absorb the spread;
 * a long-term average (Gradient2) would follow a latency the limit itself drives up, and never stop growing.
 */
export interface AdaptiveLimitOptions {
  /** the hard cap (MAX_IN_FLIGHT) */
  maxLimit: number;
  minLimit: number;
  initialLimit: number;
  /** recent latency may exceed the long-term average by this factor before the limit shrinks */
  tolerance: number;
  /** samples per window mean, and in the recent average */
  shortWindow: number;
  /** share of a new estimate taken per update (damping) */
  smoothing: number;
}

export const DEFAULT_ADAPTIVE_LIMIT: Omit<AdaptiveLimitOptions, 'maxLimit'> = {
  minLimit: 8,
  initialLimit: 32,
  tolerance: 1.5,
  shortWindow: 10,
  smoothing: 0.2,
};

/**
 * The no-queue reference latency, from window means (not single samples: a 30 ms outlier of a 30-70 ms upstream
 * is not the norm). Under pressure it only ever goes down: a window taken while the limit was being used may be
 * slow *because* of the limit, and taking it as the norm would let the limit creep up forever. A window taken
 * without pressure (in flight below half the limit, or at the floor) measures the latency nobody queued for, and
 * replaces the reference whichever way it moved: that is how a slower upstream becomes the new norm.
 */
class NoQueueLatency {
  private sum = 0;
  private count = 0;
  private pressed = false;
  value = Number.NaN;

  constructor(private readonly size: number) {}

  add(sample: number, underPressure: boolean): void {
    this.sum += sample;
    this.count += 1;
    this.pressed ||= underPressure;
    if (this.count < this.size) return;
    const mean = this.sum / this.count;
    this.value = this.pressed && !Number.isNaN(this.value) ? Math.min(this.value, mean) : mean;
    this.sum = 0;
    this.count = 0;
    this.pressed = false;
  }
}

/** Exponential moving average of the recent latency; a plain mean until its window has filled once. */
class RecentAverage {
  private count = 0;
  value = 0;

  constructor(private readonly window: number) {}

  add(sample: number): void {
    if (this.count < this.window) {
      this.count += 1;
      this.value += (sample - this.value) / this.count;
    } else this.value += (sample - this.value) * (2 / (this.window + 1));
  }
}

export class AdaptiveConcurrencyLimit {
  private estimate: number;
  private readonly reference: NoQueueLatency;
  private readonly recent: RecentAverage;
  private readonly options: AdaptiveLimitOptions;

  constructor(options: Partial<AdaptiveLimitOptions> & { maxLimit: number }) {
    this.options = { ...DEFAULT_ADAPTIVE_LIMIT, ...options };
    this.options.minLimit = Math.min(this.options.minLimit, this.options.maxLimit);
    this.estimate = clamp(this.options.initialLimit, this.options.minLimit, this.options.maxLimit);
    this.reference = new NoQueueLatency(this.options.shortWindow);
    this.recent = new RecentAverage(this.options.shortWindow);
  }

  /** whole events that may be in flight now */
  get limit(): number {
    return Math.floor(this.estimate);
  }

  /**
   * One completed event: its in-service latency and how many were in flight when it completed. Samples taken
   * while far below the limit say nothing about what more concurrency would cost, so they do not grow it.
   */
  onSample(latencyMs: number, inFlight: number): void {
    if (!(latencyMs >= 0) || !Number.isFinite(latencyMs)) return;
    const { tolerance, smoothing, minLimit, maxLimit } = this.options;
    this.recent.add(latencyMs);
    this.reference.add(latencyMs, inFlight >= this.estimate / 2 && this.estimate > minLimit);
    if (Number.isNaN(this.reference.value)) return; // not one window seen yet
    const gradient = Math.max(0.5, Math.min(1, (tolerance * this.reference.value) / Math.max(this.recent.value, 1e-3)));
    if (gradient === 1 && inFlight < this.estimate / 2) return;
    const next = this.estimate * gradient + Math.sqrt(this.estimate);
    this.estimate = clamp(this.estimate * (1 - smoothing) + next * smoothing, minLimit, maxLimit);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
