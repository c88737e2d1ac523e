import { describe, expect, it } from '@jest/globals';
import { readProcess, ResourceSampler } from './resource-sampler.js';

describe('readProcess', () => {
  it('reads CPU and memory of a live process from /proc', () => {
    const reading = readProcess(process.pid);
    expect(reading?.rssMb).toBeGreaterThan(10);
    expect(reading?.peakRssMb).toBeGreaterThanOrEqual(reading?.rssMb ?? Infinity);
    expect(reading?.cpuSeconds).toBeGreaterThan(0);
  });

  it('gives undefined for a process that does not exist', () => {
    expect(readProcess(2 ** 22 + 12345)).toBeUndefined();
  });
});

describe('ResourceSampler', () => {
  it('charges CPU burnt between two readings to that window', () => {
    const sampler = new ResourceSampler(process.pid);
    const from = sampler.sample();
    const until = Date.now() + 300;
    let spin = 0;
    while (Date.now() < until) spin += Math.sqrt(spin + 1);
    const to = sampler.sample();
    const summary = sampler.summarise(from, to);
    expect(spin).toBeGreaterThan(0);
    expect(summary.cpuSeconds).toBeGreaterThanOrEqual(0.2);
    expect(summary.averageCores).toBeGreaterThan(0.5);
    expect(summary.samples).toBe(2);
  });
});
