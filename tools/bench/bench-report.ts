import type { UpstreamLayersResult } from './scenarios/upstream-layers-scenario.js';
import type { BacklogResult } from './scenarios/backlog-scenario.js';
import type { FixedRateResult } from './scenarios/fixed-rate-scenario.js';
import type { PassThroughResult } from './scenarios/passthrough-scenario.js';

export interface BenchResults {
  saturation?: BacklogResult;
  /** saturation and ceiling of another build (--before-dist), same run */
  before?: { saturation?: BacklogResult; ceiling?: BacklogResult; distDir: string };
  /** the same backlog with ADAPTIVE_CONCURRENCY=false (the fixed MAX_IN_FLIGHT bound), same run */
  saturationFixed?: BacklogResult;
  ceiling?: BacklogResult;
  baseline?: BacklogResult;
  passThrough?: PassThroughResult;
  /** paced at 60 % of the saturation measured in the same run */
  at60?: FixedRateResult;
  /** paced at 150 % of the saturation measured in the same run */
  overload?: FixedRateResult;
  latency?: FixedRateResult;
  realistic?: BacklogResult;
  soak?: FixedRateResult;
  /** CPU of one upstream question, layer by layer (bench process, against the simulator) */
  layers?: UpstreamLayersResult;
}

export type RowStatus = 'PASS' | 'FAIL' | 'info' | 'n/a';

export interface ReportRow {
  metric: string;
  value: string;
  target: string;
  status: RowStatus;
}

export interface Ratios {
  oursOverBaseline?: number;
  oursOverCeiling?: number;
}

/** On answered decisions: one made without its upstream answers (a signal UNAVAILABLE) is fast but not the work compared. */
export function ratios(results: BenchResults): Ratios {
  const ours = results.saturation?.answeredThroughputPerSecond;
  const baseline = results.baseline?.answeredThroughputPerSecond;
  const ceiling = results.ceiling?.answeredThroughputPerSecond;
  return {
    oursOverBaseline: ours !== undefined && baseline ? Math.round((ours / baseline) * 10) / 10 : undefined,
    oursOverCeiling: ours !== undefined && ceiling ? Math.round((ours / ceiling) * 1000) / 1000 : undefined,
  };
}

const perSecond = (n: number) => `${n.toLocaleString('en-US', { maximumFractionDigits: 0 })} ev/s`;
const check = (ok: boolean): RowStatus => (ok ? 'PASS' : 'FAIL');
const incomplete = (r: BacklogResult) =>
  r.complete || r.scenario === 'naive-baseline' ? '' : ` (only ${r.eventsDecided}/${r.eventsOffered} decided)`;
const percent = (share: number) => `${(share * 100).toFixed(share > 0 && share < 0.01 ? 2 : 1)} %`;
const unavailableNote = (share: number) => (share > 0 ? `, ${percent(share)} without all answers` : '');

const skipped = (metric: string): ReportRow => ({ metric, value: 'skipped', target: '-', status: 'n/a' });

function saturationRows(sat: BacklogResult | undefined): ReportRow[] {
  if (!sat) return [skipped('saturation throughput (3 checks/event, no cache)')];
  return [
    {
      metric: 'saturation throughput (3 checks/event, no cache)',
      value: perSecond(sat.throughputPerSecond) + unavailableNote(sat.unavailableShare) + incomplete(sat),
      target: '-',
      status: 'info',
    },
    {
      metric: '  decisions with every upstream answer',
      value: `${percent(1 - sat.unavailableShare)} (${perSecond(sat.answeredThroughputPerSecond)})`,
      target: '100 %',
      status: check(sat.unavailableShare === 0),
    },
  ];
}

function referenceRows(results: BenchResults): ReportRow[] {
  const { ceiling, baseline } = results;
  const r = ratios(results);
  return [
    ceiling
      ? {
          metric: 'ceiling: same path, instant upstream',
          value: perSecond(ceiling.throughputPerSecond) + incomplete(ceiling),
          target: '-',
          status: 'info',
        }
      : skipped('ceiling: same path, instant upstream'),
    baseline
      ? {
          metric: `naive baseline (stock @EventPattern, sequential checks, ${baseline.windowSeconds.toFixed(0)} s)`,
          value: perSecond(baseline.throughputPerSecond) + unavailableNote(baseline.unavailableShare),
          target: '-',
          status: 'info',
        }
      : skipped('naive baseline (stock @EventPattern, sequential checks)'),
    r.oursOverBaseline !== undefined
      ? {
          metric: 'ours / naive baseline (answered decisions)',
          value: `${r.oursOverBaseline}x`,
          target: '>= 50x',
          status: check(r.oursOverBaseline >= 50),
        }
      : { metric: 'ours / naive baseline (answered decisions)', value: '-', target: '>= 50x', status: 'n/a' },
    r.oursOverCeiling !== undefined
      ? {
          metric: 'ours / ceiling (answered decisions)',
          value: `${(r.oursOverCeiling * 100).toFixed(1)} %`,
          target: '>= 60 %',
          status: check(r.oursOverCeiling >= 0.6),
        }
      : { metric: 'ours / ceiling (answered decisions)', value: '-', target: '>= 60 %', status: 'n/a' },
  ];
}

function latencyRows(latency: FixedRateResult | undefined, rate: number): ReportRow[] {
  if (!latency) return [skipped(`latency at ${rate} ev/s offered`)];
  return [
    {
      metric: `latency at ${rate} ev/s offered: p50 / p95 / p99`,
      value: `${latency.latency.p50Ms} / ${latency.latency.p95Ms} / ${latency.latency.p99Ms} ms`,
      target: '-',
      status: 'info',
    },
    {
      metric: '  achieved rate, decided, max producer lag',
      value: `${perSecond(latency.achievedRatePerSecond)}, ${latency.eventsDecided}/${latency.eventsProduced}, ${latency.producerMaxLagMs} ms`,
      target: `${rate} ev/s, all`,
      status: check(latency.missing === 0 && latency.achievedRatePerSecond >= rate * 0.95),
    },
    {
      metric: '  decisions with every upstream answer',
      value: percent(1 - latency.unavailableShare),
      target: '100 %',
      status: check(latency.unavailableShare === 0),
    },
  ];
}

function upstreamRows(sat: BacklogResult | undefined, realistic: BacklogResult | undefined): ReportRow[] {
  return [
    sat
      ? {
          metric: 'upstream calls / event, no cache',
          value: sat.upstream.callsPerEvent.toFixed(2),
          target: '~ 3',
          status: check(Math.abs(sat.upstream.callsPerEvent - 3) <= 0.1),
        }
      : skipped('upstream calls / event, no cache'),
    ...(realistic
      ? [
          {
            metric: `upstream calls / event, realistic (${realistic.eventsOffered} events, cache on)`,
            value: realistic.upstream.callsPerEvent.toFixed(2),
            target: '<= 1.2',
            status: check(realistic.complete && realistic.unavailableShare === 0 && realistic.upstream.callsPerEvent <= 1.2),
          },
          {
            metric: '  realistic workload throughput',
            value: perSecond(realistic.throughputPerSecond) + unavailableNote(realistic.unavailableShare) + incomplete(realistic),
            target: '-',
            status: 'info' as RowStatus,
          },
        ]
      : [skipped('upstream calls / event, realistic (cache on)')]),
  ];
}

function resourceRows(sat: BacklogResult | undefined, latency: FixedRateResult | undefined): ReportRow[] {
  const rows: ReportRow[] = [];
  if (sat) {
    rows.push({
      metric: 'service CPU at saturation',
      value: `${sat.resources.processingCpuSeconds} s (${sat.resources.averageCores} cores, ${sat.resources.cpuMsPer1000Events} ms CPU/1000 ev)`,
      target: '-',
      status: 'info',
    });
  }
  const peaks = [sat && `${sat.resources.peakRssMb} MB saturation`, latency && `${latency.resources.peakRssMb} MB fixed rate`].filter(
    Boolean,
  );
  if (peaks.length > 0) rows.push({ metric: 'service peak RSS', value: peaks.join(', '), target: '-', status: 'info' });
  return rows;
}

/** Issue 10's figures: CPU per event, the ceiling against the broker, latency at 60 % and behaviour at 150 % of saturation. */
function efficiencyRows(results: BenchResults): ReportRow[] {
  const { saturation: sat, saturationFixed: fixed, ceiling, passThrough, at60, overload } = results;
  const rows: ReportRow[] = [];
  const before = results.before;
  if (before?.saturation && sat) {
    const b = before.saturation;
    rows.push({
      metric: 'before (--before-dist): saturation, ceiling',
      value: `${perSecond(b.throughputPerSecond)} (after/before ${(sat.throughputPerSecond / Math.max(1, b.throughputPerSecond)).toFixed(2)}x), ${before.ceiling ? perSecond(before.ceiling.throughputPerSecond) : '-'}${before.ceiling && ceiling ? ` (after/before ${(ceiling.throughputPerSecond / Math.max(1, before.ceiling.throughputPerSecond)).toFixed(2)}x)` : ''}`,
      target: '-',
      status: 'info',
    });
    if (b.resources.cpuMsPer1000Events > 0 && sat.resources.cpuMsPer1000Events > 0) {
      rows.push({
        metric: '  before: ms CPU per event at saturation',
        value: `${(b.resources.cpuMsPer1000Events / 1000).toFixed(3)} (after/before ${(sat.resources.cpuMsPer1000Events / b.resources.cpuMsPer1000Events).toFixed(2)}x)`,
        target: '-',
        status: 'info',
      });
    }
  }
  if (fixed) {
    rows.push({
      metric: 'saturation with a fixed MAX_IN_FLIGHT (ADAPTIVE_CONCURRENCY=false)',
      value:
        perSecond(fixed.throughputPerSecond) +
        (sat ? ` (adaptive / fixed ${((sat.throughputPerSecond / Math.max(1, fixed.throughputPerSecond)) * 100).toFixed(0)} %)` : ''),
      target: '-',
      status: 'info',
    });
  }
  if (sat && sat.resources.cpuMsPer1000Events > 0) {
    const perCpuSecond = 1_000_000 / sat.resources.cpuMsPer1000Events;
    rows.push({
      metric: 'events per service CPU-second (3 checks, no cache)',
      value: `${Math.round(perCpuSecond).toLocaleString('en-US')} (${(sat.resources.cpuMsPer1000Events / 1000).toFixed(3)} ms CPU/event)`,
      target: '>= 4,000',
      status: check(perCpuSecond >= 4000),
    });
  }
  if (results.layers) {
    for (const l of results.layers.layers) {
      rows.push({
        metric: `upstream question CPU: ${l.layer}`,
        value: `${l.cpuMicrosPerCall} µs (x3 per event: ${((l.cpuMicrosPerCall * 3) / 1000).toFixed(3)} ms)`,
        target: '-',
        status: 'info',
      });
    }
  }
  if (passThrough) {
    rows.push({
      metric: 'broker pass-through (kafkajs consume -> produce)',
      value: perSecond(passThrough.throughputPerSecond),
      target: '-',
      status: 'info',
    });
    if (ceiling && passThrough.throughputPerSecond > 0) {
      const share = ceiling.throughputPerSecond / passThrough.throughputPerSecond;
      rows.push({ metric: '  ceiling / pass-through', value: percent(share), target: '>= 40 %', status: check(share >= 0.4) });
    }
  }
  if (at60) {
    rows.push({
      metric: `p50 / p95 / p99 produce -> decision at 60 % of saturation (${at60.offeredRatePerSecond} ev/s)`,
      value: `${at60.latency.p50Ms} / ${at60.latency.p95Ms} / ${at60.latency.p99Ms} ms`,
      target: 'p99 <= 150 ms',
      status: check(at60.missing === 0 && at60.latency.p99Ms <= 150),
    });
    rows.push({
      metric: '  of which in the service p50 / p99; in Kafka p99',
      value: `${at60.serviceLatency.p50Ms} / ${at60.serviceLatency.p99Ms} ms; ${at60.kafkaWait.p99Ms} ms`,
      target: '-',
      status: 'info',
    });
  }
  if (overload && sat) {
    // decisions per second while the load was offered (its first second left out: warm-up)
    const loadSeconds = overload.decidedPerSecond.slice(1, Math.max(2, Math.floor(overload.durationSeconds)));
    const decidedRate = loadSeconds.length > 0 ? loadSeconds.reduce((a, b) => a + b, 0) / loadSeconds.length : 0;
    const share = decidedRate / Math.max(1, sat.throughputPerSecond);
    rows.push({
      metric: `overload at 150 % of saturation (${overload.offeredRatePerSecond} ev/s): throughput`,
      value: `${perSecond(decidedRate)} decided while offered (${percent(share)} of saturation)`,
      target: '>= 90 %',
      status: check(share >= 0.9),
    });
    rows.push({
      metric: '  answered share (every upstream answer), decided/produced',
      value: `${percent(1 - overload.unavailableShare)}, ${overload.eventsDecided}/${overload.eventsProduced}`,
      target: '100 %, all',
      status: check(overload.unavailableShare === 0 && overload.missing === 0),
    });
    rows.push({
      metric: '  in-service p50 / p99 (decidedAt - receive)',
      value: `${overload.serviceLatency.p50Ms} / ${overload.serviceLatency.p99Ms} ms`,
      target: 'p99 <= 300 ms',
      status: check(overload.serviceLatency.p99Ms <= 300),
    });
    rows.push({
      metric: '  waiting in Kafka p50 / p99',
      value: `${overload.kafkaWait.p50Ms} / ${overload.kafkaWait.p99Ms} ms`,
      target: '-',
      status: 'info',
    });
  }
  const steady = at60?.steadyRssMb;
  if (sat || steady !== undefined) {
    rows.push({
      metric: 'RSS: peak at saturation, steady at 60 %',
      value: `${sat ? `${sat.resources.peakRssMb} MB` : '-'}, ${steady !== undefined ? `${steady} MB` : '-'}`,
      target: 'peak < 250 MB',
      status: sat ? check(sat.resources.peakRssMb < 250) : 'n/a',
    });
  }
  return rows;
}

function soakRows(soak: FixedRateResult | undefined): ReportRow[] {
  if (!soak) return [];
  const t = soak.rssTimelineMb;
  const [early, middle, end] = [t[1], t[5], t[10]];
  const growth = early > 0 ? (end - early) / early : 0;
  return [
    {
      metric: `soak ${soak.durationSeconds.toFixed(0)} s @ ${soak.offeredRatePerSecond} ev/s: RSS 10 % / 50 % / end`,
      value: `${early} / ${middle} / ${end} MB`,
      target: 'flat (< +10 %)',
      status: check(growth < 0.1),
    },
    { metric: '  soak latency p50 / p99', value: `${soak.latency.p50Ms} / ${soak.latency.p99Ms} ms`, target: '-', status: 'info' },
  ];
}

export function reportRows(results: BenchResults, rate: number): ReportRow[] {
  return [
    ...saturationRows(results.saturation),
    ...referenceRows(results),
    ...latencyRows(results.latency, rate),
    ...upstreamRows(results.saturation, results.realistic),
    ...resourceRows(results.saturation, results.latency),
    ...efficiencyRows(results),
    ...soakRows(results.soak),
  ];
}

export function formatTable(rows: ReportRow[]): string {
  const header: ReportRow = { metric: 'metric', value: 'value', target: 'target', status: 'info' };
  const widths = {
    metric: Math.max(...[header, ...rows].map((r) => r.metric.length)),
    value: Math.max(...[header, ...rows].map((r) => r.value.length)),
    target: Math.max(...[header, ...rows].map((r) => r.target.length)),
  };
  const line = (r: ReportRow, status: string) =>
    `${r.metric.padEnd(widths.metric)}  ${r.value.padEnd(widths.value)}  ${r.target.padEnd(widths.target)}  ${status}`;
  const rule = '-'.repeat(widths.metric + widths.value + widths.target + 12);
  return [line(header, 'result'), rule, ...rows.map((r) => line(r, r.status))].join('\n');
}
