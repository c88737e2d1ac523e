/** The backtest result for people: a console summary and a self-contained HTML page of SVG charts (no scripts, no CDN). */
import { OUTCOMES, type Outcome } from '../../src/domain/decision.js';
import { MEASURED, type BacktestResult, type LabelledView } from './backtest-analysis.js';

const COLOUR: Record<Outcome, string> = { ALLOW: '#3a9d5d', CHALLENGE: '#e0a100', REVIEW: '#9b59b6', DENY: '#d0393e' };
const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function summaryLines(r: BacktestResult): string[] {
  const lines = [
    `candidate ${r.candidate.version} vs recorded ${Object.entries(r.currentVersions)
      .map(([v, n]) => `${v} (${n})`)
      .join(', ')}`,
    `decisions ${r.input.decisions} (records ${r.input.records}, duplicates ${r.input.duplicates}, outside window ${r.input.outsideWindow}, without evidence ${r.input.noEvidence})`,
    `outcomes   current: ${OUTCOMES.map((o) => `${o} ${r.outcomes.current[o]}`).join(', ')}`,
    `         candidate: ${OUTCOMES.map((o) => `${o} ${r.outcomes.candidate[o]}`).join(', ')}`,
    `changed ${r.changed} of ${r.input.decisions}; score raised ${r.scoreDelta.raised}, lowered ${r.scoreDelta.lowered}, mean change ${r.scoreDelta.mean}`,
    'transitions (rows current, columns candidate):',
    `  ${''.padEnd(10)}${OUTCOMES.map((o) => o.padStart(10)).join('')}`,
    ...OUTCOMES.map((from) => `  ${from.padEnd(10)}${OUTCOMES.map((to) => String(r.transitions[from][to]).padStart(10)).join('')}`),
  ];
  const moved = r.reasons.filter((x) => x.delta !== 0);
  lines.push(
    moved.length
      ? `reason codes firing more/less: ${moved.map((x) => `${x.code} ${x.delta > 0 ? '+' : ''}${x.delta}`).join(', ')}`
      : 'reason codes: no change',
  );
  if (r.labels) {
    const l = r.labels;
    lines.push(`labels: ${l.matched} labelled decisions (${l.fraud} fraud, ${l.legit} legit) of ${l.events} labelled events`);
    for (const m of MEASURED) {
      const c = l.current.measures[m];
      const k = l.candidate.measures[m];
      lines.push(
        `  ${m.padEnd(9)} precision ${pct(c.precision).padStart(8)} -> ${pct(k.precision).padStart(8)}   recall ${pct(c.recall).padStart(8)} -> ${pct(k.recall).padStart(8)}`,
      );
    }
    lines.push(
      `  known fraud let through (ALLOW): ${l.current.fraudLetThrough} (${pct(l.current.fraudLetThroughShare)}) -> ${l.candidate.fraudLetThrough} (${pct(l.candidate.fraudLetThroughShare)})`,
    );
  }
  return lines;
}

function outcomeBars(r: BacktestResult): string {
  const max = Math.max(1, ...OUTCOMES.flatMap((o) => [r.outcomes.current[o], r.outcomes.candidate[o]]));
  const w = 520;
  const h = 220;
  const group = (w - 40) / OUTCOMES.length;
  const bar = (x: number, value: number, fill: string, opacity: number) => {
    const bh = (value / max) * (h - 60);
    return `<rect x="${x}" y="${h - 30 - bh}" width="${group / 3}" height="${bh}" fill="${fill}" opacity="${opacity}"/><text x="${x + group / 6}" y="${h - 34 - bh}" text-anchor="middle" font-size="11">${value}</text>`;
  };
  const parts = OUTCOMES.map((o, i) => {
    const x = 30 + i * group + group / 6;
    return (
      bar(x, r.outcomes.current[o], COLOUR[o], 0.45) +
      bar(x + group / 3, r.outcomes.candidate[o], COLOUR[o], 1) +
      `<text x="${x + group / 3}" y="${h - 12}" text-anchor="middle" font-size="12">${o}</text>`
    );
  });
  return svg(w, h, 'Outcomes: current (light) vs candidate (solid)', parts.join(''));
}

function heatmap(
  title: string,
  rows: string[],
  cols: string[],
  cell: (r: string, c: string) => number,
  rowLabel: string,
  colLabel: string,
): string {
  const size = 64;
  const left = 100;
  const top = 50;
  const max = Math.max(1, ...rows.flatMap((r) => cols.map((c) => cell(r, c))));
  const cells = rows.flatMap((r, i) =>
    cols.map((c, j) => {
      const v = cell(r, c);
      const shade = v === 0 ? '#f4f4f4' : `rgba(40, 90, 200, ${0.15 + 0.85 * (v / max)})`;
      const diag = r === c ? ' stroke="#333" stroke-width="1.5"' : '';
      return `<rect x="${left + j * size}" y="${top + i * size}" width="${size - 2}" height="${size - 2}" fill="${shade}"${diag}/><text x="${left + j * size + size / 2}" y="${top + i * size + size / 2 + 4}" text-anchor="middle" font-size="13" fill="${v / max > 0.6 ? '#fff' : '#111'}">${v}</text>`;
    }),
  );
  const labels = [
    ...rows.map((r, i) => `<text x="${left - 8}" y="${top + i * size + size / 2 + 4}" text-anchor="end" font-size="12">${esc(r)}</text>`),
    ...cols.map((c, j) => `<text x="${left + j * size + size / 2}" y="${top - 8}" text-anchor="middle" font-size="12">${esc(c)}</text>`),
    `<text x="${left + (cols.length * size) / 2}" y="${top - 26}" text-anchor="middle" font-size="11" fill="#555">${esc(colLabel)} →</text>`,
    `<text x="12" y="${top + (rows.length * size) / 2}" font-size="11" fill="#555" transform="rotate(-90 12 ${top + (rows.length * size) / 2})" text-anchor="middle">${esc(rowLabel)} →</text>`,
  ];
  return svg(left + cols.length * size + 20, top + rows.length * size + 20, title, cells.join('') + labels.join(''));
}

function reasonBars(r: BacktestResult): string {
  const rows = r.reasons.slice(0, 16);
  const w = 620;
  const rowH = 22;
  const h = 40 + rows.length * rowH;
  const mid = 330;
  const max = Math.max(1, ...rows.map((x) => Math.abs(x.delta)));
  const parts = rows.map((x, i) => {
    const y = 30 + i * rowH;
    const len = (Math.abs(x.delta) / max) * 200;
    const fill = x.delta > 0 ? '#d0393e' : '#3a9d5d';
    const bx = x.delta >= 0 ? mid : mid - len;
    return `<text x="${mid - 210}" y="${y + 14}" text-anchor="end" font-size="11">${esc(x.code)}</text><rect x="${bx}" y="${y + 3}" width="${len}" height="${rowH - 6}" fill="${fill}"/><text x="${x.delta >= 0 ? mid + len + 4 : mid - len - 4}" y="${y + 15}" font-size="11" text-anchor="${x.delta >= 0 ? 'start' : 'end'}">${x.delta > 0 ? '+' : ''}${x.delta} (${x.current}→${x.candidate})</text>`;
  });
  return svg(
    w,
    h,
    'Reason codes firing more (red) or less (green) under the candidate',
    `<line x1="${mid}" y1="24" x2="${mid}" y2="${h - 6}" stroke="#999"/>` + parts.join(''),
  );
}

function measureBars(current: LabelledView, candidate: LabelledView): string {
  const w = 620;
  const h = 240;
  const group = (w - 60) / MEASURED.length;
  const bar = (x: number, v: number | null, fill: string) => {
    const bh = (v ?? 0) * (h - 70);
    return `<rect x="${x}" y="${h - 40 - bh}" width="${group / 5}" height="${bh}" fill="${fill}"/><text x="${x + group / 10}" y="${h - 44 - bh}" text-anchor="middle" font-size="9">${v === null ? 'n/a' : Math.round(v * 100)}</text>`;
  };
  const parts = MEASURED.map((m, i) => {
    const x = 40 + i * group + group / 10;
    const c = current.measures[m];
    const k = candidate.measures[m];
    return (
      bar(x, c.precision, '#9ab7e6') +
      bar(x + group / 5, k.precision, '#285ac8') +
      bar(x + (2 * group) / 5, c.recall, '#f0b27a') +
      bar(x + (3 * group) / 5, k.recall, '#d35400') +
      `<text x="${x + (2 * group) / 5}" y="${h - 22}" text-anchor="middle" font-size="12">${m}</text>`
    );
  });
  const legend = `<text x="40" y="${h - 6}" font-size="11"><tspan fill="#9ab7e6">■</tspan> precision current <tspan fill="#285ac8">■</tspan> precision candidate <tspan fill="#f0b27a">■</tspan> recall current <tspan fill="#d35400">■</tspan> recall candidate (%)</text>`;
  return svg(w, h, 'Precision and recall against the fraud labels', parts.join('') + legend);
}

function svg(w: number, h: number, title: string, body: string): string {
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif">${body}</svg></figure>`;
}

export function htmlReport(r: BacktestResult, meta: { source: string; generatedAt: string }): string {
  const l = r.labels;
  const confusion = (view: LabelledView, who: string) =>
    heatmap(
      `Labels by ${who} outcome`,
      [...OUTCOMES],
      ['fraud', 'legit'],
      (o, label) => view.confusion[o as Outcome][label as 'fraud' | 'legit'],
      'outcome',
      'label',
    );
  const kpi = (label: string, value: string) => `<div class="kpi"><div class="v">${esc(value)}</div><div>${esc(label)}</div></div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>riskwire backtest: ${esc(r.candidate.version)}</title>
<style>body{font-family:sans-serif;margin:24px;color:#111;max-width:1400px}figure{display:inline-block;margin:8px 16px 16px 0;vertical-align:top}
figcaption{font-weight:bold;margin-bottom:4px}.kpis{display:flex;gap:16px;flex-wrap:wrap}.kpi{border:1px solid #ddd;border-radius:6px;padding:10px 16px}
.kpi .v{font-size:24px;font-weight:bold}pre{background:#f6f6f6;padding:12px;overflow:auto}</style></head><body>
<h1>Backtest of ${esc(r.candidate.version)}</h1>
<p>Recorded decisions from ${esc(meta.source)} (${Object.entries(r.currentVersions)
    .map(([v, n]) => `${esc(v)}: ${n}`)
    .join(', ')}), scored again offline on their own evidence and signal answers: no upstream call. Generated ${esc(meta.generatedAt)}.</p>
<div class="kpis">${kpi('decisions backtested', String(r.input.decisions))}${kpi('outcome changed', `${r.changed} (${pct(r.input.decisions ? r.changed / r.input.decisions : null)})`)}${kpi('DENY current → candidate', `${r.outcomes.current.DENY} → ${r.outcomes.candidate.DENY}`)}${
    l
      ? kpi('known fraud let through', `${pct(l.current.fraudLetThroughShare)} → ${pct(l.candidate.fraudLetThroughShare)}`) +
        kpi('flagged precision', `${pct(l.current.measures.FLAGGED.precision)} → ${pct(l.candidate.measures.FLAGGED.precision)}`)
      : ''
  }</div>
${outcomeBars(r)}
${heatmap('Outcome transitions (diagonal: unchanged)', [...OUTCOMES], [...OUTCOMES], (a, b) => r.transitions[a as Outcome][b as Outcome], 'current', 'candidate')}
${reasonBars(r)}
${l ? `<h2>Against ${l.matched} labelled decisions (${l.fraud} fraud, ${l.legit} legit)</h2>${measureBars(l.current, l.candidate)}${confusion(l.current, 'current')}${confusion(l.candidate, 'candidate')}` : '<p>No labels given (--labels-topic or --labels-file): precision and recall need them.</p>'}
<h2>Summary</h2><pre>${esc(summaryLines(r).join('\n'))}</pre>
</body></html>
`;
}
