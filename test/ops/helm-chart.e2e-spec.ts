import { beforeAll, describe, expect, it } from '@jest/globals';
import { EnvironmentSchema } from '../../src/config/environment.schema.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Yaml, findTool, parseYaml, parseYamlStream, readRepoFile, run, runOk } from './ops-tools.js';

const CHART = 'helm/riskwire';
const ALL_OPTIONS = `${CHART}/ci/all-options-values.yaml`;
const HPA = `${CHART}/ci/hpa-values.yaml`;
const EXISTING_SECRET = `${CHART}/ci/existing-secret-values.yaml`;
/** Variables that may only reach the pod through secretKeyRef. */
const SECRET_ENV = ['SIGNALS_API_KEY', 'API_KEYS', 'REDIS_URL', 'CALLBACK_SIGNING_SECRET', 'DECISION_ID_SECRET', 'LIST_HASH_SECRET'];
const OPTIONAL_KINDS = ['ServiceMonitor', 'PrometheusRule', 'HorizontalPodAutoscaler', 'ScaledObject', 'NetworkPolicy'];

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  ports: Array<{ name: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  securityContext?: Record<string, unknown>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  volumes?: Array<{ name: string; emptyDir?: unknown; configMap?: { name: string } }>;
}
interface Deployment {
  spec: { template: { metadata: { annotations?: Record<string, string> }; spec: PodSpec } };
}

const get = <T>(doc: Yaml, path: string): T =>
  path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], doc) as T;

describe('Helm chart helm/riskwire', () => {
  let helm: string;
  const template = (...args: string[]): Yaml[] =>
    parseYamlStream(runOk(helm, ['template', 'rw', CHART, '--namespace', 'risk', '--kube-version', '1.30.0', ...args]));
  const only = (docs: Yaml[], kind: string): Yaml[] => docs.filter((d) => d.kind === kind);
  const one = (docs: Yaml[], kind: string): Yaml => {
    const found = only(docs, kind).filter((d) => kind !== 'ConfigMap' || !String(get(d, 'metadata.name')).endsWith('-policy'));
    expect({ kind, count: found.length }).toEqual({ kind, count: 1 });
    return found[0] as Yaml;
  };
  const container = (docs: Yaml[]): Container =>
    (one(docs, 'Deployment') as unknown as Deployment).spec.template.spec.containers[0] as Container;

  let defaults: Yaml[];
  let allOptions: Yaml[];

  beforeAll(() => {
    helm = findTool('helm');
    defaults = template();
    allOptions = template('-f', ALL_OPTIONS);
  });

  it.each([
    ['default values', []],
    ['all options', ['-f', ALL_OPTIONS]],
    ['HPA', ['-f', HPA]],
    ['existing secret', ['-f', EXISTING_SECRET]],
  ])('helm lint --strict passes with %s', (_name, args) => {
    const result = run(helm, ['lint', '--strict', CHART, ...(args as string[])]);
    expect({ ok: result.ok, output: result.ok ? '' : result.stdout + result.stderr }).toEqual({ ok: true, output: '' });
  });

  it('probes hit /health/live and /health/ready on the http container port', () => {
    for (const docs of [defaults, allOptions]) {
      const c = container(docs);
      expect(c.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(c.ports.find((p) => p.name === 'http')?.containerPort).toBe(8080);
    }
  });

  it('container ports, Service ports and HTTP_PORT/GRPC_PORT agree with the app defaults', () => {
    const appDefaults = new EnvironmentSchema();
    const ports = Object.fromEntries(container(defaults).ports.map((p) => [p.name, p.containerPort]));
    expect(ports).toEqual({ http: appDefaults.HTTP_PORT, grpc: appDefaults.GRPC_PORT });
    const config = get<Record<string, string>>(one(defaults, 'ConfigMap'), 'data');
    expect({ HTTP_PORT: Number(config.HTTP_PORT), GRPC_PORT: Number(config.GRPC_PORT) }).toEqual({ HTTP_PORT: 8080, GRPC_PORT: 50051 });
    const servicePorts = get<Array<{ name: string; port: number; targetPort: string }>>(one(defaults, 'Service'), 'spec.ports');
    expect(servicePorts.map((p) => [p.name, p.port, p.targetPort])).toEqual([
      ['http', 8080, 'http'],
      ['grpc', 50051, 'grpc'],
    ]);
  });

  it('changing ports.http moves the container port, the Service and HTTP_PORT together', () => {
    const docs = template('--set', 'ports.http=9000');
    expect(container(docs).ports.find((p) => p.name === 'http')?.containerPort).toBe(9000);
    expect(get<Record<string, string>>(one(docs, 'ConfigMap'), 'data').HTTP_PORT).toBe('9000');
    expect(get<Array<{ name: string; port: number }>>(one(docs, 'Service'), 'spec.ports')[0]?.port).toBe(9000);
  });

  it('runs as non-root uid 1000 with a read-only root filesystem, no privilege escalation and no capabilities', () => {
    for (const docs of [defaults, allOptions]) {
      const pod = (one(docs, 'Deployment') as unknown as Deployment).spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(pod.containers[0]?.securityContext).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(pod.volumes?.find((v) => v.name === 'tmp')?.emptyDir).toBeDefined();
      expect(pod.containers[0]?.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    }
  });

  it('secrets reach the pod only through secretKeyRef, never as values in env or the ConfigMap', () => {
    const secretValues = Object.values(get<Record<string, string>>(parseYaml(readRepoFile(ALL_OPTIONS)), 'secrets'));
    for (const docs of [defaults, allOptions]) {
      const c = container(docs);
      for (const name of SECRET_ENV) {
        const v = c.env?.find((e) => e.name === name);
        expect({ name, value: v?.value, key: v?.valueFrom?.secretKeyRef?.key }).toEqual({ name, value: undefined, key: name });
      }
      const configMapData = get<Record<string, string>>(one(docs, 'ConfigMap'), 'data');
      expect(Object.keys(configMapData).filter((k) => SECRET_ENV.includes(k))).toEqual([]);
      const nonSecretText = JSON.stringify(docs.filter((d) => d.kind !== 'Secret'));
      expect(secretValues.filter((s) => nonSecretText.includes(s))).toEqual([]);
    }
    const secret = one(allOptions, 'Secret');
    const data = get<Record<string, string>>(secret, 'data');
    expect(Buffer.from(data.SIGNALS_API_KEY ?? '', 'base64').toString()).toBe('ci-signals-key-0123456789');
    expect(container(allOptions).env?.find((e) => e.name === 'API_KEYS')?.valueFrom?.secretKeyRef?.name).toBe(get(secret, 'metadata.name'));
  });

  it('with existingSecret the chart makes no Secret and reads that one', () => {
    const docs = template('-f', EXISTING_SECRET);
    expect(only(docs, 'Secret')).toEqual([]);
    // every variable but the fixed RISKWIRE_ENV comes from that Secret
    const refs = (container(docs).env ?? []).filter((e) => e.name !== 'RISKWIRE_ENV').map((e) => e.valueFrom?.secretKeyRef?.name);
    expect(new Set(refs)).toEqual(new Set(['riskwire-credentials']));
    expect(get<Record<string, string>>(one(docs, 'Deployment'), 'spec.template.metadata.annotations')['checksum/secret']).toBeUndefined();
  });

  it('runs the pod with RISKWIRE_ENV=production and every secretKeyRef required', () => {
    for (const docs of [defaults, allOptions, template('-f', EXISTING_SECRET)]) {
      const env = container(docs).env ?? [];
      expect(env.find((e) => e.name === 'RISKWIRE_ENV')).toEqual({ name: 'RISKWIRE_ENV', value: 'production' });
      const refs = env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => [e.name, e.valueFrom?.secretKeyRef?.optional]);
      expect(refs).toEqual(expect.arrayContaining(SECRET_ENV.map((name) => [name, false])));
      expect(refs.filter(([, optional]) => optional !== false)).toEqual([]);
    }
    // the chart's own Secret holds every key (blank when unset), so the refs resolve and the service names what is missing
    expect(Object.keys(get<Record<string, string>>(one(defaults, 'Secret'), 'data')).sort()).toEqual([...SECRET_ENV].sort());
    const override = run(helm, ['template', 'rw', CHART, '--kube-version', '1.30.0', '--set', 'config.extraEnv.RISKWIRE_ENV=development']);
    expect(override.ok).toBe(false);
    expect(override.stderr).toContain('config.extraEnv.RISKWIRE_ENV: the chart always runs RISKWIRE_ENV=production');
  });

  it('refuses a secret passed as plain extra env', () => {
    const result = run(helm, ['template', 'rw', CHART, '--kube-version', '1.30.0', '--set', 'config.extraEnv.SIGNALS_API_KEY=oops']);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('config.extraEnv.SIGNALS_API_KEY is a secret');
  });

  it('gives the pod more grace than the consumer drain time, which reaches the app as SHUTDOWN_TIMEOUT_MS', () => {
    for (const [docs, seconds] of [
      [defaults, 20],
      [allOptions, 45],
    ] as const) {
      const pod = (one(docs, 'Deployment') as unknown as Deployment).spec.template.spec;
      const shutdownMs = Number(get<Record<string, string>>(one(docs, 'ConfigMap'), 'data').SHUTDOWN_TIMEOUT_MS);
      expect(shutdownMs).toBe(seconds * 1000);
      // the preStop sleep (5 s) comes before SIGTERM, so the grace period covers it too
      expect(pod.terminationGracePeriodSeconds).toBe(5 + seconds + 10);
      expect((pod.terminationGracePeriodSeconds ?? 0) * 1000).toBeGreaterThan(shutdownMs);
    }
    expect(new EnvironmentSchema().SHUTDOWN_TIMEOUT_MS).toBe(20_000);
  });

  it('reads settings from the ConfigMap and rolls pods when it changes', () => {
    const deployment = one(defaults, 'Deployment');
    const configMapName = get<string>(one(defaults, 'ConfigMap'), 'metadata.name');
    expect(container(defaults).envFrom).toEqual([{ configMapRef: { name: configMapName } }]);
    const checksum = (docs: Yaml[]) =>
      get<Record<string, string>>(one(docs, 'Deployment'), 'spec.template.metadata.annotations')['checksum/config'];
    expect(checksum(defaults)).toMatch(/^[a-f0-9]{64}$/);
    expect(checksum(template('--set', 'config.logLevel=debug'))).not.toBe(checksum(defaults));
    expect(get(deployment, 'spec.replicas')).toBe(2);
  });

  it('mounts a custom policy at /etc/riskwire/policy and points POLICY_FILE at it only when one is given', () => {
    expect(get<Record<string, string>>(one(defaults, 'ConfigMap'), 'data').POLICY_FILE).toBeUndefined();
    expect(container(defaults).volumeMounts?.map((m) => m.mountPath)).toEqual(['/tmp']);

    const policyFile = get<Record<string, string>>(one(allOptions, 'ConfigMap'), 'data').POLICY_FILE;
    expect(policyFile).toBe('/etc/riskwire/policy/policy.json');
    const policyMap = only(allOptions, 'ConfigMap').find((d) => String(get(d, 'metadata.name')).endsWith('-policy')) as Yaml;
    expect(JSON.parse(get<Record<string, string>>(policyMap, 'data')['policy.json'] ?? '')).toMatchObject({ version: 'ci-1' });
    const pod = (one(allOptions, 'Deployment') as unknown as Deployment).spec.template.spec;
    expect(pod.volumes?.find((v) => v.name === 'policy')?.configMap?.name).toBe(get(policyMap, 'metadata.name'));
    expect(pod.containers[0]?.volumeMounts).toContainEqual(expect.objectContaining({ name: 'policy', mountPath: '/etc/riskwire/policy' }));
    expect(get<Record<string, string>>(one(allOptions, 'Deployment'), 'spec.template.metadata.annotations')['checksum/policy']).toMatch(
      /^[a-f0-9]{64}$/,
    );
  });

  it('mounts a shadow policy beside it, and with hot reload (the default) a policy change does not roll the pods', () => {
    const data = get<Record<string, string>>(one(allOptions, 'ConfigMap'), 'data');
    expect(data).toMatchObject({ SHADOW_POLICY_FILE: '/etc/riskwire/policy/shadow-policy.json', POLICY_RELOAD: 'off' });
    const policyMap = only(allOptions, 'ConfigMap').find((d) => String(get(d, 'metadata.name')).endsWith('-policy')) as Yaml;
    expect(JSON.parse(get<Record<string, string>>(policyMap, 'data')['shadow-policy.json'] ?? '')).toMatchObject({
      version: 'ci-shadow-1',
    });
    expect(get<Record<string, string>>(one(defaults, 'ConfigMap'), 'data')).toMatchObject({ POLICY_RELOAD: 'watch' });
    expect(get<Record<string, string>>(one(defaults, 'ConfigMap'), 'data').SHADOW_POLICY_FILE).toBeUndefined();
    const reloading = template('-f', ALL_OPTIONS, '--set', 'policy.reload=watch');
    expect(
      get<Record<string, string>>(one(reloading, 'Deployment'), 'spec.template.metadata.annotations')['checksum/policy'],
    ).toBeUndefined();
    expect(container(reloading).volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'policy', mountPath: '/etc/riskwire/policy' }),
    );
  });

  it('renders ServiceMonitor, PrometheusRule, KEDA and NetworkPolicy only when asked', () => {
    const kinds = (docs: Yaml[]) => OPTIONAL_KINDS.filter((k) => only(docs, k).length > 0);
    expect(kinds(defaults)).toEqual([]);
    expect(kinds(allOptions)).toEqual(['ServiceMonitor', 'PrometheusRule', 'ScaledObject', 'NetworkPolicy']);
    expect(kinds(template('-f', HPA))).toEqual(['HorizontalPodAutoscaler']);
    expect(only(defaults, 'PodDisruptionBudget')).toHaveLength(1);
  });

  it('the ServiceMonitor scrapes /metrics on the Service port named http', () => {
    const endpoints = get<Array<{ port: string; path: string }>>(one(allOptions, 'ServiceMonitor'), 'spec.endpoints');
    expect(endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    expect(get<Record<string, string>>(one(allOptions, 'ServiceMonitor'), 'metadata.labels').release).toBe('kube-prometheus-stack');
  });

  it('the PrometheusRule carries the alerts of deploy/prometheus/alerts.yml, scoped to the release', () => {
    const source = readRepoFile('deploy/prometheus/alerts.yml');
    expect(readRepoFile(CHART, 'files/alerts.yml')).toBe(source);
    type Groups = Array<{
      name: string;
      rules: Array<{ alert?: string; record?: string; expr: string; annotations?: Record<string, string> }>;
    }>;
    const rendered = get<Groups>(one(allOptions, 'PrometheusRule'), 'spec.groups');
    const original = get<Groups>(parseYaml(source), 'groups');
    // the same groups and rules, in the same order; only the selectors and runbook links differ
    const names = (g: Groups) => g.map((x) => [x.name, x.rules.map((r) => r.alert ?? r.record)]);
    expect(names(rendered)).toEqual(names(original));
    const exprs = rendered.flatMap((g) => g.rules.map((r) => r.expr)).join('\n');
    expect(exprs).not.toContain('job="riskwire"');
    expect(exprs).toContain('job="rw-riskwire",namespace="risk"');
    expect(exprs.match(/riskwire_[a-z_]+\{/g)?.length).toBe(exprs.match(/riskwire_[a-z_]+\{job="rw-riskwire",namespace="risk"/g)?.length);

    // values name the selector, the exporter's job, the group, the topics and the runbook base
    const custom = template(
      '--set',
      'metrics.prometheusRule.enabled=true',
      '--set',
      'metrics.prometheusRule.selector=cluster="prod-eu"\\,job="riskwire-prod"',
      '--set',
      'metrics.prometheusRule.kafkaExporterSelector=job="kminion"',
      '--set',
      'metrics.prometheusRule.runbookBaseUrl=https://git.example.test/riskwire/blob/main/',
      '--set',
      'kafka.groupId=risk-prod',
      '--set',
      'kafka.topics.login=prod.login',
      '--set',
      'kafka.topics.transaction=prod.tx',
    );
    const customGroups = get<Groups>(one(custom, 'PrometheusRule'), 'spec.groups');
    const customExprs = customGroups.flatMap((g) => g.rules.map((r) => r.expr)).join('\n');
    expect(customExprs).toContain('up{cluster="prod-eu",job="riskwire-prod"} == 1');
    expect(customExprs).toContain('kafka_consumergroup_lag{job="kminion",consumergroup="risk-prod",topic=~"prod.login|prod.tx"}');
    expect(customExprs).not.toMatch(/risk\.login\.v1|consumergroup="riskwire"|job="kafka-exporter"|job="riskwire"/);
    const runbooks = customGroups.flatMap((g) => g.rules.flatMap((r) => (r.annotations ? [r.annotations.runbook_url] : [])));
    expect(runbooks.length).toBeGreaterThan(15);
    for (const url of runbooks)
      expect(url).toMatch(/^https:\/\/git\.example\.test\/riskwire\/blob\/main\/docs\/operations\.md#riskwire[a-z]+$/);
  });

  it('the rules as the chart renders them are valid for promtool', () => {
    const promtool = findTool('promtool');
    const dir = mkdtempSync(join(tmpdir(), 'riskwire-chart-rules-'));
    try {
      const file = join(dir, 'rules.json');
      writeFileSync(file, JSON.stringify({ groups: get(one(allOptions, 'PrometheusRule'), 'spec.groups') }));
      const out = runOk(promtool, ['check', 'rules', file]);
      expect(out).toMatch(/SUCCESS: \d+ rules found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a startup probe guards the start, and liveness and readiness follow it', () => {
    const c = container(defaults) as Container & { startupProbe?: Probe & { periodSeconds: number; failureThreshold: number } };
    expect(c.startupProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect((c.startupProbe?.periodSeconds ?? 0) * (c.startupProbe?.failureThreshold ?? 0)).toBe(150);
  });

  it('a preStop sleep keeps the pod serving while it leaves the endpoints, and 0 turns it off', () => {
    type WithLifecycle = Container & { lifecycle?: { preStop?: { exec?: { command: string[] } } } };
    expect((container(defaults) as WithLifecycle).lifecycle?.preStop?.exec?.command).toEqual(['sleep', '5']);
    const off = template('--set', 'preStopSleepSeconds=0');
    expect((container(off) as WithLifecycle).lifecycle).toBeUndefined();
    expect((one(off, 'Deployment') as unknown as Deployment).spec.template.spec.terminationGracePeriodSeconds).toBe(30);
  });

  it('wires every setting its values name: partitions, topic creation (off), lag interval, liveness bound, rate limits, gRPC connection age', () => {
    const data = (docs: Yaml[]) => get<Record<string, string>>(one(docs, 'ConfigMap'), 'data');
    expect(data(defaults)).toEqual(
      expect.objectContaining({
        KAFKA_CREATE_TOPICS: 'false',
        KAFKA_TOPIC_PARTITIONS: '6',
        KAFKA_LAG_INTERVAL_MS: '15000',
        KAFKA_CONSUMER_DOWN_LIVENESS_MS: '300000',
        RATE_LIMIT_PER_MINUTE: '6000',
        AUTH_FAILURES_PER_MINUTE: '30',
        GRPC_MAX_CONNECTION_AGE_MS: '300000',
      }),
    );
    expect(data(allOptions).KAFKA_TOPIC_PARTITIONS).toBe('12');
    const custom = data(
      template(
        '--set',
        'kafka.createTopics=true',
        '--set',
        'kafka.lagIntervalSeconds=30',
        '--set',
        'kafka.consumerDownLivenessSeconds=120',
        '--set',
        'config.rateLimitPerMinute=600',
        '--set',
        'config.authFailuresPerMinute=5',
        '--set',
        'config.grpcMaxConnectionAgeSeconds=60',
      ),
    );
    expect(custom).toEqual(
      expect.objectContaining({
        KAFKA_CREATE_TOPICS: 'true',
        KAFKA_LAG_INTERVAL_MS: '30000',
        KAFKA_CONSUMER_DOWN_LIVENESS_MS: '120000',
        RATE_LIMIT_PER_MINUTE: '600',
        AUTH_FAILURES_PER_MINUTE: '5',
        GRPC_MAX_CONNECTION_AGE_MS: '60000',
      }),
    );
    // every value the ConfigMap renders is one the service accepts
    const schema = new EnvironmentSchema() as unknown as Record<string, unknown>;
    for (const name of Object.keys(custom))
      expect({ name, known: name in schema || name === 'NODE_OPTIONS' || name === 'POLICY_FILE' }).toEqual({ name, known: true });
  });

  it('with METRICS_AUTH=key the ServiceMonitor sends a read key from a Secret, and refuses to render without one', () => {
    const refused = run(helm, [
      'template',
      'rw',
      CHART,
      '--kube-version',
      '1.30.0',
      '--set',
      'metrics.serviceMonitor.enabled=true',
      '--set',
      'config.metricsAuth=key',
    ]);
    expect(refused.ok).toBe(false);
    expect(refused.stderr).toContain('metrics.serviceMonitor.authorization.secretName');
    const docs = template(
      '--set',
      'metrics.serviceMonitor.enabled=true',
      '--set',
      'config.metricsAuth=key',
      '--set',
      'metrics.serviceMonitor.authorization.secretName=riskwire-metrics-reader',
    );
    const [endpoint] = get<Array<Record<string, unknown>>>(one(docs, 'ServiceMonitor'), 'spec.endpoints');
    expect(endpoint?.authorization).toEqual({ type: 'Bearer', credentials: { name: 'riskwire-metrics-reader', key: 'metrics-api-key' } });
    expect(get<Record<string, string>>(one(docs, 'ConfigMap'), 'data').METRICS_AUTH).toBe('key');
    // without key auth the scrape carries no credentials
    expect(get<Array<Record<string, unknown>>>(one(allOptions, 'ServiceMonitor'), 'spec.endpoints')[0]?.authorization).toBeUndefined();
  });

  it('KEDA scales on consumer lag of both input topics and never past the partition count', () => {
    const scaled = one(allOptions, 'ScaledObject');
    expect(get(scaled, 'spec.maxReplicaCount')).toBe(12);
    const triggers = get<Array<{ type: string; metadata: Record<string, string> }>>(scaled, 'spec.triggers');
    expect(triggers.map((t) => [t.type, t.metadata.topic, t.metadata.consumerGroup])).toEqual([
      ['kafka', 'risk.login.v1', 'riskwire'],
      ['kafka', 'risk.transaction.v1', 'riskwire'],
    ]);
    expect(get(one(allOptions, 'Deployment'), 'spec.replicas')).toBeUndefined();

    const capped = run(helm, [
      'template',
      'rw',
      CHART,
      '--kube-version',
      '1.30.0',
      '--set',
      'keda.enabled=true',
      '--set',
      'keda.maxReplicaCount=7',
    ]);
    expect(capped.ok).toBe(false);
    expect(capped.stderr).toContain('keda.maxReplicaCount (7) is above kafka.partitions (6)');
    const both = run(helm, [
      'template',
      'rw',
      CHART,
      '--kube-version',
      '1.30.0',
      '--set',
      'keda.enabled=true',
      '--set',
      'autoscaling.enabled=true',
    ]);
    expect(both.ok).toBe(false);
  });

  it('the HPA defaults its maximum to the partition count', () => {
    const hpa = one(template('-f', HPA), 'HorizontalPodAutoscaler');
    expect([get(hpa, 'spec.minReplicas'), get(hpa, 'spec.maxReplicas')]).toEqual([2, 6]);
  });

  it('the helm test pod calls /health/ready through the Service', () => {
    const testPod = one(defaults, 'Pod');
    expect(get<Record<string, string>>(testPod, 'metadata.annotations')['helm.sh/hook']).toBe('test');
    expect(JSON.stringify(get(testPod, 'spec.containers'))).toContain('http://rw-riskwire:8080/health/ready');
  });

  it('documents every value in values.yaml with a ## @param line, and nothing that is not there', () => {
    const text = readRepoFile(CHART, 'values.yaml');
    const documented = [...text.matchAll(/^\s*## @param (\S+)/gm)].map((m) => m[1] as string);
    const values = parseYaml(text);
    const leaves: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (documented.includes(path)) return;
      if (node && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length > 0) {
        for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k);
      } else leaves.push(path);
    };
    walk(values, '');
    expect(leaves).toEqual([]);
    expect(documented.filter((p) => get(values, p) === undefined)).toEqual([]);
  });
});

// --- secured Kafka (TLS and SASL from existing Secrets, the KEDA trigger with the same credentials)
describe('Helm chart helm/riskwire against a SASL_SSL cluster', () => {
  const SECURED = `${CHART}/ci/secured-kafka-values.yaml`;
  let helm: string;
  let docs: Yaml[];
  const template = (...args: string[]) => run(helm, ['template', 'rw', CHART, '--namespace', 'risk', '--kube-version', '1.30.0', ...args]);
  const deployment = (rendered: Yaml[]) => rendered.find((d) => d.kind === 'Deployment') as unknown as Deployment;
  const envOf = (rendered: Yaml[]) =>
    Object.fromEntries((deployment(rendered).spec.template.spec.containers[0]?.env ?? []).map((e) => [e.name, e]));

  beforeAll(() => {
    helm = findTool('helm');
    docs = parseYamlStream(runOk(helm, ['template', 'rw', CHART, '--namespace', 'risk', '--kube-version', '1.30.0', '-f', SECURED]));
  });

  it('helm lint --strict passes with the secured values', () => {
    const result = run(helm, ['lint', '--strict', CHART, '-f', SECURED]);
    expect({ ok: result.ok, output: result.ok ? '' : result.stdout + result.stderr }).toEqual({ ok: true, output: '' });
  });

  it('passes TLS and SASL as the service variables: files for the CA, certificate, key and password, the username by secretKeyRef', () => {
    const env = envOf(docs);
    expect(env.KAFKA_SSL).toEqual({ name: 'KAFKA_SSL', value: 'true' });
    expect(env.KAFKA_SSL_CA_FILE?.value).toBe('/etc/riskwire/kafka-tls/ca.crt');
    expect(env.KAFKA_SSL_CERT_FILE?.value).toBe('/etc/riskwire/kafka-tls/tls.crt');
    expect(env.KAFKA_SSL_KEY_FILE?.value).toBe('/etc/riskwire/kafka-tls/tls.key');
    expect(env.KAFKA_SASL_MECHANISM?.value).toBe('scram-sha-512');
    expect(env.KAFKA_SASL_USERNAME?.valueFrom).toEqual({ secretKeyRef: { name: 'riskwire-kafka-sasl', key: 'username' } });
    expect(env.KAFKA_SASL_PASSWORD_FILE?.value).toBe('/etc/riskwire/kafka-sasl/password');
    // the password never travels as an env value
    expect(env.KAFKA_SASL_PASSWORD).toBeUndefined();
  });

  it('mounts the Secrets read-only, with only the keys the service reads, and nothing writable', () => {
    const pod = deployment(docs).spec.template.spec;
    const mounts = pod.containers[0]?.volumeMounts ?? [];
    expect(mounts.filter((m) => m.name.startsWith('kafka-'))).toEqual([
      { name: 'kafka-tls', mountPath: '/etc/riskwire/kafka-tls', readOnly: true },
      { name: 'kafka-sasl', mountPath: '/etc/riskwire/kafka-sasl', readOnly: true },
    ]);
    const volumes = Object.fromEntries((pod.volumes ?? []).map((v) => [v.name, v as unknown as { secret?: Yaml }]));
    expect(volumes['kafka-tls']?.secret).toEqual({
      secretName: 'riskwire-kafka-tls',
      defaultMode: 0o440,
      items: [
        { key: 'ca.crt', path: 'ca.crt' },
        { key: 'tls.crt', path: 'tls.crt' },
        { key: 'tls.key', path: 'tls.key' },
      ],
    });
    expect(volumes['kafka-sasl']?.secret).toEqual({
      secretName: 'riskwire-kafka-sasl',
      defaultMode: 0o440,
      items: [{ key: 'password', path: 'password' }],
    });
  });

  it('mounts the CA of a rediss:// Redis and points REDIS_TLS_CA_FILE at it', () => {
    const pod = deployment(docs).spec.template.spec;
    expect(envOf(docs).REDIS_TLS_CA_FILE?.value).toBe('/etc/riskwire/redis-tls/ca.crt');
    expect(pod.containers[0]?.volumeMounts).toContainEqual({ name: 'redis-tls', mountPath: '/etc/riskwire/redis-tls', readOnly: true });
    expect(pod.volumes).toContainEqual({
      name: 'redis-tls',
      secret: { secretName: 'riskwire-redis-ca', defaultMode: 0o440, items: [{ key: 'ca.crt', path: 'ca.crt' }] },
    });
  });

  it('gives the KEDA trigger a TriggerAuthentication with the same Secrets, and tells it TLS and SCRAM are on', () => {
    const auth = docs.find((d) => d.kind === 'TriggerAuthentication') as Yaml;
    expect(get(auth, 'metadata.name')).toBe('rw-riskwire-kafka');
    expect(get(auth, 'spec.secretTargetRef')).toEqual([
      { parameter: 'ca', name: 'riskwire-kafka-tls', key: 'ca.crt' },
      { parameter: 'cert', name: 'riskwire-kafka-tls', key: 'tls.crt' },
      { parameter: 'key', name: 'riskwire-kafka-tls', key: 'tls.key' },
      { parameter: 'username', name: 'riskwire-kafka-sasl', key: 'username' },
      { parameter: 'password', name: 'riskwire-kafka-sasl', key: 'password' },
    ]);
    const triggers = get<Array<{ metadata: Record<string, string>; authenticationRef?: { name: string } }>>(
      docs.find((d) => d.kind === 'ScaledObject') as Yaml,
      'spec.triggers',
    );
    expect(triggers).toHaveLength(2);
    for (const trigger of triggers) {
      expect(trigger.metadata).toMatchObject({
        tls: 'enable',
        sasl: 'scram_sha512',
        bootstrapServers: 'kafka-0.kafka.bank.internal:9093,kafka-1.kafka.bank.internal:9093',
      });
      expect(trigger.authenticationRef).toEqual({ name: 'rw-riskwire-kafka' });
    }
  });

  it('renders no Kafka security, volume or TriggerAuthentication by default', () => {
    const defaults = parseYamlStream(runOk(helm, ['template', 'rw', CHART, '--kube-version', '1.30.0', '--set', 'keda.enabled=true']));
    expect(Object.keys(envOf(defaults)).filter((n) => n.startsWith('KAFKA_'))).toEqual([]);
    expect(defaults.filter((d) => d.kind === 'TriggerAuthentication')).toEqual([]);
    expect(JSON.stringify(deployment(defaults).spec.template.spec.volumes)).not.toMatch(/kafka-|redis-tls/);
  });

  it.each([
    [['--set', 'kafka.sasl.mechanism=scram-sha-256'], 'kafka.sasl.mechanism=scram-sha-256 needs kafka.sasl.existingSecret'],
    [['--set', 'kafka.tls.existingSecret=ca'], 'kafka.tls.existingSecret is set but kafka.tls.enabled is false'],
    [['--set', 'kafka.sasl.mechanism=plain', '--set', 'kafka.sasl.existingSecret=s'], 'would send the password in clear text'],
    [['--set', 'kafka.sasl.mechanism=gssapi'], '/kafka/sasl/mechanism'],
  ])('refuses %j', (args, message) => {
    const result = template(...(args as string[]));
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain(message);
  });
});

// --- signal providers (SIGNAL_PROVIDERS_FILE from a ConfigMap, the providers' secrets as files of a Secret)
describe('Helm chart helm/riskwire with a providers file', () => {
  const PROVIDERS = `${CHART}/ci/signal-providers-values.yaml`;
  let helm: string;
  const render = (...args: string[]) => run(helm, ['template', 'rw', CHART, '--namespace', 'risk', '--kube-version', '1.30.0', ...args]);
  const deploymentOf = (docs: Yaml[]) => docs.find((d) => d.kind === 'Deployment') as unknown as Deployment;
  const settingsOf = (docs: Yaml[]) =>
    get<Record<string, string>>(docs.find((d) => d.kind === 'ConfigMap' && get(d, 'metadata.name') === 'rw-riskwire') as Yaml, 'data');

  beforeAll(() => {
    helm = findTool('helm');
  });

  it('helm lint --strict passes with a providers file', () => {
    const result = run(helm, ['lint', '--strict', CHART, '-f', PROVIDERS]);
    expect({ ok: result.ok, output: result.ok ? '' : result.stdout + result.stderr }).toEqual({ ok: true, output: '' });
  });

  it('mounts the file from a ConfigMap, points SIGNAL_PROVIDERS_FILE at it, mounts the Secret read-only, and rolls pods when the file changes', () => {
    const docs = parseYamlStream(
      runOk(helm, ['template', 'rw', CHART, '--namespace', 'risk', '--kube-version', '1.30.0', '-f', PROVIDERS]),
    );
    expect(settingsOf(docs).SIGNAL_PROVIDERS_FILE).toBe('/etc/riskwire/providers/providers.json');
    const providersMap = docs.find((d) => d.kind === 'ConfigMap' && get(d, 'metadata.name') === 'rw-riskwire-signal-providers') as Yaml;
    const file = JSON.parse(get<Record<string, string>>(providersMap, 'data')['providers.json'] ?? '') as {
      providers: Record<string, Record<string, string>>;
    };
    expect(file.providers.tyntec.apiKeyFile).toBe('/etc/riskwire/provider-secrets/tyntec-api-key');
    expect(JSON.stringify(file)).not.toMatch(/"(apiKey|clientSecret)"/);

    const pod = deploymentOf(docs).spec.template.spec;
    const volumes = pod.volumes as Array<{
      name: string;
      configMap?: { name: string };
      secret?: { secretName: string; defaultMode?: number };
    }>;
    expect(volumes.find((v) => v.name === 'signal-providers')?.configMap?.name).toBe('rw-riskwire-signal-providers');
    expect(volumes.find((v) => v.name === 'signal-provider-secrets')?.secret).toEqual({
      secretName: 'riskwire-provider-secrets',
      defaultMode: 0o440,
    });
    expect(pod.containers[0]?.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'signal-providers', mountPath: '/etc/riskwire/providers', readOnly: true },
        { name: 'signal-provider-secrets', mountPath: '/etc/riskwire/provider-secrets', readOnly: true },
      ]),
    );
    const checksum = (rendered: Yaml[]) => deploymentOf(rendered).spec.template.metadata.annotations?.['checksum/signal-providers'];
    expect(checksum(docs)).toMatch(/^[a-f0-9]{64}$/);
    const changed = parseYamlStream(
      runOk(helm, ['template', 'rw', CHART, '--kube-version', '1.30.0', '-f', PROVIDERS, '--set', 'signalProviders.fileName=other.json']),
    );
    expect(checksum(changed)).not.toBe(checksum(docs));
  });

  it('renders no providers file, volume or variable by default', () => {
    const docs = parseYamlStream(runOk(helm, ['template', 'rw', CHART, '--kube-version', '1.30.0']));
    expect(settingsOf(docs).SIGNAL_PROVIDERS_FILE).toBeUndefined();
    expect(docs.filter((d) => String(get(d, 'metadata.name')).endsWith('-signal-providers'))).toEqual([]);
    expect(deploymentOf(docs).spec.template.spec.volumes?.map((v) => v.name)).not.toContain('signal-provider-secrets');
  });

  it('refuses a secret written into the file (it would land in a ConfigMap) and a file that is not JSON', () => {
    const inline = render(
      '--set-json',
      'signalProviders.file="{\\"providers\\":{\\"t\\":{\\"type\\":\\"tyntec\\",\\"apiKey\\":\\"k\\"}}}"',
    );
    expect(inline.ok).toBe(false);
    expect(inline.stderr).toContain('signalProviders.file: providers.t.apiKey is a secret in a ConfigMap');
    const notJson = render('--set', 'signalProviders.file=nope');
    expect(notJson.ok).toBe(false);
    expect(notJson.stderr).toContain('signalProviders.file is not JSON');
  });
});
