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
  // a busy 2-core machine spreads in-service latency to about 1.5x its best window even without a queue here:
  // 1.5 held events back in Kafka at 60 % of saturation (docs/benchmark.md); 2 still cuts a queue that doubles it
  tolerance: 2,
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

  /** Adds a sample; returns the window's mean when this sample closed a window. */
  add(sample: number): number | undefined {
    this.sum += sample;
    this.count += 1;
    if (this.count < this.size) return undefined;
    const mean = this.sum / this.count;
    this.means.push(mean);
    if (this.means.length > this.windows) this.means.shift();
    this.sum = 0;
    this.count = 0;
    this.value = Math.min(...this.means);
    return mean;
  }
}

export class AdaptiveConcurrencyLimit {
  private estimate: number;
  private readonly reference: NoQueueLatency;
  private readonly options: AdaptiveLimitOptions;
  /** the window under way was taken with the limit in use (in flight at least half of it) */
  private pressed = false;

  constructor(options: Partial<AdaptiveLimitOptions> & { maxLimit: number }) {
    this.options = { ...DEFAULT_ADAPTIVE_LIMIT, ...options };
    this.options.minLimit = Math.min(this.options.minLimit, this.options.maxLimit);
    this.estimate = clamp(this.options.initialLimit, this.options.minLimit, this.options.maxLimit);
    this.reference = new NoQueueLatency(this.options.shortWindow, this.options.referenceWindows);
  }

  /** whole events that may be in flight now */
  get limit(): number {
    return Math.floor(this.estimate);
  }

  /**
   * One completed event: its in-service latency, how many were in flight when it completed and, when known, the
   * event loop's recent utilisation. The limit moves once per window of samples, on the window's mean: a stall of
   * the whole machine (every event in flight late at once) costs at most one step down, not one per late event.
   * A window taken far below the limit says nothing about what more concurrency would cost: it does not grow it.
   */
  onSample(latencyMs: number, inFlight: number, utilisation = 0): void {
    if (!(latencyMs >= 0) || !Number.isFinite(latencyMs)) return;
    this.pressed ||= inFlight >= this.estimate / 2;
    const windowMean = this.reference.add(latencyMs);
    if (windowMean === undefined) return;
    const pressed = this.pressed;
    this.pressed = false;
    const { tolerance, smoothing, minLimit, maxLimit, maxUtilisation, busyTolerance } = this.options;
    const recent = Math.max(windowMean, 1e-3);
    const reference = this.reference.value;
    const gradient = Math.max(0.5, Math.min(1, (tolerance * reference) / recent));
    if (gradient < 1) {
      // at most -10 % per window (gradient 0.5, smoothing 0.2)
      this.estimate = clamp(this.estimate * (1 - smoothing) + this.estimate * gradient * smoothing, minLimit, maxLimit);
      return;
    }
    // Busy cores alone are no reason to stop growing (a process starved by its neighbours looks busy too, and
    // more events in flight still help it); busy cores with latency already rising are.
    const cpuBound = utilisation >= maxUtilisation && recent > busyTolerance * reference;
    if (pressed && !cpuBound) this.estimate = clamp(this.estimate + Math.sqrt(this.estimate), minLimit, maxLimit);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
