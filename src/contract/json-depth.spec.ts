import { describe, expect, it } from '@jest/globals';
import { jsonNestingExceeds } from './json-depth.js';

describe('jsonNestingExceeds', () => {
  it('counts arrays and objects alike', () => {
    expect(jsonNestingExceeds('[[{"a":[1]}]]', 4)).toBe(false);
    expect(jsonNestingExceeds('[[{"a":[1]}]]', 3)).toBe(true);
    expect(jsonNestingExceeds('{}', 1)).toBe(false);
    expect(jsonNestingExceeds('1', 0)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestingExceeds(`{"a":"[[[[{{{{","b":"\\"[[[["}`, 1)).toBe(false);
    expect(jsonNestingExceeds(`{"a":"\\\\"}`, 1)).toBe(false);
    expect(jsonNestingExceeds(`{"a":"\\\\",[[["x"]]]}`, 3)).toBe(true);
  });

  it('stops early on a hostile record', () => {
    const started = process.hrtime.bigint();
    expect(jsonNestingExceeds('['.repeat(10_000_000), 32)).toBe(true);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
  });
});
