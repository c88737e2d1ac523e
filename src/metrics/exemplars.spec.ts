import { describe, expect, it } from '@jest/globals';
import { RiskwireMetrics } from './riskwire-metrics.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('latency exemplars (tracing on)', () => {
  it('attach the active trace to the bucket in OpenMetrics, and leave the text format and counter names as they were', async () => {
    let active: { traceId: string; spanId: string } | undefined = { traceId: TRACE_ID, spanId: SPAN_ID };
    const metrics = new RiskwireMetrics({ defaultMetrics: false, exemplars: () => active });
    metrics.decisionLatency.observe({ source: 'kafka' }, 0.04);
    active = undefined; // an observation outside any span leaves the bucket's exemplar alone
    metrics.decisionLatency.observe({ source: 'kafka' }, 0.2);
    metrics.decisions.inc({ event_type: 'login', outcome: 'ALLOW', source: 'kafka', degraded: 'false' });

    const openMetrics = await metrics.openMetrics();
    expect(openMetrics).toContain(
      `riskwire_decision_latency_seconds_bucket{le="0.05",source="kafka"} 1 # {trace_id="${TRACE_ID}",span_id="${SPAN_ID}"} 0.04 `,
    );
    expect(openMetrics).toMatch(/# TYPE riskwire_decisions counter\n/);
    expect(openMetrics).toMatch(/riskwire_decisions_total\{[^}]*\} 1\n/);
    expect(openMetrics.endsWith('# EOF\n')).toBe(true);

    const text = await metrics.registry.metrics();
    expect(text).not.toContain('trace_id');
    expect(text).toContain('# TYPE riskwire_decisions_total counter');
    expect(text).toMatch(/riskwire_decision_latency_seconds_bucket\{le="0.05",source="kafka"\} 1\n/);
    expect(metrics.exemplarsEnabled).toBe(true);
  });

  it('are absent when tracing is off: plain histograms', async () => {
    const metrics = new RiskwireMetrics({ defaultMetrics: false });
    metrics.signalDuration.observe({ signal: 'simSwap', result: 'ok' }, 0.01);
    expect(metrics.exemplarsEnabled).toBe(false);
    expect((metrics.signalDuration as unknown as { enableExemplars: boolean }).enableExemplars).toBe(false);
  });
});
