/**
 * How many events may be in the service at once, learnt from their in-service latency: a gradient limit after
 * Netflix's concurrency-limits (GradientLimit). The lowest recent window mean of the latency is the "no queue"
 * reference; when the recent latency rises above it by more than the tolerance, events are queueing inside the process
 * (busy cores, a slower upstream), and the limit shrinks in proportion; while latency holds, the limit grows by
 * a small queue allowance. Events beyond the limit stay in Kafka, where waiting is free and visible as lag.
 *
 * Why a gradient and not AIMD against the minimum latency: with an upstream of 30-70 ms the minimum is an outlier,
 * and a tolerance against it collapsed the limit to its floor (docs/benchmark.md). Window means absorb the spread.
 * A latency reference alone follows, after a while, a latency the limit itself drove up (and the limit creeps);
 * the event loop's utilisation is the second signal: a CPU-bound process does not grow its limit.
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
  /** window means over which the no-queue reference is the lowest */
  referenceWindows: number;
  /** event-loop utilisation (0-1) from which the process counts as CPU-bound */
  maxUtilisation: number;
  /** a CPU-bound process stops growing its limit once recent latency exceeds the reference by this factor */
  busyTolerance: number;
  /** share of a new estimate taken per update (damping) */
  smoothing: number;
}

export const DEFAULT_ADAPTIVE_LIMIT: Omit<AdaptiveLimitOptions, 'maxLimit'> = {
  minLimit: 8,
  initialLimit: 32,
  tolerance: 1.5,
  shortWindow: 10,
  referenceWindows: 1000,
  maxUtilisation: 0.9,
  busyTolerance: 1.1,
  smoothing: 0.2,
};

/**
 * The no-queue reference latency: the lowest window mean of the last `windows` windows (a window mean, not a
 * single sample: a 30 ms outlier of a 30-70 ms upstream is not the norm). Sliding, so that one lucky window on a
 * noisy machine does not hold the limit down for good, and a slower upstream becomes the norm after a while.
 */
class NoQueueLatency {
  private readonly means: number[] = [];
  private sum = 0;
  private count = 0;
  value = Number.NaN;

  constructor(
    private readonly size: number,
    private readonly windows: number,
  ) {}

  add(sample: number): void {
    this.sum += sample;
    this.count += 1;
    if (this.count < this.size) return;
    this.means.push(this.sum / this.count);
    if (this.means.length > this.windows) this.means.shift();
    this.sum = 0;
    this.count = 0;
    this.value = Math.min(...this.means);
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
    this.reference = new NoQueueLatency(this.options.shortWindow, this.options.referenceWindows);
    this.recent = new RecentAverage(this.options.shortWindow);
  }

  /** whole events that may be in flight now */
  get limit(): number {
    return Math.floor(this.estimate);
  }

  /**
   * One completed event: its in-service latency, how many were in flight when it completed and, when known, the
   * event loop's recent utilisation. Samples taken while far below the limit say nothing about what more
   * concurrency would cost, so they do not grow it; neither do samples from a CPU-bound process: with every core
   * busy, more events in flight only queue (latency would show it a little later, after the reference
   * had crept up with it).
   */
  onSample(latencyMs: number, inFlight: number, utilisation = 0): void {
    if (!(latencyMs >= 0) || !Number.isFinite(latencyMs)) return;
    const { tolerance, smoothing, minLimit, maxLimit } = this.options;
    this.recent.add(latencyMs);
    this.reference.add(latencyMs);
    if (Number.isNaN(this.reference.value)) return; // not one window seen yet
    const recent = Math.max(this.recent.value, 1e-3);
    const gradient = Math.max(0.5, Math.min(1, (tolerance * this.reference.value) / recent));
    if (gradient === 1 && inFlight < this.estimate / 2) return;
    // Busy cores alone are no reason to stop (a process starved by its neighbours also looks busy, and more events
    // in flight still help it); busy cores and a latency already rising are.
    const cpuBound = utilisation >= this.options.maxUtilisation && recent > this.options.busyTolerance * this.reference.value;
    const growth = cpuBound ? 0 : Math.sqrt(this.estimate);
    const next = this.estimate * gradient + growth;
    this.estimate = clamp(this.estimate * (1 - smoothing) + next * smoothing, minLimit, maxLimit);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
