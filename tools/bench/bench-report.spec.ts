import { describe, expect, it } from '@jest/globals';
import { formatTable, ratios, reportRows, type BenchResults } from './bench-report.js';
import type { BacklogResult } from './scenarios/backlog-scenario.js';

function backlog(scenario: string, throughput: number, unavailableShare = 0): BacklogResult {
  return {
    scenario,
    service: scenario,
    cache: 'off',
    eventsOffered: 1000,
    eventsDecided: 1000,
    complete: true,
    duplicates: 0,
    unavailableShare,
    throughputPerSecond: throughput,
    answeredThroughputPerSecond: throughput * (1 - unavailableShare),
    windowSeconds: 1,
    firstDecisionAfterLaunchSeconds: 1,
    upstream: { calls: 3000, callsPerEvent: 3, byEndpoint: {}, nonOk: 0 },
    resources: {
      cpuSeconds: 1,
      wallSeconds: 1,
      averageCores: 1,
      peakRssMb: 100,
      rssAtStartMb: 90,
      rssAtMiddleMb: 95,
      rssAtEndMb: 100,
      samples: 3,
      processingCpuSeconds: 1,
      cpuMsPer1000Events: 1000,
    },
    metrics: {},
  };
}

describe('ratios', () => {
  it('compares answered decisions only, so giving up on the upstream does not score', () => {
    const results: BenchResults = {
      saturation: backlog('saturation', 2000, 0.5),
      ceiling: backlog('ceiling', 2000),
      baseline: backlog('naive-baseline', 20),
    };
    expect(ratios(results)).toEqual({ oursOverBaseline: 50, oursOverCeiling: 0.5 });
  });
});

describe('reportRows', () => {
  it('marks targets PASS or FAIL and skipped scenarios n/a', () => {
    const rows = reportRows({ saturation: backlog('saturation', 1500), ceiling: backlog('ceiling', 2000) }, 2500);
    const row = (prefix: string) => rows.find((r) => r.metric.startsWith(prefix));
    expect(row('ours / ceiling')).toMatchObject({ value: '75.0 %', status: 'PASS' });
    expect(row('ours / naive baseline')?.status).toBe('n/a');
    expect(row('upstream calls / event, no cache')?.status).toBe('PASS');
    expect(row('latency at 2500')?.value).toBe('skipped');
    expect(formatTable(rows).split('\n')[0]).toMatch(/^metric\s+value\s+target\s+result$/);
  });
});
