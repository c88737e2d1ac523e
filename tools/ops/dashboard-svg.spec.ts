import { describe, expect, it } from '@jest/globals';
import { formatValue, renderDashboardSvg } from './dashboard-svg.js';

describe('dashboard SVG renderer', () => {
  const svg = renderDashboardSvg('riskwire <live>', [
    {
      title: 'Decisions by outcome',
      unit: 'ops',
      series: [
        {
          name: 'ALLOW',
          points: [
            [1000, 2],
            [1010, 4],
            [1020, 3],
          ],
        },
        {
          name: 'DENY & co',
          points: [
            [1000, 0],
            [1010, 1],
            [1020, 0.5],
          ],
        },
      ],
    },
    { title: 'Deny share', unit: 'percentunit', series: [] },
    {
      title: 'p99',
      unit: 's',
      series: [
        {
          name: 'kafka',
          points: [
            [1000, 0.04],
            [1020, 0.12],
          ],
        },
      ],
    },
  ]);

  it('draws one polyline per series, scaled into its panel, and escapes text', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    expect(svg).toContain('riskwire &lt;live&gt;');
    expect(svg).toContain('DENY &amp; co');
    // the highest value sits on the top of the plot, the earliest time on its left edge
    const allow = /<polyline[^>]*points="([^"]+)"><title>ALLOW/
      .exec(svg)?.[1]
      ?.split(' ')
      .map((p) => p.split(',').map(Number));
    expect(allow?.[0]?.[0]).toBe(58);
    expect(Math.min(...(allow ?? []).map(([, y]) => y as number))).toBe(30);
  });

  it('says No data for a panel without series, and lays panels out in two columns', () => {
    expect(svg).toContain('No data');
    expect(svg).toContain('translate(480,40)');
    expect(svg).toContain('translate(10,260)');
  });

  it('labels values in the panel unit', () => {
    expect(formatValue(0.25, 's')).toBe('250 ms');
    expect(formatValue(0.053, 'percentunit')).toBe('5.3%');
    expect(formatValue(1500, 'ops')).toBe('1.5k/s');
    expect(formatValue(12, 'reqps')).toBe('12 req/s');
  });
});
