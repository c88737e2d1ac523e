import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MetricInfo, TARGET_LABELS, groupingLabels, loadMetricCatalogue, metricReferences } from './metric-catalogue.js';
import { RiskwireMetrics } from '../../src/metrics/riskwire-metrics.js';
import { findTool, parseYaml, readRepoFile, repoPath, run, runOk } from './ops-tools.js';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: Array<{ name: string; rules: Rule[] }>;
}
interface Target {
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: string }> };
}

const allRules = (): Rule[] => parseYaml<RuleFile>(readRepoFile('deploy/prometheus/alerts.yml')).groups.flatMap((g) => g.rules);
const alertRules = (): Rule[] => allRules().filter((r) => r.alert);
const recordingRules = (): Rule[] => allRules().filter((r) => r.record);

/** Series the rules read besides riskwire's own: scrape health and danielqsj/kafka_exporter's broker view. */
const EXTERNAL_SERIES = new Map<string, string[]>([
  ['up', ['job', 'instance']],
  ['kafka_topic_partition_current_offset', ['job', 'topic', 'partition']],
  ['kafka_consumergroup_current_offset', ['job', 'consumergroup', 'topic', 'partition']],
  ['kafka_consumergroup_lag', ['job', 'consumergroup', 'topic', 'partition']],
]);

/** References to scrape health, exporter series and recorded (riskwire:...) series, with their selector text. */
function otherReferences(expr: string): Array<{ metric: string; selector: string }> {
  return [...expr.matchAll(/\b(up|kafka_[a-z_]+|riskwire:[A-Za-z0-9_:]+)\b(\s*\{([^}]*)\})?/g)].map((m) => ({
    metric: m[1] as string,
    selector: m[3] ?? '',
  }));
}
const dashboard = (): Dashboard => JSON.parse(readRepoFile('deploy/grafana/dashboards/riskwire.json')) as Dashboard;
const flatPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...flatPanels(p.panels ?? [])]);

/** Grafana's interval macros replaced by durations Prometheus can parse. */
const withoutGrafanaMacros = (expr: string): string =>
  expr.replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m').replaceAll('$__range', '1h');

/** Fails with one message listing every unknown metric or label, not just the first one. */
function expectOnlyKnownSeries(where: string, expr: string, series: Map<string, string[]>): void {
  const problems: string[] = [];
  const refs = metricReferences(expr);
  const others = otherReferences(expr);
  if (refs.length === 0 && others.length === 0) problems.push('reads no riskwire_ metric');
  const recorded = new Set(recordingRules().map((r) => r.record));
  for (const { metric } of others) {
    if (!EXTERNAL_SERIES.has(metric) && !recorded.has(metric)) problems.push(`unknown series ${metric}`);
  }
  const known = new Set<string>([...TARGET_LABELS]);
  for (const { metric, labels } of refs) {
    const metricLabels = series.get(metric);
    if (!metricLabels) {
      problems.push(`unknown metric ${metric}`);
      continue;
    }
    metricLabels.forEach((l) => known.add(l));
    for (const label of labels) {
      if (!metricLabels.includes(label) && !TARGET_LABELS.includes(label)) problems.push(`${metric} has no label ${label}`);
    }
  }
  for (const label of groupingLabels(expr)) if (!known.has(label)) problems.push(`groups by unknown label ${label}`);
  expect({ where, problems }).toEqual({ where, problems: [] });
}

describe('Prometheus rules, config and Grafana dashboard', () => {
  let promtool: string;
  let series: Map<string, string[]>;
  let metrics: MetricInfo[];

  beforeAll(() => {
    promtool = findTool('promtool');
    ({ series, metrics } = loadMetricCatalogue());
  });

  it('promtool accepts the alert rules', () => {
    const out = runOk(promtool, ['check', 'rules', 'deploy/prometheus/alerts.yml']);
    expect(out).toMatch(new RegExp(`SUCCESS: ${allRules().length} rules found`));
  });

  it('promtool accepts the Prometheus config, including the rule files it loads', () => {
    const out = runOk(promtool, ['check', 'config', 'deploy/prometheus/prometheus.yml']);
    expect(out).toContain('is valid prometheus config file syntax');
    expect(out).toContain('SUCCESS: 1 rule files found');
  });

  it('the alert unit tests pass (promtool test rules)', () => {
    const result = run(promtool, ['test', 'rules', 'alerts.test.yml'], { cwd: repoPath('deploy/prometheus') });
    expect({ ok: result.ok, output: result.stderr + result.stdout }).toEqual({ ok: true, output: expect.stringContaining('SUCCESS') });
  });

  it('the policy alert unit tests pass (promtool test rules, their own file)', () => {
    const result = run(promtool, ['test', 'rules', 'policy-alerts.test.yml'], { cwd: repoPath('deploy/prometheus') });
    expect({ ok: result.ok, output: result.stderr + result.stdout }).toEqual({ ok: true, output: expect.stringContaining('SUCCESS') });
  });

  it('the alert unit tests fire and stay quiet for at least three alerts', () => {
    // the pipeline alerts' tests, and the policy group's in a file of their own
    const tests = ['deploy/prometheus/alerts.test.yml', 'deploy/prometheus/policy-alerts.test.yml'].flatMap((file) =>
      parseYaml<{ tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }> }>(
        readRepoFile(file),
      ).tests.flatMap((t) => t.alert_rule_test),
    );
    const firing = new Set(tests.filter((t) => t.exp_alerts.length > 0).map((t) => t.alertname));
    const quiet = new Set(tests.filter((t) => t.exp_alerts.length === 0).map((t) => t.alertname));
    const both = [...firing].filter((name) => quiet.has(name));
    expect(both.length).toBeGreaterThanOrEqual(3);
  });

  it('a broken expectation makes promtool test rules fail (the unit tests can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskwire-rules-'));
    try {
      writeFileSync(join(dir, 'alerts.yml'), readRepoFile('deploy/prometheus/alerts.yml'));
      const broken = readRepoFile('deploy/prometheus/alerts.test.yml').replace('severity: critical', 'severity: page');
      writeFileSync(join(dir, 'alerts.test.yml'), broken);
      expect(run(promtool, ['test', 'rules', 'alerts.test.yml'], { cwd: dir }).ok).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has every alert the runbook promises, each with for, severity, summary, description and runbook', () => {
    const rules = alertRules();
    expect(rules.map((r) => r.alert).sort()).toEqual(
      [
        'RiskwireApiErrorRatioHigh',
        'RiskwireApiLatencyHigh',
        'RiskwireBrokerExporterDown',
        'RiskwireConsumerCrashed',
        'RiskwireConsumerLagGrowing',
        'RiskwireConsumerLagStuck',
        'RiskwireConsumerStopped',
        'RiskwireDeadLetterSpike',
        'RiskwireDecisionLatencyHigh',
        'RiskwireDeclineRateGuardActive',
        'RiskwireDenyRateJump',
        'RiskwireDown',
        'RiskwireEventsHeld',
        'RiskwireNoDecisions',
        'RiskwireSignalCircuitOpen',
        'RiskwireSignalErrorRateHigh',
        'RiskwireSloApiAvailabilityBurnFast',
        'RiskwireSloApiAvailabilityBurnSlow',
        'RiskwireSloDecisionLatencyBurnFast',
        'RiskwireSloDecisionLatencyBurnSlow',
        'RiskwireTargetDown',
      ].sort(),
    );
    const operations = readRepoFile('docs/operations.md');
    for (const rule of rules) {
      expect({ alert: rule.alert, for: typeof rule.for, severity: rule.labels?.severity }).toEqual({
        alert: rule.alert,
        for: 'string',
        severity: expect.stringMatching(/^(warning|critical)$/),
      });
      expect(Object.keys(rule.annotations ?? {}).sort()).toEqual(['description', 'runbook_url', 'summary']);
      expect(rule.annotations?.runbook_url).toMatch(/^docs\/operations\.md#riskwire[a-z]+$/);
      const anchor = rule.annotations?.runbook_url?.split('#')[1] ?? '';
      expect({ alert: rule.alert, anchorInDocs: operations.toLowerCase().includes(`### ${anchor}`) }).toEqual({
        alert: rule.alert,
        anchorInDocs: true,
      });
    }
  });

  it('alert and recording expressions read only metrics and labels the service (or the broker exporter) exposes', () => {
    for (const rule of allRules()) expectOnlyKnownSeries(`rule ${rule.alert ?? rule.record}`, rule.expr, series);
  });

  it('every rule is scoped: riskwire series by job="riskwire", exporter series by job, group and input topics', () => {
    const problems: string[] = [];
    for (const rule of allRules()) {
      const name = rule.alert ?? rule.record;
      for (const { metric, labels } of metricReferences(rule.expr)) {
        if (!labels.includes('job')) problems.push(`${name}: ${metric} without a job selector`);
      }
      for (const { metric, selector } of otherReferences(rule.expr)) {
        if (!selector.includes('job="')) problems.push(`${name}: ${metric} without a job selector`);
        if (metric.startsWith('kafka_consumergroup') && !selector.includes('consumergroup="riskwire"'))
          problems.push(`${name}: ${metric} without the consumer group`);
        if (metric.startsWith('kafka_') && !selector.includes('topic=~"risk.login.v1|risk.transaction.v1"'))
          problems.push(`${name}: ${metric} without the input topics`);
      }
      if (rule.expr.includes('riskwire_') && !rule.expr.includes('job="riskwire"')) problems.push(`${name}: not scoped`);
    }
    expect(problems).toEqual([]);
  });

  it('every alert has a promtool unit test in which it fires', () => {
    // the pipeline alerts' tests, and the policy group's in a file of their own
    const tests = ['deploy/prometheus/alerts.test.yml', 'deploy/prometheus/policy-alerts.test.yml'].flatMap((file) =>
      parseYaml<{ tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }> }>(
        readRepoFile(file),
      ).tests.flatMap((t) => t.alert_rule_test),
    );
    const firing = new Set(tests.filter((t) => t.exp_alerts.length > 0).map((t) => t.alertname));
    expect(
      alertRules()
        .filter((r) => !firing.has(r.alert as string))
        .map((r) => r.alert),
    ).toEqual([]);
  });

  it('the latency buckets hold the 250 ms objective exactly, and the SLO reads that bucket', async () => {
    const text = recordingRules()
      .map((r) => r.expr)
      .join('\n');
    expect(text).toContain('le="0.25"');
    // the bucket boundaries as the service exposes them
    const service = new RiskwireMetrics({ defaultMetrics: false });
    service.decisionLatency.observe({ source: 'kafka' }, 0.24);
    const exposed = await service.registry.getSingleMetricAsString('riskwire_decision_latency_seconds');
    expect(exposed).toContain('riskwire_decision_latency_seconds_bucket{le="0.25",source="kafka"} 1');
    expect(exposed).toContain('riskwire_decision_latency_seconds_bucket{le="0.2",source="kafka"} 0');
  });

  it('the latency alert is a p99 over the 500 ms budget from the decision latency histogram', () => {
    const rule = alertRules().find((r) => r.alert === 'RiskwireDecisionLatencyHigh');
    expect(rule?.expr.replace(/\s+/g, ' ')).toMatch(/histogram_quantile\(0\.99, .*riskwire_decision_latency_seconds_bucket.*\) > 0\.5/);
    expect(rule?.for).toBe('5m');
  });

  it('the dashboard picks its Prometheus through a ${datasource} variable used by every panel', () => {
    const d = dashboard();
    expect(d.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
    for (const panel of flatPanels(d.panels).filter((p) => p.type !== 'row')) {
      expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({ panel: panel.title, uid: '${datasource}' });
      for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe('${datasource}');
    }
  });

  it('the dashboard is scoped: job and namespace variables, and every query filtered by both (dashboard-linter target rules)', () => {
    const d = dashboard();
    const variables = d.templating.list.map((v) => v.name);
    expect(variables).toEqual(['datasource', 'job', 'namespace']);
    const problems: string[] = [];
    for (const panel of flatPanels(d.panels)) {
      for (const target of panel.targets ?? []) {
        const expr = target.expr ?? '';
        for (const m of expr.matchAll(/\b(riskwire_[A-Za-z0-9_]+)\b(\s*\{([^}]*)\})?/g)) {
          const selector = m[3] ?? '';
          if (!selector.includes('job=~"$job"') || !selector.includes('namespace=~"$namespace"'))
            problems.push(`${panel.title}: ${m[1]} not filtered by $job and $namespace`);
        }
        // target-rate-interval-rule: rates follow the scrape interval Grafana knows about
        for (const range of expr.matchAll(/\b(?:rate|increase|irate)\([^[]*\[([^\]]+)\]/g)) {
          if (range[1] !== '$__rate_interval') problems.push(`${panel.title}: rate over ${range[1]}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the dashboard has the rows operators look for', () => {
    const rows = dashboard()
      .panels.filter((p) => p.type === 'row')
      .map((p) => p.title);
    expect(rows).toEqual([
      'Pipeline throughput and outcome mix',
      'Decision latency',
      'Network Signals',
      'Upstream cost and cache',
      'Kafka consumer',
      'Dead letters',
      'API (HTTP and gRPC)',
      'Node.js runtime',
    ]);
  });

  it('every dashboard query reads only metrics and labels the service exposes', () => {
    const exprs = flatPanels(dashboard().panels).flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr ?? '' })));
    expect(exprs.length).toBeGreaterThan(30);
    for (const { panel, expr } of exprs) expectOnlyKnownSeries(`panel ${panel}`, expr, series);
  });

  it('every dashboard query is valid PromQL (parsed by promtool as recording rules)', () => {
    const exprs = flatPanels(dashboard().panels).flatMap((p) => (p.targets ?? []).map((t) => withoutGrafanaMacros(t.expr ?? '')));
    const dir = mkdtempSync(join(tmpdir(), 'riskwire-panels-'));
    try {
      const rules = exprs.map((expr, i) => ({ record: `riskwire_panel:check_${i}`, expr }));
      writeFileSync(join(dir, 'panels.json'), JSON.stringify({ groups: [{ name: 'panels', rules }] }));
      const out = runOk(promtool, ['check', 'rules', join(dir, 'panels.json')]);
      expect(out).toContain(`SUCCESS: ${exprs.length} rules found`);
      // The check itself rejects bad PromQL: a broken copy must fail.
      writeFileSync(
        join(dir, 'broken.json'),
        JSON.stringify({ groups: [{ name: 'b', rules: [{ record: 'x:y', expr: 'sum(rate(riskwire_decisions_total[5m])' }] }] }),
      );
      expect(run(promtool, ['check', 'rules', join(dir, 'broken.json')]).ok).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('docs/metrics.md catalogues every instrument the service defines', () => {
    const doc = readRepoFile('docs/metrics.md');
    const missing = metrics
      .filter((m) => !doc.includes(`\`${m.name}\``) && !m.name.match(/^riskwire_(process|nodejs)_/))
      .map((m) => m.name);
    expect(missing).toEqual([]);
  });
});
