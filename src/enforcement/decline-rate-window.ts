import type { DenyShare } from '../scoring/rules/decline-rate-guard.rule.js';

const BUCKETS = 60;

/**
 * Decisions and DENYs over a sliding window, in this replica, in constant memory: 60 buckets of window/60
 * each, so the window slides in steps of 1/60 of its length (5 s for 5 minutes). A bucket is reused once it
 * has fallen out of the window. `now` is passed in (epoch ms), so the arithmetic is testable without a clock.
 */
export class DeclineRateWindow {
  private readonly decisions = new Array<number>(BUCKETS).fill(0);
  private readonly denies = new Array<number>(BUCKETS).fill(0);
  /** the bucket number (time / bucket length) each slot currently counts for */
  private readonly slotOf = new Array<number>(BUCKETS).fill(-1);
  private bucketMs: number;

  constructor(windowSeconds: number) {
    this.bucketMs = (windowSeconds * 1000) / BUCKETS;
  }

  /** A new window length (a reloaded policy) starts counting afresh rather than mixing bucket sizes. */
  resize(windowSeconds: number): void {
    const bucketMs = (windowSeconds * 1000) / BUCKETS;
    if (bucketMs === this.bucketMs) return;
    this.bucketMs = bucketMs;
    this.decisions.fill(0);
    this.denies.fill(0);
    this.slotOf.fill(-1);
  }

  record(deny: boolean, now: number): void {
    const bucket = Math.floor(now / this.bucketMs);
    const slot = bucket % BUCKETS;
    if (this.slotOf[slot] !== bucket) {
      this.slotOf[slot] = bucket;
      this.decisions[slot] = 0;
      this.denies[slot] = 0;
    }
    this.decisions[slot] += 1;
    if (deny) this.denies[slot] += 1;
  }

  /** The counts of the buckets still inside the window ending at `now`. */
  share(now: number): DenyShare {
    const current = Math.floor(now / this.bucketMs);
    let decisions = 0;
    let denies = 0;
    for (let slot = 0; slot < BUCKETS; slot += 1) {
      const bucket = this.slotOf[slot];
      if (bucket > current - BUCKETS && bucket <= current) {
        decisions += this.decisions[slot];
        denies += this.denies[slot];
      }
    }
    return { decisions, denies };
  }
}
