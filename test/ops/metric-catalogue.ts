import type { MetricObject } from 'prom-client';
import { RiskwireMetrics } from '../../src/metrics/riskwire-metrics.js';

export interface MetricInfo {
  name: string;
  type: string;
  labels: string[];
}

/** Labels Prometheus itself adds to every scraped series (target and Kubernetes labels). */
export const TARGET_LABELS = ['job', 'instance', 'namespace', 'pod', 'service', 'container', 'endpoint'];

/**
 * Every series name the running service can expose, read from the real RiskwireMetrics
 * (custom instruments plus prom-client defaults), with the suffixes a histogram adds.
 */
export function loadMetricCatalogue(): { metrics: MetricInfo[]; series: Map<string, string[]> } {
  const { registry } = new RiskwireMetrics();
  // The registry hands back the instruments themselves, which also carry their label names.
  const metrics: MetricInfo[] = (registry.getMetricsAsArray() as Array<MetricObject & { labelNames?: string[] }>).map((m) => ({
    name: m.name,
    type: String(m.type),
    labels: [...(m.labelNames ?? [])],
  }));
  const series = new Map<string, string[]>();
  for (const m of metrics) {
    if (m.type === 'histogram') {
      series.set(`${m.name}_bucket`, [...m.labels, 'le']);
      series.set(`${m.name}_sum`, m.labels);
      series.set(`${m.name}_count`, m.labels);
    } else {
      series.set(m.name, m.labels);
    }
  }
  return { metrics, series };
}

/** Metric names a PromQL expression reads, and the label names used in their selectors. */
export function metricReferences(expr: string): Array<{ metric: string; labels: string[] }> {
  const refs: Array<{ metric: string; labels: string[] }> = [];
  const pattern = /\b(riskwire_[A-Za-z0-9_]+)\b(\s*\{([^}]*)\})?/g;
  for (const match of expr.matchAll(pattern)) {
    const selector = match[3] ?? '';
    const labels = [...selector.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)/g)].map((m) => m[1] as string);
    refs.push({ metric: match[1] as string, labels });
  }
  return refs;
}

/** Label names in `by (...)` / `without (...)` / `on (...)` clauses. */
export function groupingLabels(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)].flatMap((m) =>
    (m[1] as string)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}
