import type { BenchResults } from './bench-report.js';

/**
 * The run as one self-contained SVG beside the JSON: decisions per second over time for every scenario (left) and
 * the produce -> decision latency distribution of each paced scenario (right, percentile on x, log-scaled ms on y).
 * No charting library: two line charts are a few dozen lines of SVG.
 */
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
const W = 440;
const H = 260;
const PAD = { left: 56, right: 12, top: 28, bottom: 40 };

interface Series {
  name: string;
  points: [number, number][];
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / power) * power;
}

function panel(x0: number, title: string, xLabel: string, yLabel: string, series: Series[], logY: boolean): string {
  const all = series.flatMap((s) => s.points);
  const xMax = niceMax(Math.max(1, ...all.map((p) => p[0])));
  const yValues = all.map((p) => p[1]).filter((v) => v > 0);
  const yMaxRaw = Math.max(1, ...yValues);
  const yMin = logY ? 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...yValues, yMaxRaw)))) : 0;
  const yMax = logY ? 10 ** Math.ceil(Math.log10(yMaxRaw)) : niceMax(yMaxRaw);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const sx = (x: number) => x0 + PAD.left + (x / xMax) * plotW;
  const sy = (y: number) =>
    PAD.top +
    plotH -
    (logY ? (Math.log10(Math.max(y, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin) || 1) : y / yMax) * plotH;
  const ticks = logY
    ? Array.from({ length: Math.round(Math.log10(yMax / yMin)) + 1 }, (_, i) => yMin * 10 ** i)
    : Array.from({ length: 5 }, (_, i) => (yMax * i) / 4);
  const out: string[] = [
    `<text x="${x0 + PAD.left}" y="16" font-size="13" font-weight="bold">${esc(title)}</text>`,
    `<rect x="${x0 + PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${x0 + PAD.left + plotW / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="${x0 + 12}" y="${PAD.top + plotH / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 ${x0 + 12} ${PAD.top + plotH / 2})">${esc(yLabel)}</text>`,
  ];
  for (const t of ticks) {
    out.push(`<line x1="${x0 + PAD.left}" x2="${x0 + PAD.left + plotW}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>`);
    out.push(
      `<text x="${x0 + PAD.left - 4}" y="${sy(t) + 4}" font-size="10" text-anchor="end">${Math.round(t).toLocaleString('en-US')}</text>`,
    );
  }
  for (const t of [0, xMax / 2, xMax]) {
    out.push(`<text x="${sx(t)}" y="${PAD.top + plotH + 14}" font-size="10" text-anchor="middle">${Math.round(t)}</text>`);
  }
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const colour = COLOURS[i % COLOURS.length];
    const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.6"/>`);
    const ly = PAD.top + 12 + i * 13;
    out.push(
      `<line x1="${x0 + PAD.left + 8}" x2="${x0 + PAD.left + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`,
    );
    out.push(`<text x="${x0 + PAD.left + 26}" y="${ly}" font-size="10">${esc(s.name)}</text>`);
  });
  return out.join('\n');
}

export function benchChartSvg(results: BenchResults, caption: string): string {
  const timeline: Series[] = [];
  const add = (name: string, counts: number[] | undefined) => {
    if (counts && counts.length > 0) timeline.push({ name, points: counts.map((c, i) => [i + 0.5, c] as [number, number]) });
  };
  add('saturation (backlog)', results.saturation?.decidedPerSecond);
  add('ceiling (instant upstream)', results.ceiling?.decidedPerSecond);
  add(`60 % (${results.at60?.offeredRatePerSecond ?? '-'} ev/s)`, results.at60?.decidedPerSecond);
  add(`150 % (${results.overload?.offeredRatePerSecond ?? '-'} ev/s)`, results.overload?.decidedPerSecond);
  add(`fixed ${results.latency?.offeredRatePerSecond ?? '-'} ev/s`, results.latency?.decidedPerSecond);
  const distribution: Series[] = [];
  const addLatency = (name: string, percentiles: number[] | undefined) => {
    if (percentiles && percentiles.length > 0)
      distribution.push({ name, points: percentiles.map((ms, i) => [i * 5, ms] as [number, number]) });
  };
  addLatency('60 % of saturation', results.at60?.latencyPercentilesMs);
  addLatency('150 % of saturation', results.overload?.latencyPercentilesMs);
  addLatency(`fixed ${results.latency?.offeredRatePerSecond ?? '-'} ev/s`, results.latency?.latencyPercentilesMs);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 22}" font-family="sans-serif" viewBox="0 0 ${2 * W} ${H + 22}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(0, 'Decisions per second', 'seconds since first decision / load start', 'decisions/s', timeline, false),
    panel(W, 'Produce -> decision latency', 'percentile', 'ms (log)', distribution, true),
    `<text x="8" y="${H + 16}" font-size="10" fill="#555">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
