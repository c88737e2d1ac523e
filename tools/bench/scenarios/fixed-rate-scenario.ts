import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext, UpstreamUsage } from '../bench-context.js';
import { upstreamUsage } from '../bench-context.js';
import { transactionEvent, uniquePhoneNumber, type BenchEvent } from '../bench-events.js';
import { benchProducer, createScenarioTopics, DecisionReader, deleteScenarioTopics, type DecisionRecord } from '../kafka-bench-io.js';
import { round, summariseLatencies, type LatencySummary } from '../latency-stats.js';
import { ResourceSampler, type ResourceSummary } from '../resource-sampler.js';
import { launchRiskwire, scrapeMetricTotals } from '../service-launchers.js';

export interface FixedRateSpec {
  /** short name, part of the topic names */
  name: string;
  rate: number;
  durationSeconds: number;
  /**
   * A ramp from a tenth of the rate to the full rate over these seconds comes first: it warms connection pools, the
   * JIT and the concurrency limit as a service in production is warm, without the backlog a cold start at full rate
   * leaves behind. Its events are decided, but left out of the latency figures.
   */
  warmupSeconds: number;
  /** digit that keeps this scenario's phone numbers apart from the others' */
  phoneBlock: number;
  /** service variables for this scenario on top of --service-env */
  serviceEnv?: Record<string, string>;
}

export interface FixedRateResult {
  scenario: string;
  offeredRatePerSecond: number;
  /** what the producer actually achieved after the ramp (below the offered rate when the machine is saturated) */
  achievedRatePerSecond: number;
  durationSeconds: number;
  eventsProduced: number;
  eventsDecided: number;
  /** share of decisions made with an upstream answer missing (a signal UNAVAILABLE) */
  unavailableShare: number;
  missing: number;
  duplicates: number;
  /** produce call -> decision received by a downstream consumer (the headline figure) */
  latency: LatencySummary;
  /** scheduled send time -> decision received: includes any lag of the producer itself (no coordinated omission) */
  latencyFromSchedule: LatencySummary;
  /** produce call -> decision record timestamp (the service handed it to its producer) */
  latencyToDecisionAppend: LatencySummary;
  /** the decision's own latencyMs: record received by the service -> decided (in-service time) */
  serviceLatency: LatencySummary;
  /** produce call -> the service took the record (decision appended minus its in-service time): waiting in Kafka */
  kafkaWait: LatencySummary;
  /** decisions received per second of the run, from the start of the load (for the chart) */
  decidedPerSecond: number[];
  /** p99 produce -> decision of the events sent in each second (warm-up included) */
  p99BySecondMs: number[];
  /** produce -> decision received at every 5th percentile, p0 to p100, after warm-up (for the chart) */
  latencyPercentilesMs: number[];
  /** median RSS (MB) over the second half of the load: the steady state */
  steadyRssMb: number;
  /** produce call -> the broker acknowledged the event (acks=all): the benchmark's own share of the latency */
  producerAck: LatencySummary;
  /** worst lag of the producer behind its schedule */
  producerMaxLagMs: number;
  upstream: UpstreamUsage;
  resources: ResourceSummary;
  /** RSS (MB) at 0 %, 10 %, ... 100 % of the load window */
  rssTimelineMb: number[];
  metrics: Record<string, number>;
}

const TICK_MS = 5;

/** eventId = <tag>-<seq>-<sentAtMs>: the decision carries the eventId, so latency needs no lookup table. */
function parseEventId(eventId: string): { seq: number; sentAt: number } | undefined {
  const parts = eventId.split('-');
  const seq = Number(parts[parts.length - 2]);
  const sentAt = Number(parts[parts.length - 1]);
  return Number.isInteger(seq) && Number.isFinite(sentAt) ? { seq, sentAt } : undefined;
}

/**
 * Latency at a fixed offered rate: a paced producer offers `rate` events/s (all three checks each, cache off)
 * to a running service while a downstream consumer timestamps every decision as it arrives.
 */
export async function runFixedRateScenario(ctx: BenchContext, spec: FixedRateSpec): Promise<FixedRateResult> {
  const { options, kafka, simulator, log } = ctx;
  const schedule = new RampSchedule(spec.rate, spec.warmupSeconds, spec.durationSeconds);
  const total = schedule.total;
  const tag = `${ctx.runTag}.${spec.name}`;
  const topics = await createScenarioTopics(kafka, spec.name, ctx.runTag, options.partitions);
  await simulator.setSubscribers({});
  await simulator.clearStats();
  const service = await launchRiskwire({
    brokers: ctx.brokers,
    topics,
    partitions: options.partitions,
    signalsBaseUrl: simulator.baseUrl,
    cache: 'off',
    nodeArgs: ctx.serviceNodeArgs,
    serviceEnv: { ...ctx.serviceEnv, ...spec.serviceEnv },
  });
  try {
    await service.waitReady();
  } catch (error) {
    await service.child.stop();
    await deleteScenarioTopics(kafka, topics);
    throw error;
  }

  const fromSend = new Float64Array(total).fill(NaN);
  const fromSchedule = new Float64Array(total).fill(NaN);
  const toAppend = new Float64Array(total).fill(NaN);
  const inService = new Float64Array(total).fill(NaN);
  const kafkaWait = new Float64Array(total).fill(NaN);
  const decidedPerSecond: number[] = [];
  const acked = new Float64Array(total).fill(NaN);
  let decided = 0;
  let unanswered = 0;
  let duplicates = 0;
  let startWall = 0;
  const onDecision = (r: DecisionRecord) => {
    const id = parseEventId(r.eventId);
    if (!id || id.seq >= total) return;
    if (!Number.isNaN(fromSend[id.seq])) {
      duplicates++;
      return;
    }
    decided++;
    if (r.unavailable) unanswered++;
    fromSend[id.seq] = r.receivedAt - id.sentAt;
    fromSchedule[id.seq] = r.receivedAt - (startWall + schedule.at(id.seq));
    toAppend[id.seq] = r.timestamp - id.sentAt;
    inService[id.seq] = r.serviceLatencyMs ?? NaN;
    kafkaWait[id.seq] = r.serviceLatencyMs === undefined ? NaN : Math.max(0, toAppend[id.seq] - r.serviceLatencyMs);
    if (startWall > 0) {
      const second = Math.max(0, Math.floor((r.receivedAt - startWall) / 1000));
      while (decidedPerSecond.length <= second) decidedPerSecond.push(0);
      decidedPerSecond[second] += 1;
    }
  };

  const reader = new DecisionReader(kafka, topics.decisions, onDecision);
  const producer = benchProducer(kafka);
  const sampler = new ResourceSampler(service.child.pid).start();
  let metrics: Record<string, number> = {};
  let produced = 0;
  let producerMaxLagMs = 0;
  let loadEnd = 0;
  let sendError: unknown;
  try {
    await reader.start();
    await reader.waitJoined();
    await producer.connect();
    log(
      `${spec.name}: ramping up to ${spec.rate} events/s over ${spec.warmupSeconds} s, then offering it for ${spec.durationSeconds} s (${total} events)`,
    );
    const loadStart = sampler.sample();
    startWall = Date.now();
    const pending = new Set<Promise<unknown>>();
    let lastLogged = startWall;
    while (produced < total) {
      if (sendError !== undefined) throw sendError;
      if (service.child.exitCode !== null)
        throw new Error(`riskwire exited with ${service.child.exitCode}:\n${service.child.outputTail()}`);
      const now = Date.now();
      const due = schedule.dueBy(now - startWall);
      if (due > produced) {
        producerMaxLagMs = Math.max(producerMaxLagMs, now - (startWall + schedule.at(produced)));
        const batch: BenchEvent[] = [];
        const from = produced;
        for (let seq = from; seq < due; seq++)
          batch.push(transactionEvent(`${tag}-${seq}-${now}`, uniquePhoneNumber(spec.phoneBlock, seq), seq));
        produced = due;
        const sent = producer
          .send({
            topic: topics.transaction,
            acks: -1,
            messages: batch.map((e) => ({ key: e.key, value: e.value, timestamp: String(now) })),
          })
          .then(() => acked.fill(Date.now() - now, from, due))
          .catch((error: unknown) => (sendError ??= error));
        pending.add(sent);
        void sent.finally(() => pending.delete(sent));
      }
      if (now - lastLogged >= 10_000) {
        lastLogged = now;
        log(`${spec.name}: ${produced} produced, ${decided} decided`);
      }
      await sleep(TICK_MS);
    }
    await Promise.all(pending);
    if (sendError !== undefined) throw sendError;
    loadEnd = Date.now();
    const drained = await reader.waitForCount(total, 30_000);
    if (!drained) log(`${spec.name}: ${total - decided} decisions still missing 30 s after the last event`);
    const end = sampler.sample();
    metrics = service.httpUrl
      ? await scrapeMetricTotals(service.httpUrl, ['riskwire_upstream_calls_total', 'riskwire_decisions_total'])
      : {};
    sampler.stop();
    const resources = sampler.summarise(loadStart, end);
    const inLoad = sampler.samples.filter((s) => loadStart && s.at >= loadStart.at && s.at <= loadEnd);
    const rssTimelineMb = Array.from({ length: 11 }, (_, i) =>
      round(inLoad[Math.min(inLoad.length - 1, Math.round((i / 10) * (inLoad.length - 1)))]?.rssMb ?? 0),
    );

    const warm = Math.min(total - 1, schedule.warm);
    const measured = (values: Float64Array) => values.subarray(warm).filter((v) => !Number.isNaN(v));
    const sortedLatency = measured(fromSend).sort();
    const latencyPercentilesMs = Array.from({ length: 21 }, (_, i) =>
      sortedLatency.length === 0
        ? 0
        : round(sortedLatency[Math.min(sortedLatency.length - 1, Math.floor((i / 20) * sortedLatency.length))]),
    );
    const secondHalf = inLoad
      .slice(Math.floor(inLoad.length / 2))
      .map((s) => s.rssMb)
      .sort((a, b) => a - b);
    const steadyRssMb = round(secondHalf[Math.floor(secondHalf.length / 2)] ?? 0);
    return {
      scenario: spec.name,
      offeredRatePerSecond: spec.rate,
      // over the measured part: the ramp offers less on purpose
      achievedRatePerSecond: round(((total - schedule.warm) * 1000) / Math.max(1, loadEnd - (startWall + schedule.at(schedule.warm)))),
      durationSeconds: round((loadEnd - startWall) / 1000, 2),
      eventsProduced: produced,
      eventsDecided: decided,
      unavailableShare: decided > 0 ? round(unanswered / decided, 4) : 0,
      missing: total - decided,
      duplicates,
      latency: summariseLatencies(measured(fromSend)),
      latencyFromSchedule: summariseLatencies(measured(fromSchedule)),
      latencyToDecisionAppend: summariseLatencies(measured(toAppend)),
      serviceLatency: summariseLatencies(measured(inService)),
      kafkaWait: summariseLatencies(measured(kafkaWait)),
      decidedPerSecond,
      p99BySecondMs: p99PerSecond(fromSend, schedule),
      latencyPercentilesMs,
      steadyRssMb,
      producerAck: summariseLatencies(measured(acked)),
      producerMaxLagMs: round(producerMaxLagMs),
      upstream: upstreamUsage(await simulator.stats(), decided),
      resources,
      rssTimelineMb,
      metrics,
    };
  } finally {
    sampler.stop();
    await Promise.allSettled([reader.stop(), producer.disconnect()]);
    await service.child.stop();
    await deleteScenarioTopics(kafka, topics);
  }
}

/** p99 produce -> decision of the events sent in each second of the load (warm-up included): shows a start-up backlog apart. */
function p99PerSecond(fromSend: Float64Array, schedule: RampSchedule): number[] {
  const out: number[] = [];
  for (let second = 0, from = 0; from < fromSend.length; second++) {
    const to = schedule.dueBy((second + 1) * 1000 - 1);
    const values = fromSend
      .subarray(from, to)
      .filter((v) => !Number.isNaN(v))
      .sort();
    out.push(values.length === 0 ? 0 : round(values[Math.min(values.length - 1, Math.floor(0.99 * values.length))]));
    from = to;
  }
  return out;
}

/** When each event is due: a linear ramp from a tenth of the rate to the rate over the warm-up, then the rate. */
export class RampSchedule {
  /** events of the ramp (left out of the figures) */
  readonly warm: number;
  readonly total: number;
  private readonly rampMs: number;

  constructor(
    private readonly rate: number,
    warmupSeconds: number,
    durationSeconds: number,
  ) {
    this.rampMs = warmupSeconds * 1000;
    this.warm = Math.floor(this.dueAt(this.rampMs));
    this.total = Math.max(1, this.warm + Math.round(rate * durationSeconds));
  }

  /** events due by ms after the start (fractional) */
  private dueAt(ms: number): number {
    const perMs = this.rate / 1000;
    if (this.rampMs > 0 && ms <= this.rampMs) return perMs * (0.1 * ms + (0.45 * ms * ms) / this.rampMs);
    return perMs * 0.55 * this.rampMs + perMs * (ms - this.rampMs);
  }

  /** how many events are due by ms after the start (the first one at once) */
  dueBy(ms: number): number {
    return Math.min(this.total, Math.floor(this.dueAt(Math.max(0, ms))) + 1);
  }

  /** ms after the start at which event seq is due */
  at(seq: number): number {
    const perMs = this.rate / 1000;
    if (seq >= this.warm || this.rampMs === 0) return this.rampMs + (seq - perMs * 0.55 * this.rampMs) / perMs;
    const a = (0.45 * perMs) / this.rampMs;
    const b = 0.1 * perMs;
    return (-b + Math.sqrt(b * b + 4 * a * seq)) / (2 * a);
  }
}
