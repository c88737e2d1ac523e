import { describe, expect, it } from '@jest/globals';
import { ContiguousOffsets } from './contiguous-offsets.js';

describe('ContiguousOffsets', () => {
  it('advances only over the completed prefix, whatever the completion order', () => {
    const t = new ContiguousOffsets(['10', '11', '12', '13']);
    expect(t.complete('12')).toBeUndefined();
    expect(t.commitOffset).toBeUndefined();
    expect(t.complete('10')).toBe('10');
    expect(t.commitOffset).toBe('11');
    expect(t.complete('11')).toBe('12');
    expect(t.commitOffset).toBe('13');
    expect(t.allDone).toBe(false);
    expect(t.complete('13')).toBe('13');
    expect(t.commitOffset).toBe('14');
    expect(t.allDone).toBe(true);
  });

  it('handles gaps in the log and offsets beyond 2^53', () => {
    const big = '9007199254740993';
    const t = new ContiguousOffsets(['5', '9', big]);
    t.complete('9');
    t.complete('5');
    expect(t.commitOffset).toBe('10');
    t.complete(big);
    expect(t.commitOffset).toBe('9007199254740994');
  });

  it('keeps its place across appended batches', () => {
    const t = new ContiguousOffsets(['1', '2']);
    t.append(['3', '4']);
    t.complete('3');
    t.complete('1');
    expect(t.commitOffset).toBe('2');
    expect(t.pending).toBe(3);
    t.complete('2');
    expect(t.commitOffset).toBe('4');
    t.append(['5']);
    t.complete('5');
    t.complete('4');
    expect(t.commitOffset).toBe('6');
    expect(t.allDone).toBe(true);
  });

  it('stays consistent under a random completion order', () => {
    const offsets = Array.from({ length: 200 }, (_, i) => String(1000 + i));
    const shuffled = [...offsets].sort(() => Math.random() - 0.5);
    const t = new ContiguousOffsets(offsets);
    const seen = new Set<string>();
    for (const o of shuffled) {
      seen.add(o);
      t.complete(o);
      const commit = t.commitOffset;
      if (commit !== undefined) {
        // everything below the commit point must have completed
        for (let x = 1000; x < Number(commit); x++) expect(seen.has(String(x))).toBe(true);
      }
    }
    expect(t.commitOffset).toBe('1200');
  });
});
