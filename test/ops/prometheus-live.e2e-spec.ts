import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import type { Kafka } from 'kafkajs';
import { RiskwireMetrics } from '../../src/metrics/riskwire-metrics.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator-server.js';
import { loginEvent, transactionEvent } from '../support/events.js';
import { createTopics, produce, serviceEnvFor, testKafka, uniqueTopics } from '../support/kafka-io.js';
import { freePort } from '../support/ports.js';
import { ServiceProcess } from '../support/service-process.js';
import { SimulatorAdmin, hoursAgo } from '../support/simulator-admin.js';
import { type RenderedPanel, renderDashboardSvg } from '../../tools/ops/dashboard-svg.js';
import { findTool, repoPath } from './ops-tools.js';

/**
 * A real Prometheus (Debian's package) scrapes the real service while demo-like traffic flows through
 * Kafka, HTTP and gRPC. Every dashboard query and alert expression must evaluate; dashboard panels
 * must return data, except the few whose healthy state is "no data" (listed below, with why).
 */
const HEALTHY_WITHOUT_DATA: Record<string, string> = {
  'offset 1h': 'compares with an hour ago, which a fresh Prometheus has not seen',
  'status=~"5.."': 'a healthy API answers no 5xx, so the numerator has no series',
};

type PromResult = { status: string; data: { resultType: string; result: unknown[] }; error?: string };

describe('Prometheus scraping the running service', () => {
  let kafka: Kafka;
  let simulator: RunningSimulator;
  let service: ServiceProcess;
  let prometheus: ChildProcess;
  let promUrl = '';
  let workDir = '';
  const topics = uniqueTopics('prom');
  const apiKey = 'prom-test-key';

  const query = async (expr: string): Promise<PromResult> => {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await res.json()) as PromResult;
  };

  beforeAll(async () => {
    kafka = testKafka();
    // a trickle of upstream errors, as in real life, so the per-signal error panels have something to show
    simulator = await startSimulator({
      port: 0,
      apiKey: 'prom-upstream',
      faults: { latencyMs: { min: 5, max: 30 }, callForwarding: { errorRate: 0.2, errorStatus: 503 } },
    });
    const admin = new SimulatorAdmin(simulator.url);
    await admin.subscriber('+491740000001', { simSwappedAt: hoursAgo(2), callForwardingActive: true });
    await admin.subscriber('+491740000002', { known: false });
    // German mobiles ask the simulator's CAMARA dialect (OAuth2) with tyntec as fallback, so the provider panels
    // and counters are real: failures there fail over, and one number's operator does not implement the check.
    await admin.faults({ camara: { callForwarding: { errorRate: 0.3, errorStatus: 503 } } });
    await admin.subscriber('+491750000003', { notImplemented: true });
    await createTopics(kafka, [topics.login, topics.transaction, topics.decisions, topics.dlq], 3);
    workDir = mkdtempSync(join(tmpdir(), 'riskwire-prom-'));
    const providersFile = join(workDir, 'providers.json');
    writeFileSync(
      providersFile,
      JSON.stringify({
        providers: {
          tyntec: { type: 'tyntec', baseUrl: simulator.baseUrl, apiKey: 'prom-upstream' },
          'camara-de': {
            type: 'camara',
            baseUrl: simulator.camara.baseUrl,
            tokenUrl: simulator.camara.tokenUrl,
            clientId: 'riskwire',
            clientSecret: 'riskwire-dev-secret',
          },
        },
        routes: [
          { prefix: '+4917', provider: 'camara-de', fallback: 'tyntec' },
          { prefix: '', provider: 'tyntec' },
        ],
      }),
    );
    service = await new ServiceProcess(
      serviceEnvFor(
        topics,
        { baseUrl: simulator.baseUrl, apiKey: 'prom-upstream' },
        {
          API_KEYS: `ops:${apiKey}:assess|read|label`,
          SIGNAL_PROVIDERS_FILE: providersFile,
          // a candidate scored beside the live policy: the shadow panels and counters
          SHADOW_POLICY_FILE: repoPath('policies/examples/candidate-policy.json'),
          CALLBACK_ALLOW_PRIVATE: 'true',
          // broker readings often enough for a 20 s run
          KAFKA_LAG_INTERVAL_MS: '2000',
        },
      ),
    ).start();

    copyFileSync(repoPath('deploy/prometheus/alerts.yml'), join(workDir, 'alerts.yml'));
    const target = service.httpUrl.replace('http://', '');
    writeFileSync(
      join(workDir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: [alerts.yml]\nscrape_configs:\n  - job_name: riskwire\n    static_configs:\n      - targets: ['${target}']\n`,
    );
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      findTool('prometheus'),
      [
        `--config.file=${join(workDir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(workDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );

    // Traffic through every door for ~15 s: Kafka (with poison), HTTP (sync, async, errors), gRPC via health.
    const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const until = Date.now() + 15000;
    let i = 0;
    while (Date.now() < until) {
      const phone =
        i % 10 === 0
          ? '+491740000001'
          : i % 10 === 1
            ? '+491740000002'
            : i % 10 === 2
              ? '+491750000003'
              : `+4917500${String(i).padStart(5, '0')}`;
      const batch = [loginEvent(phone), transactionEvent(phone, i % 4 === 0 ? '2500.00' : '40.00')];
      await produce(kafka, topics.login, [
        ...batch.map((e) => ({ key: e.accountId, value: JSON.stringify(e) })),
        { key: 'poison', value: '{oops' },
      ]);
      const assessed = loginEvent(phone);
      await fetch(`${service.httpUrl}/v1/assessments`, { method: 'POST', headers: auth, body: JSON.stringify(assessed) });
      // what the fraud team learns later about it
      const label = {
        eventId: assessed.eventId,
        label: i % 5 === 0 ? 'fraud' : 'legit',
        labeledAt: new Date().toISOString(),
        source: 'prom-test',
      };
      await fetch(`${service.httpUrl}/v1/labels`, { method: 'POST', headers: auth, body: JSON.stringify(label) });
      await fetch(`${service.httpUrl}/v1/assessments`, { method: 'POST', headers: auth, body: '{"type":"login"}' });
      await fetch(`${service.httpUrl}/v1/assessments`, { method: 'POST', headers: { ...auth, authorization: 'Bearer wrong' }, body: '{}' });
      await fetch(`${service.httpUrl}/v1/assessments?accountId=acc-1`, { headers: auth });
      i += 1;
      await new Promise((r) => setTimeout(r, 300));
    }
    await grpcTraffic(service.grpcPort, apiKey);
    await new Promise((r) => setTimeout(r, 4000)); // a few more scrapes after the last request
  });

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    await service?.kill('SIGTERM');
    await simulator?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('scrapes the service successfully', async () => {
    const up = await query('up{job="riskwire"}');
    expect(up.status).toBe('success');
    expect(up.data.result).toEqual([expect.objectContaining({ value: [expect.any(Number), '1'] })]);
  });

  it('every catalogued metric has samples on /metrics under load', async () => {
    const text = await (await fetch(`${service.httpUrl}/metrics`)).text();
    const names = (await new RiskwireMetrics({ defaultMetrics: false }).registry.getMetricsAsJSON()).map((m) => m.name);
    const missing = names.filter((name) => !new RegExp(`^${name}(_bucket|_count|_sum)?(\\{[^}]*\\})? `, 'm').test(text));
    expect(missing).toEqual([]);
  });

  it('every dashboard panel query evaluates and returns data (or is a documented healthy no-data)', async () => {
    const dashboard = JSON.parse(readFileSync(repoPath('deploy/grafana/dashboards/riskwire.json'), 'utf8')) as { panels: Panel[] };
    const exprs = collectExprs(dashboard.panels).map(withVariables);
    expect(exprs.length).toBeGreaterThan(20);
    const empty: string[] = [];
    for (const expr of exprs) {
      const r = await query(expr);
      expect({ expr, status: r.status, error: r.error }).toEqual({ expr, status: 'success', error: undefined });
      const healthyEmpty = Object.keys(HEALTHY_WITHOUT_DATA).some((marker) => expr.includes(marker));
      if (r.data.result.length === 0 && !healthyEmpty) empty.push(expr);
    }
    expect(empty).toEqual([]);
  });

  it('renders the main panels from the live data (the README picture: RISKWIRE_DASHBOARD_SVG=docs/images/dashboard.svg)', async () => {
    const dashboard = JSON.parse(readFileSync(repoPath('deploy/grafana/dashboards/riskwire.json'), 'utf8')) as { panels: Panel[] };
    const end = Math.floor(Date.now() / 1000);
    const panels: RenderedPanel[] = [];
    for (const title of PICTURED) {
      const panel = flat(dashboard.panels).find((p) => p.title === title);
      expect({ title, found: Boolean(panel) }).toEqual({ title, found: true });
      const series: RenderedPanel['series'] = [];
      for (const target of panel?.targets ?? []) {
        const params = new URLSearchParams({
          query: withVariables(target.expr ?? ''),
          start: String(end - 40),
          end: String(end),
          step: '1',
        });
        const r = (await (await fetch(`${promUrl}/api/v1/query_range?${params}`)).json()) as {
          data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
        };
        for (const { metric, values } of r.data.result) {
          const name = (target.legendFormat ?? '').replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, label: string) => metric[label] ?? '');
          series.push({ name: name || 'value', points: values.map(([t, v]) => [t, Number(v)]) });
        }
      }
      panels.push({ title, unit: panel?.fieldConfig?.defaults?.unit ?? 'short', series });
    }
    // every pictured panel has data from this run
    expect(panels.filter((p) => p.series.length === 0).map((p) => p.title)).toEqual([]);
    const svg = renderDashboardSvg(`riskwire dashboard, live test run ${new Date(end * 1000).toISOString().slice(0, 16)} UTC`, panels);
    expect(svg.match(/<polyline /g)?.length).toBe(panels.reduce((n, p) => n + Math.min(p.series.length, 8), 0));
    const target = process.env.RISKWIRE_DASHBOARD_SVG;
    if (target) writeFileSync(repoPath(target), svg);
  });

  it('every alert rule loads and evaluates cleanly, and none fires on a healthy service', async () => {
    const rules = parse(readFileSync(repoPath('deploy/prometheus/alerts.yml'), 'utf8')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    for (const rule of rules.groups.flatMap((g) => g.rules)) {
      const r = await query(rule.expr);
      expect({ alert: rule.alert, status: r.status, error: r.error }).toEqual({ alert: rule.alert, status: 'success', error: undefined });
    }
    const loaded = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string; health: string; lastError?: string; state: string }[] }[] };
    };
    const all = loaded.data.groups.flatMap((g) => g.rules);
    expect(all.length).toBe(rules.groups.flatMap((g) => g.rules).length);
    for (const rule of all)
      expect({ name: rule.name, health: rule.health, lastError: rule.lastError ?? '' }).toEqual({
        name: rule.name,
        health: 'ok',
        lastError: '',
      });
    expect(all.filter((r) => r.state === 'firing').map((r) => r.name)).toEqual([]);
  });
});

interface Panel {
  title?: string;
  type?: string;
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: { expr?: string; legendFormat?: string }[];
  panels?: Panel[];
}

/** Grafana's variables as this run sets them: the job, every namespace (the test target has none), short ranges. */
const withVariables = (expr: string): string =>
  expr.replaceAll('$__rate_interval', '20s').replaceAll('$__interval', '5s').replaceAll('$job', 'riskwire').replaceAll('$namespace', '.*');

/** The panels the README's picture shows. */
const PICTURED = [
  'Events consumed by topic and type',
  'Decisions by outcome',
  'Decision latency p50 / p95 / p99',
  'Signal error share',
  'Consumer lag by topic',
  'HTTP requests by route and status',
];

const flat = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...flat(p.panels ?? [])]);

function collectExprs(panels: Panel[]): string[] {
  return panels.flatMap((p) => [...(p.targets ?? []).flatMap((t) => (t.expr ? [t.expr] : [])), ...collectExprs(p.panels ?? [])]);
}

/** A few gRPC calls (one good, one invalid) so the gRPC RED panels have data. */
async function grpcTraffic(port: number, apiKey: string): Promise<void> {
  const { Metadata, credentials, loadPackageDefinition } = await import('@grpc/grpc-js');
  const { loadSync } = await import('@grpc/proto-loader');
  const { RISK_PROTO_LOADER_OPTIONS, RISK_PROTO_PATH } = await import('../../src/api/grpc/grpc-options.js');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- client generated from the proto at run time
  const pkg = loadPackageDefinition(loadSync(RISK_PROTO_PATH, { ...RISK_PROTO_LOADER_OPTIONS })) as any;
  const client = new pkg.riskwire.v1.RiskService(`127.0.0.1:${port}`, credentials.createInsecure());
  const md = new Metadata();
  md.set('authorization', `Bearer ${apiKey}`);
  const call = (req: object) => new Promise<void>((resolve) => client.Assess(req, md, () => resolve()));
  const e = loginEvent('+491740000009');
  await call({
    eventId: e.eventId,
    occurredAt: e.occurredAt,
    accountId: e.accountId,
    phoneNumber: e.phoneNumber,
    login: { channel: 'web' },
  });
  await call({ eventId: 'bad id', phoneNumber: 'x' });
  client.close();
}
