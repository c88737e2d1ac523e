import type { Kafka } from 'kafkajs';
import type { BenchOptions } from './bench-options.js';
import type { SimulatorProcess } from './simulator-control.js';

/** What every scenario shares: settings, the broker, the simulator process and a tag unique to this run. */
export interface BenchContext {
  options: BenchOptions;
  brokers: string;
  kafka: Kafka;
  simulator: SimulatorProcess;
  /** unique per run, part of every topic name and event id */
  runTag: string;
  /** extra node flags for riskwire itself (RISKWIRE_BENCH_NODE_ARGS, e.g. --cpu-prof) */
  serviceNodeArgs: string[];
  /** variables overriding riskwire's defaults in every scenario (--service-env), e.g. MAX_IN_FLIGHT */
  serviceEnv: Record<string, string>;
  log: (line: string) => void;
}

/** Upstream calls the simulator answered during a scenario, per decided event. */
export interface UpstreamUsage {
  calls: number;
  callsPerEvent: number;
  byEndpoint: Record<string, Record<string, number>>;
  /** answers other than 200 (faults, 404s): should be 0 in these workloads */
  nonOk: number;
}

export function upstreamUsage(
  stats: { total: number; byEndpoint: Record<string, Record<string, number>> },
  decided: number,
): UpstreamUsage {
  let nonOk = 0;
  for (const counts of Object.values(stats.byEndpoint)) {
    for (const [status, n] of Object.entries(counts)) if (status !== '200') nonOk += n;
  }
  return {
    calls: stats.total,
    callsPerEvent: decided > 0 ? Math.round((stats.total / decided) * 1000) / 1000 : 0,
    byEndpoint: stats.byEndpoint,
    nonOk,
  };
}
