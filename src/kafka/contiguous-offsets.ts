/**
 * Tracks which offsets of one partition have completed, in any order, and tells the highest offset
 * below which everything is done: only that prefix may be committed, so a crash never skips an
 * event that was still in flight. Offsets are appended batch after batch, in log order.
 */
export class ContiguousOffsets {
  private offsets: string[] = [];
  private head = 0;
  private readonly done = new Set<string>();
  private committable?: string;

  constructor(initial: readonly string[] = []) {
    this.append(initial);
  }

  /** the batch's offsets in log order (they may have gaps: compaction, transaction markers) */
  append(offsets: readonly string[]): void {
    for (const o of offsets) this.offsets.push(o);
  }

  /** Marks one offset complete; returns the last offset of the newly completed prefix, if it grew. */
  complete(offset: string): string | undefined {
    this.done.add(offset);
    let advancedTo: string | undefined;
    while (this.head < this.offsets.length && this.done.has(this.offsets[this.head])) {
      advancedTo = this.offsets[this.head];
      this.done.delete(advancedTo);
      this.head += 1;
    }
    if (advancedTo !== undefined) {
      this.committable = (BigInt(advancedTo) + 1n).toString();
      // drop the completed prefix now and then so a long-lived partition does not grow the array
      if (this.head > 4096) {
        this.offsets = this.offsets.slice(this.head);
        this.head = 0;
      }
    }
    return advancedTo;
  }

  /** the offset to commit (the next one to read), or undefined while nothing has completed */
  get commitOffset(): string | undefined {
    return this.committable;
  }

  /** offsets appended but not yet part of the completed prefix */
  get pending(): number {
    return this.offsets.length - this.head;
  }

  get allDone(): boolean {
    return this.pending === 0;
  }
}
