/**
 * Capped exponential backoff with jitter: base * 2^attempt, at most capMs, scaled by a random
 * factor in [0.5, 1) so that replicas waiting on the same outage do not retry in step.
 */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(exponential * (0.5 + random() / 2));
}

/** Sleeps that an owner can cut short all at once (on stop, or when the work they wait for is void). */
export class WakeableSleeps {
  private readonly pending = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.pending.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.pending.add(wake);
    });
  }

  wakeAll(): void {
    [...this.pending].forEach((wake) => wake());
  }
}
