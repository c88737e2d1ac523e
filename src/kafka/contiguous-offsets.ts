/**
 * Tracks which offsets of one partition's batch have completed, in any order, and tells the
 * highest offset below which everything is done: only that prefix may be committed, so a crash
 * never skips an event that was still in flight.
 */
export class ContiguousOffsets {
  private readonly done = new Set<bigint>();
  private next: bigint;

  /** @param offsets the batch's offsets in log order (they may have gaps: compaction, transactions) */
  constructor(private readonly offsets: readonly string[]) {
    this.next = 0n;
  }

  private index = 0;

  /** Marks one offset complete; returns the last offset of the newly completed prefix, if it grew. */
  complete(offset: string): string | undefined {
    this.done.add(BigInt(offset));
    let advancedTo: string | undefined;
    while (this.index < this.offsets.length && this.done.has(BigInt(this.offsets[this.index]))) {
      advancedTo = this.offsets[this.index];
      this.done.delete(BigInt(advancedTo));
      this.index += 1;
    }
    if (advancedTo !== undefined) this.next = BigInt(advancedTo) + 1n;
    return advancedTo;
  }

  /** the offset to commit (next to read), or undefined when nothing completed yet */
  get commitOffset(): string | undefined {
    return this.index === 0 ? undefined : this.next.toString();
  }

  get allDone(): boolean {
    return this.index === this.offsets.length;
  }
}
