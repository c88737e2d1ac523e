import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { EnvironmentSchema } from '../../src/config/environment.schema.js';
import { type Yaml, parseYaml, readRepoFile, repoPath } from './ops-tools.js';

// No Docker engine on the dev machines or in CI: the stack is checked statically.

interface Service {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string | string[] };
}

const EXPECTED = ['kafka', 'kafka-init', 'simulator', 'riskwire', 'event-generator', 'kafka-exporter', 'prometheus', 'grafana'];
const HEALTHCHECKED = ['kafka', 'simulator', 'riskwire', 'kafka-exporter', 'prometheus', 'grafana'];

/** `repo:tag` or `repo@sha256:...`: a tag after the last slash, and never `latest`. */
function imageTag(image: string): string | undefined {
  if (image.includes('@sha256:')) return image.split('@')[1];
  const last = image.split('/').pop() ?? '';
  return last.includes(':') ? last.split(':')[1] : undefined;
}

const asText = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join(' ') : (v ?? ''));

describe('docker-compose.yml', () => {
  let text: string;
  let services: Record<string, Service>;
  const env = (name: string) => services[name]?.environment ?? {};
  const appDefaults = new EnvironmentSchema();

  beforeAll(() => {
    text = readRepoFile('docker-compose.yml');
    services = parseYaml<{ services: Record<string, Service> }>(text).services;
  });

  it('has the whole stack', () => {
    expect(Object.keys(services).sort()).toEqual([...EXPECTED].sort());
  });

  it('pins every image to a tag, never latest, and uses no Bitnami image', () => {
    for (const [name, s] of Object.entries(services)) {
      expect({ name, hasImageOrBuild: Boolean(s.image || s.build) }).toEqual({ name, hasImageOrBuild: true });
      if (!s.image) continue;
      const tag = imageTag(s.image);
      expect({ name, tag }).toEqual({ name, tag: expect.stringMatching(/^(?!latest$)[\w.-]+$|^sha256:/) });
    }
    expect(text.toLowerCase()).not.toContain('bitnami');
    expect(services.kafka?.image).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
    expect(services['kafka-init']?.image).toBe(services.kafka?.image);
    expect(services.prometheus?.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(services.grafana?.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
  });

  it('gives the long-running services a healthcheck', () => {
    for (const name of HEALTHCHECKED) {
      expect({ name, test: asText(services[name]?.healthcheck?.test) }).toEqual({ name, test: expect.stringMatching(/\S/) });
    }
    expect(asText(services.kafka?.healthcheck?.test)).toContain('/opt/kafka/bin/kafka-broker-api-versions.sh');
    expect(asText(services.riskwire?.healthcheck?.test)).toContain(`127.0.0.1:${appDefaults.HTTP_PORT}/health/`);
  });

  it('starts in order: broker healthy, topics created, simulator healthy, then riskwire', () => {
    expect(services['kafka-init']?.depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
    expect(services.riskwire?.depends_on).toEqual({
      'kafka-init': { condition: 'service_completed_successfully' },
      simulator: { condition: 'service_healthy' },
    });
    expect(services.grafana?.depends_on?.prometheus).toBeDefined();
  });

  it('runs Kafka in KRaft mode with separate in-network, host and controller listeners', () => {
    const kafka = env('kafka');
    expect(String(kafka.KAFKA_PROCESS_ROLES)).toBe('broker,controller');
    expect(kafka.KAFKA_NODE_ID).toBeDefined();
    expect(String(kafka.KAFKA_ADVERTISED_LISTENERS).split(',').sort()).toEqual([
      'PLAINTEXT://kafka:19092',
      'PLAINTEXT_HOST://localhost:9092',
    ]);
    expect(String(kafka.KAFKA_LISTENERS)).toContain('CONTROLLER://');
    expect(String(kafka.KAFKA_CONTROLLER_LISTENER_NAMES)).toBe('CONTROLLER');
    expect(Number(kafka.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR)).toBe(1);
    expect(Number(kafka.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR)).toBe(1);
    expect(services.kafka?.ports).toContain('9092:9092');
  });

  it('creates the four default topics the service reads and writes', () => {
    const script = asText(services['kafka-init']?.command);
    for (const topic of [appDefaults.TOPIC_LOGIN, appDefaults.TOPIC_TRANSACTION, appDefaults.TOPIC_DECISIONS, appDefaults.TOPIC_DLQ]) {
      expect(script).toContain(topic);
    }
    expect(script).toContain('--create --if-not-exists');
    expect(script).toContain('--replication-factor 1');
  });

  it('points riskwire at the in-network broker and the simulator', () => {
    const rw = env('riskwire');
    expect(rw.KAFKA_BROKERS).toBe('kafka:19092');
    const simPort = Number(env('simulator').SIMULATOR_PORT);
    expect(rw.SIGNALS_BASE_URL).toBe(`http://simulator:${simPort}/network-signal/v1`);
    expect(rw.SIGNALS_API_KEY).toBe(env('simulator').SIMULATOR_API_KEY);
    expect(env('simulator').SIMULATOR_HOST).toBe('0.0.0.0');
    expect(services.simulator?.command).toEqual(['node', 'dist/src/simulator/main.js']);
  });

  it('publishes the app default ports and passes them to the service', () => {
    const rw = env('riskwire');
    expect(Number(rw.HTTP_PORT)).toBe(appDefaults.HTTP_PORT);
    expect(Number(rw.GRPC_PORT)).toBe(appDefaults.GRPC_PORT);
    expect(services.riskwire?.ports).toEqual([
      `${appDefaults.HTTP_PORT}:${appDefaults.HTTP_PORT}`,
      `${appDefaults.GRPC_PORT}:${appDefaults.GRPC_PORT}`,
    ]);
    expect(services.grafana?.ports).toContain('3000:3000');
  });

  it('Prometheus scrapes riskwire on its HTTP port and loads the alert rules', () => {
    const prom = parseYaml<Yaml>(readRepoFile('deploy/prometheus/prometheus.yml')) as {
      rule_files: string[];
      scrape_configs: Array<{ job_name: string; metrics_path?: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const job = prom.scrape_configs.find((j) => j.job_name === 'riskwire');
    expect(job?.static_configs[0]?.targets).toEqual([`riskwire:${appDefaults.HTTP_PORT}`]);
    expect(job?.metrics_path ?? '/metrics').toBe('/metrics');
    const mounted = (services.prometheus?.volumes ?? []).map((v) => v.split(':')[1]);
    for (const file of prom.rule_files) expect(mounted).toContain(`/etc/prometheus/${file}`);
  });

  it('feeds the stack: the event generator (built from tools/, in the image) writes to the in-network broker once riskwire is healthy', () => {
    const generator = services['event-generator'];
    expect(generator?.image).toBe(services.riskwire?.image);
    const command = generator?.command as string[];
    expect(command.slice(0, 2)).toEqual(['node', 'dist/tools/event-generator.js']);
    expect(existsSync(repoPath('tools/event-generator.ts'))).toBe(true);
    expect(command).toEqual(expect.arrayContaining(['--simulator', `http://simulator:${env('simulator').SIMULATOR_PORT}`]));
    expect(generator?.environment?.KAFKA_BROKERS).toBe(env('riskwire').KAFKA_BROKERS);
    expect(generator?.depends_on).toEqual({ riskwire: { condition: 'service_healthy' } });
    // the generator uses the service's topic variables: the defaults, as riskwire does here
    expect(env('riskwire').TOPIC_LOGIN ?? appDefaults.TOPIC_LOGIN).toBe(appDefaults.TOPIC_LOGIN);
  });

  it('runs a pinned broker-side lag exporter that Prometheus scrapes as the job the alerts name', () => {
    const exporter = services['kafka-exporter'];
    expect(exporter?.image).toMatch(/^danielqsj\/kafka-exporter:v\d+\.\d+\.\d+$/);
    expect(asText(exporter?.command)).toContain('--kafka.server=kafka:19092');
    expect(asText(exporter?.command)).toContain('--offset.show-all');
    const prom = parseYaml<Yaml>(readRepoFile('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    expect(prom.scrape_configs.find((j) => j.job_name === 'kafka-exporter')?.static_configs[0]?.targets).toEqual(['kafka-exporter:9308']);
    expect(readRepoFile('deploy/prometheus/alerts.yml')).toContain('job="kafka-exporter"');
  });

  it('mounts and builds only files that exist in the repository', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const volume of s.volumes ?? []) {
        const host = volume.split(':')[0] ?? '';
        if (!host.startsWith('.')) continue;
        expect({ name, host, exists: existsSync(repoPath(host)) }).toEqual({ name, host, exists: true });
      }
      if (s.build) {
        const build = typeof s.build === 'string' ? { context: s.build } : s.build;
        expect(existsSync(repoPath(build.context, build.dockerfile ?? 'Dockerfile'))).toBe(true);
      }
    }
    const grafanaMounts = (services.grafana?.volumes ?? []).map((v) => v.split(':')[0]);
    expect(grafanaMounts).toEqual(
      expect.arrayContaining([
        './deploy/grafana/provisioning/datasources',
        './deploy/grafana/provisioning/dashboards',
        './deploy/grafana/dashboards',
      ]),
    );
  });

  it('keeps only obvious development credentials', () => {
    const secrets = Object.entries(services).flatMap(([, s]) =>
      Object.entries(s.environment ?? {}).filter(([k]) => /KEY|SECRET|PASSWORD|TOKEN/.test(k)),
    );
    // API_KEYS entries are id:secret:scope, the secret part named like the rest
    const devCredential = /^(riskwire-dev-[a-z0-9-]+|admin|[a-z0-9-]+:riskwire-dev-[a-z0-9-]+:[a-z|]+)$/;
    for (const [key, value] of secrets) expect({ key, value: String(value) }).toEqual({ key, value: expect.stringMatching(devCredential) });
    expect(secrets.map(([key]) => key)).toEqual(expect.arrayContaining(['API_KEYS', 'DECISION_ID_SECRET', 'CALLBACK_SIGNING_SECRET']));
  });

  it('runs the demo stack in development mode, said explicitly (the image defaults to production)', () => {
    expect(env('riskwire').RISKWIRE_ENV).toBe('development');
  });
});

describe('Dockerfile', () => {
  let dockerfile: string;
  beforeAll(() => {
    dockerfile = readRepoFile('Dockerfile');
  });

  it('builds on a pinned Node 20 bookworm-slim image in two stages', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20\.\d+-bookworm-slim$/m);
    expect(dockerfile.match(/^FROM \$\{NODE_IMAGE\} AS (\w+)$/gm)).toEqual([
      'FROM ${NODE_IMAGE} AS build',
      'FROM ${NODE_IMAGE} AS runtime',
    ]);
    for (const step of ['npm ci', 'npm run build', 'npm prune --omit=dev']) expect(dockerfile).toContain(step);
  });

  it('runs production mode as the non-root node user with a Node-based healthcheck', () => {
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toContain('NODE_ENV=production');
    expect(runtime).toMatch(/^\s+RISKWIRE_ENV=production \\$/m);
    expect(runtime).toMatch(/^EXPOSE 8080 50051$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n\s+CMD \["node", "-e", ".*\/health\/live/m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/src\/main\.js"\]$/m);
    for (const dir of ['dist', 'node_modules', 'policies', 'proto', 'package.json']) expect(runtime).toContain(`/app/${dir}`);
  });

  it('keeps node_modules, build output and secrets out of the build context', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.git', '.env']) expect(ignored).toContain(entry);
    for (const needed of [
      'src',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'policies',
      'proto',
      '*.binpb',
    ]) {
      expect(ignored).not.toContain(needed);
    }
  });
});
