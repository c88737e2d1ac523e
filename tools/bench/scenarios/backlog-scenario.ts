import { setTimeout as sleep } from 'node:timers/promises';
import type { SubscriberState } from '../../lib/sample-events.js';
import type { BenchContext, UpstreamUsage } from '../bench-context.js';
import { upstreamUsage } from '../bench-context.js';
import type { BenchEvent } from '../bench-events.js';
import {
  createScenarioTopics,
  deleteScenarioTopics,
  preloadEvents,
  readAllDecisions,
  TopicCounter,
  type DecisionRecord,
} from '../kafka-bench-io.js';
import { ratePerSecond, round, summariseLatencies, type LatencySummary } from '../latency-stats.js';
import { ResourceSampler, type ResourceSample, type ResourceSummary } from '../resource-sampler.js';
import { scrapeMetricTotals, type LaunchedService, type LaunchSettings } from '../service-launchers.js';

export interface BacklogSpec {
  /** short name, part of the topic names */
  name: string;
  events: BenchEvent[];
  launch: (settings: LaunchSettings) => Promise<LaunchedService>;
  cache: 'memory' | 'off';
  subscribers?: Record<string, SubscriberState>;
  /** measure only this long after the first decision (for references too slow to finish the backlog) */
  measureSeconds?: number;
  /** give up when no new decision arrived for this long */
  stallSeconds?: number;
  nodeArgs?: string[];
  serviceEnv?: Record<string, string>;
  /** run riskwire/ceiling from another build (--before-dist) */
  distDir?: string;
}

export interface BacklogResult {
  scenario: string;
  service: string;
  cache: 'memory' | 'off';
  eventsOffered: number;
  /** distinct events decided inside the measured window */
  eventsDecided: number;
  /** every event of the backlog got a decision */
  complete: boolean;
  duplicates: number;
  /** share of decisions made with an upstream answer missing (a signal UNAVAILABLE) */
  unavailableShare: number;
  /** events/s from the first decision to the last one in the window (decision record timestamps) */
  throughputPerSecond: number;
  /** the same, counting only decisions that had every upstream answer */
  answeredThroughputPerSecond: number;
  windowSeconds: number;
  /** spawn -> first decision on the topic (boot, group join, first upstream round trip) */
  firstDecisionAfterLaunchSeconds: number;
  /** spawn -> /health/ready; the HTTP port opens only after the consumer started, and late when it is busy */
  readyAfterLaunchSeconds?: number;
  upstream: UpstreamUsage;
  /** decisions appended per second from the first one (for the chart) */
  decidedPerSecond?: number[];
  /** the decision's own latencyMs: time inside the service per event (includes waiting for an in-flight slot) */
  serviceLatency?: LatencySummary;
  /** cpuSeconds and RSS over spawn -> last decision (boot included); averageCores and cpuMsPer1000Events over first -> last decision */
  resources: ResourceSummary & { cpuMsPer1000Events: number; processingCpuSeconds: number };
  metrics: Record<string, number>;
}

const POLL_MS = 250;

/**
 * Saturation: the whole backlog is on the topics before the service starts, so it consumes as fast as it
 * can; throughput is measured from the first decision to the last, from the decisions' record timestamps.
 */
export async function runBacklogScenario(ctx: BenchContext, spec: BacklogSpec): Promise<BacklogResult> {
  const { options, kafka, simulator, log } = ctx;
  const total = spec.events.length;
  const topics = await createScenarioTopics(kafka, spec.name, ctx.runTag, options.partitions);
  await simulator.setSubscribers(spec.subscribers ?? {});
  await simulator.clearStats();
  log(`${spec.name}: pre-loading ${total} events on ${options.partitions} partitions`);
  await preloadEvents(kafka, topics, spec.events);

  const launchedAt = Date.now();
  const service = await spec.launch({
    brokers: ctx.brokers,
    topics,
    partitions: options.partitions,
    signalsBaseUrl: simulator.baseUrl,
    cache: spec.cache,
    nodeArgs: spec.nodeArgs,
    serviceEnv: spec.serviceEnv,
    distDir: spec.distDir,
  });
  const sampler = new ResourceSampler(service.child.pid).start();
  const spawned = sampler.sample();
  let readyAt: number | undefined;
  service.waitReady().then(
    () => (readyAt = Date.now()),
    () => undefined, // an exit is caught by the loop below, with the child's output
  );
  const counter = new TopicCounter(kafka);
  let first: { reading?: ResourceSample; count: number } | undefined;
  let last: { reading?: ResourceSample; count: number } | undefined;
  let decided = 0;
  let lastProgressAt = Date.now();
  let metrics: Record<string, number> = {};
  const stallMs = (spec.stallSeconds ?? 30) * 1000;
  try {
    log(`${spec.name}: ${service.kind} started; consuming the backlog`);
    let lastLogged = Date.now();
    for (;;) {
      await sleep(POLL_MS);
      if (service.child.exitCode !== null)
        throw new Error(`${service.kind} exited with ${service.child.exitCode}:\n${service.child.outputTail()}`);
      const count = await counter.count(topics.decisions);
      const now = Date.now();
      if (count > decided) {
        decided = count;
        lastProgressAt = now;
        first ??= { reading: sampler.sample(), count };
        last = { reading: sampler.sample(), count };
      }
      if (decided >= total) break;
      if (spec.measureSeconds !== undefined && first?.reading && now - first.reading.at >= spec.measureSeconds * 1000 + 2 * POLL_MS) break;
      if (now - lastProgressAt > stallMs) {
        log(`${spec.name}: no new decision for ${stallMs / 1000} s; stopping with ${decided}/${total}`);
        break;
      }
      if (now - lastLogged >= 5000) {
        lastLogged = now;
        log(`${spec.name}: ${decided}/${total} decided`);
      }
    }
    if (service.httpUrl) {
      await service.waitReady(30_000).catch(() => undefined);
      metrics = await scrapeMetricTotals(service.httpUrl, [
        'riskwire_upstream_calls_total',
        'riskwire_decisions_total',
        'riskwire_signal_cache_hits_total',
        'riskwire_events_in_flight_limit',
      ]);
    }
  } finally {
    sampler.stop();
    await counter.close();
    await service.child.stop();
  }
  const stats = await simulator.stats();
  const records = await readAllDecisions(kafka, topics.decisions);
  await deleteScenarioTopics(kafka, topics);

  const firstByEvent = new Map<string, DecisionRecord>();
  for (const r of records) if (!firstByEvent.has(r.eventId)) firstByEvent.set(r.eventId, r);
  const byTime = [...firstByEvent.values()].sort((a, b) => a.timestamp - b.timestamp);
  const windowStart = byTime[0]?.timestamp ?? 0;
  const windowEnd = spec.measureSeconds !== undefined ? windowStart + spec.measureSeconds * 1000 : Number.POSITIVE_INFINITY;
  const inWindow = byTime.filter((r) => r.timestamp <= windowEnd);
  const lastTs = inWindow[inWindow.length - 1]?.timestamp ?? windowStart;
  const throughput = ratePerSecond(inWindow.length, windowStart, lastTs);
  const unanswered = inWindow.filter((r) => r.unavailable).length;
  const unavailableShare = inWindow.length > 0 ? unanswered / inWindow.length : 0;
  const latencies = inWindow.map((r) => r.serviceLatencyMs).filter((v): v is number => v !== undefined);
  const overall = sampler.summarise(spawned, last?.reading);
  const busy = first?.reading && last?.reading ? sampler.summarise(first.reading, last.reading) : overall;
  const busyEvents = first && last ? last.count - first.count : 0;

  return {
    scenario: spec.name,
    service: service.kind,
    cache: spec.cache,
    eventsOffered: total,
    eventsDecided: inWindow.length,
    complete: firstByEvent.size >= total,
    duplicates: records.length - firstByEvent.size,
    unavailableShare: round(unavailableShare, 4),
    throughputPerSecond: throughput,
    answeredThroughputPerSecond: round(throughput * (1 - unavailableShare)),
    windowSeconds: round((lastTs - windowStart) / 1000, 2),
    firstDecisionAfterLaunchSeconds: byTime[0] ? round((byTime[0].timestamp - launchedAt) / 1000, 2) : 0,
    readyAfterLaunchSeconds: readyAt !== undefined ? round((readyAt - launchedAt) / 1000, 2) : undefined,
    upstream: upstreamUsage(stats, firstByEvent.size),
    decidedPerSecond: perSecondCounts(
      inWindow.map((r) => r.timestamp),
      windowStart,
    ),
    serviceLatency: latencies.length > 0 ? summariseLatencies(latencies) : undefined,
    resources: {
      ...overall,
      averageCores: busy.averageCores,
      processingCpuSeconds: busy.cpuSeconds,
      cpuMsPer1000Events: busyEvents > 0 ? round((busy.cpuSeconds * 1000 * 1000) / busyEvents) : 0,
    },
    metrics,
  };
}

function perSecondCounts(timestamps: number[], from: number): number[] {
  const counts: number[] = [];
  for (const t of timestamps) {
    const second = Math.max(0, Math.floor((t - from) / 1000));
    while (counts.length <= second) counts.push(0);
    counts[second] += 1;
  }
  return counts;
}
