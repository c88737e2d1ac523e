import { describe, expect, it } from '@jest/globals';
import { latencyRange, OptionsError, parseBenchOptions, parseLatency } from './bench-options.js';

describe('parseLatency', () => {
  it.each([
    ['50±20', { latencyMs: 50, jitterMs: 20 }],
    ['50+-20', { latencyMs: 50, jitterMs: 20 }],
    ['30-70', { latencyMs: 50, jitterMs: 20 }],
    ['80', { latencyMs: 80, jitterMs: 0 }],
  ])('reads %s', (raw, expected) => {
    expect(parseLatency(raw)).toEqual(expected);
  });

  it('refuses anything else', () => {
    expect(() => parseLatency('fast')).toThrow(OptionsError);
    expect(() => parseLatency('70-30')).toThrow(OptionsError);
  });
});

describe('parseBenchOptions', () => {
  it('has the documented defaults', () => {
    const options = parseBenchOptions([]);
    expect(options).toMatchObject({
      events: 20000,
      partitions: 6,
      latencyMs: 50,
      jitterMs: 20,
      rate: 2500,
      soakSeconds: 0,
      out: '.bench/result.json',
    });
    expect(options !== 'help' && options.scenarios).toEqual([
      'saturation',
      'saturation-fixed',
      'ceiling',
      'passthrough',
      'baseline',
      'at60',
      'overload',
      'latency',
      'realistic',
      'layers',
    ]);
    expect(latencyRange({ latencyMs: 50, jitterMs: 20 })).toEqual({ min: 30, max: 70 });
  });

  it('combines --latency-ms/--jitter-ms, --skip-*, --only and --service-env', () => {
    const options = parseBenchOptions([
      '--latency-ms',
      '40',
      '--jitter-ms',
      '5',
      '--skip-baseline',
      '--only',
      'saturation,baseline,latency',
      '--service-env',
      'MAX_IN_FLIGHT=64',
    ]);
    expect(options).toMatchObject({
      latencyMs: 40,
      jitterMs: 5,
      scenarios: ['saturation', 'latency'],
      serviceEnv: { MAX_IN_FLIGHT: '64' },
    });
  });

  it('names the bad flag', () => {
    expect(() => parseBenchOptions(['--events', '0'])).toThrow('--events');
    expect(() => parseBenchOptions(['--only', 'everything'])).toThrow('unknown scenario');
    expect(() => parseBenchOptions(['--service-env', 'lower=1'])).toThrow('--service-env');
    expect(() => parseBenchOptions(['--latency', '10±20'])).toThrow('jitter');
  });
});
