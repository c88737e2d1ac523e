/**
 * A small renderer of dashboard panels to one SVG: the README's picture of the Grafana dashboard, drawn from
 * real query results (test/ops/prometheus-live.e2e-spec.ts feeds it Prometheus range queries of the dashboard's
 * own panel expressions). No Grafana image renderer is available on the build machines; this draws what matters:
 * one line per series, the time axis, the value range with the panel's unit, a legend.
 */

export interface PanelSeries {
  /** legend text (the panel's legendFormat, filled in) */
  name: string;
  /** [unix seconds, value] */
  points: Array<[number, number]>;
}

export interface RenderedPanel {
  title: string;
  /** Grafana unit id: ops, reqps, s, percentunit, short, bytes */
  unit: string;
  series: PanelSeries[];
}

const WIDTH = 460;
const HEIGHT = 210;
const PAD = { left: 58, right: 12, top: 30, bottom: 48 };
const COLUMNS = 2;
const PALETTE = ['#73bf69', '#f2cc0c', '#5794f2', '#ff780a', '#f2495c', '#b877d9', '#8ab8ff', '#fade2a'];

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);

/** A value as Grafana would label it for the unit. */
export function formatValue(value: number, unit: string): string {
  const short = (v: number) => (Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(1)}k` : Number(v.toPrecision(3)).toString());
  switch (unit) {
    case 'percentunit':
      return `${Number((value * 100).toPrecision(3))}%`;
    case 's':
      return value < 1 ? `${Number((value * 1000).toPrecision(3))} ms` : `${Number(value.toPrecision(3))} s`;
    case 'ops':
      return `${short(value)}/s`;
    case 'reqps':
      return `${short(value)} req/s`;
    case 'bytes':
      return value >= 1 << 20 ? `${(value / (1 << 20)).toFixed(0)} MiB` : `${(value / 1024).toFixed(0)} KiB`;
    default:
      return short(value);
  }
}

function renderPanel(panel: RenderedPanel, x: number, y: number): string {
  const points = panel.series.flatMap((s) => s.points).filter(([, v]) => Number.isFinite(v));
  const parts = [
    `<g transform="translate(${x},${y})">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" rx="3" fill="#181b1f" stroke="#2c3235"/>`,
    `<text x="10" y="19" fill="#ccccdc" font-size="13" font-weight="600">${escapeXml(panel.title)}</text>`,
  ];
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  if (points.length === 0) {
    parts.push(`<text x="${WIDTH / 2}" y="${HEIGHT / 2}" fill="#8e8e8e" font-size="12" text-anchor="middle">No data</text></g>`);
    return parts.join('');
  }
  const t0 = Math.min(...points.map(([t]) => t));
  const t1 = Math.max(...points.map(([t]) => t), t0 + 1);
  const vMax = Math.max(...points.map(([, v]) => v), 0) || 1;
  const vMin = Math.min(...points.map(([, v]) => v), 0);
  const px = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * plotW;
  const py = (v: number) => PAD.top + plotH - ((v - vMin) / (vMax - vMin || 1)) * plotH;
  for (const fraction of [0, 0.5, 1]) {
    const v = vMin + (vMax - vMin) * fraction;
    const gy = py(v).toFixed(1);
    parts.push(`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${gy}" y2="${gy}" stroke="#2c3235"/>`);
    parts.push(
      `<text x="${PAD.left - 6}" y="${Number(gy) + 4}" fill="#8e8e8e" font-size="10" text-anchor="end">${escapeXml(formatValue(v, panel.unit))}</text>`,
    );
  }
  const clock = (t: number) => new Date(t * 1000).toISOString().slice(11, 19);
  parts.push(`<text x="${PAD.left}" y="${PAD.top + plotH + 14}" fill="#8e8e8e" font-size="10">${clock(t0)}</text>`);
  parts.push(
    `<text x="${WIDTH - PAD.right}" y="${PAD.top + plotH + 14}" fill="#8e8e8e" font-size="10" text-anchor="end">${clock(t1)} UTC</text>`,
  );
  panel.series.slice(0, PALETTE.length).forEach((series, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const path = series.points
      .filter(([, v]) => Number.isFinite(v))
      .map(([t, v]) => `${px(t).toFixed(1)},${py(v).toFixed(1)}`)
      .join(' ');
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="1.6" points="${path}"><title>${escapeXml(series.name)}</title></polyline>`,
    );
    const lx = PAD.left + (i % 3) * 130;
    const ly = HEIGHT - 20 + Math.floor(i / 3) * 12;
    if (ly < HEIGHT - 2) {
      parts.push(`<rect x="${lx}" y="${ly - 7}" width="10" height="3" fill="${colour}"/>`);
      parts.push(`<text x="${lx + 14}" y="${ly}" fill="#ccccdc" font-size="10">${escapeXml(series.name.slice(0, 20))}</text>`);
    }
  });
  parts.push('</g>');
  return parts.join('');
}

/** The panels on a grid of two columns, Grafana's dark theme colours. */
export function renderDashboardSvg(title: string, panels: RenderedPanel[]): string {
  const gap = 10;
  const rows = Math.ceil(panels.length / COLUMNS);
  const width = COLUMNS * WIDTH + (COLUMNS + 1) * gap;
  const height = 40 + rows * (HEIGHT + gap) + gap;
  const body = panels.map((p, i) => renderPanel(p, gap + (i % COLUMNS) * (WIDTH + gap), 40 + Math.floor(i / COLUMNS) * (HEIGHT + gap)));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Inter, Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#111217"/>`,
    `<text x="${gap}" y="26" fill="#ccccdc" font-size="16" font-weight="600">${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
