import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, NodeChild } from './child-process.js';
import type { ScenarioTopics } from './kafka-bench-io.js';
import { BENCH_SIGNALS_API_KEY } from './simulator-control.js';

const serviceMain = fileURLToPath(new URL('../../src/main.js', import.meta.url));
const ceilingMain = fileURLToPath(new URL('./ceiling-service.js', import.meta.url));
const baselineMain = fileURLToPath(new URL('./naive-baseline-service.js', import.meta.url));

export type ServiceKind = 'riskwire' | 'ceiling' | 'naive-baseline';

export interface LaunchSettings {
  brokers: string;
  topics: ScenarioTopics;
  partitions: number;
  signalsBaseUrl: string;
  cache: 'memory' | 'off';
  /** extra node flags for the service, e.g. --cpu-prof (RISKWIRE_BENCH_NODE_ARGS) */
  nodeArgs?: string[];
  /** service variables overriding the scenario's (--service-env KEY=VALUE); riskwire and ceiling only */
  serviceEnv?: Record<string, string>;
  /** another build's dist/ (--before-dist): riskwire and ceiling run from there, for a before/after in one run */
  distDir?: string;
}

/** A service under test, just spawned: backlog scenarios measure from the spawn, others wait until it is ready. */
export interface LaunchedService {
  kind: ServiceKind;
  child: NodeChild;
  /** HTTP base URL for /metrics (riskwire and ceiling only) */
  httpUrl?: string;
  /** riskwire and ceiling: /health/ready answers 200 (it opens its HTTP port only after the consumer started) */
  waitReady(timeoutMs?: number): Promise<void>;
}

/** The variables of src/config/environment.schema.ts that a scenario sets; the rest keep their defaults. */
function riskwireEnv(settings: LaunchSettings, httpPort: number, grpcPort: number): Record<string, string> {
  const { topics } = settings;
  return {
    KAFKA_BROKERS: settings.brokers,
    KAFKA_CLIENT_ID: `${topics.groupId}-client`,
    KAFKA_GROUP_ID: topics.groupId,
    TOPIC_LOGIN: topics.login,
    TOPIC_TRANSACTION: topics.transaction,
    TOPIC_DECISIONS: topics.decisions,
    TOPIC_DLQ: topics.dlq,
    KAFKA_CREATE_TOPICS: 'false',
    KAFKA_TOPIC_PARTITIONS: String(settings.partitions),
    SIGNALS_BASE_URL: settings.signalsBaseUrl,
    SIGNALS_API_KEY: BENCH_SIGNALS_API_KEY,
    SIGNAL_CACHE: settings.cache,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    GRPC_PORT: String(grpcPort),
    LOG_LEVEL: 'warn',
    ...settings.serviceEnv,
  };
}

async function launchNestService(kind: 'riskwire' | 'ceiling', settings: LaunchSettings): Promise<LaunchedService> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const child = new NodeChild({
    name: kind,
    script: settings.distDir
      ? join(settings.distDir, kind === 'riskwire' ? 'src/main.js' : 'tools/bench/ceiling-service.js')
      : kind === 'riskwire'
        ? serviceMain
        : ceilingMain,
    env: riskwireEnv(settings, httpPort, grpcPort),
    nodeArgs: settings.nodeArgs,
  }).start();
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  return { kind, child, httpUrl, waitReady: (timeoutMs = 90_000) => child.waitForHttp200(`${httpUrl}/health/ready`, timeoutMs) };
}

/** The real service: `node dist/src/main.js`, configured by environment like in production. */
export function launchRiskwire(settings: LaunchSettings): Promise<LaunchedService> {
  return launchNestService('riskwire', settings);
}

/** The real app with the upstream answered instantly in-process: the most our Kafka path could do. */
export function launchCeiling(settings: LaunchSettings): Promise<LaunchedService> {
  return launchNestService('ceiling', settings);
}

/** A stock @EventPattern microservice that awaits the three checks one after another. */
export async function launchNaiveBaseline(settings: LaunchSettings): Promise<LaunchedService> {
  const { topics } = settings;
  const child = new NodeChild({
    name: 'naive-baseline',
    script: baselineMain,
    env: {
      BASELINE_KAFKA_BROKERS: settings.brokers,
      BASELINE_GROUP_ID: topics.groupId,
      BASELINE_TOPIC_LOGIN: topics.login,
      BASELINE_TOPIC_TRANSACTION: topics.transaction,
      BASELINE_TOPIC_DECISIONS: topics.decisions,
      BASELINE_SIGNALS_BASE_URL: settings.signalsBaseUrl,
      BASELINE_SIGNALS_API_KEY: BENCH_SIGNALS_API_KEY,
      BASELINE_PARTITIONS_CONCURRENTLY: String(settings.partitions),
    },
    nodeArgs: settings.nodeArgs,
  }).start();
  return { kind: 'naive-baseline', child, waitReady: (timeoutMs = 60_000) => child.waitForOutput(/naive-baseline ready/, timeoutMs) };
}

/** Sums every sample of a Prometheus counter or gauge (all label sets), e.g. riskwire_upstream_calls_total. */
export async function scrapeMetricTotals(httpUrl: string, names: string[]): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  try {
    const res = await fetch(`${httpUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return totals;
    const text = await res.text();
    for (const name of names) {
      let sum = 0;
      let seen = false;
      for (const line of text.split('\n')) {
        if (!line.startsWith(name)) continue;
        const rest = line.slice(name.length);
        if (!rest.startsWith('{') && !rest.startsWith(' ')) continue;
        const value = Number(line.slice(line.lastIndexOf(' ') + 1));
        if (Number.isFinite(value)) {
          sum += value;
          seen = true;
        }
      }
      if (seen) totals[name] = sum;
    }
  } catch {
    // Metrics are a cross-check only; the simulator's own counts are the figure.
  }
  return totals;
}
