import { describe, expect, it } from '@jest/globals';
import { FaultInjector } from './fault-injector.js';

function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

describe('FaultInjector', () => {
  it('passes everything when nothing is configured', () => {
    const faults = new FaultInjector();
    expect(faults.decide('simSwap')).toEqual({ kind: 'pass' });
    expect(faults.delayMs('callForwarding')).toBe(0);
  });

  it('draws latency uniformly within the range', () => {
    const faults = new FaultInjector({ latencyMs: { min: 30, max: 70 } }, sequence(0, 0.5, 0.999));
    expect([faults.delayMs('simSwap'), faults.delayMs('simSwap'), faults.delayMs('simSwap')]).toEqual([30, 50, 70]);
  });

  it('injects errors and timeouts at the configured rates', () => {
    const faults = new FaultInjector({ errorRate: 0.5, errorStatus: 503, timeoutRate: 0.1 }, sequence(0.05, 0.5, 0.4, 0.5, 0.6));
    // draws: timeout? 0.05 -> yes; timeout? 0.5 no, error? 0.4 -> yes; timeout? 0.5 no, error? 0.6 -> no
    expect(faults.decide('deviceSwap')).toEqual({ kind: 'timeout' });
    expect(faults.decide('deviceSwap')).toEqual({ kind: 'error', status: 503 });
    expect(faults.decide('deviceSwap')).toEqual({ kind: 'pass' });
  });

  it('lets per-signal settings override the global ones field by field', () => {
    const faults = new FaultInjector({ errorRate: 1, errorStatus: 503, simSwap: { errorStatus: 429 }, callForwarding: { errorRate: 0 } });
    expect(faults.decide('simSwap')).toEqual({ kind: 'error', status: 429 });
    expect(faults.decide('deviceSwap')).toEqual({ kind: 'error', status: 503 });
    expect(faults.decide('callForwarding')).toEqual({ kind: 'pass' });
  });

  it('keeps the previous configuration when a new one is invalid, and resets to the initial one', () => {
    const faults = new FaultInjector({ latencyMs: { min: 10, max: 10 } });
    faults.configure({ errorRate: 1 });
    expect(() => faults.configure({ errorRate: 2 })).toThrow('errorRate');
    expect(faults.config).toEqual({ errorRate: 1 });
    faults.reset();
    expect(faults.config).toEqual({ latencyMs: { min: 10, max: 10 } });
  });
});
