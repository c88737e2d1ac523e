/**
 * `npm run bench`: riskwire under load on this machine, against two references, in one run.
 * Starts (or reuses) a local Kafka broker, the Network Signals simulator in its own process, then for each
 * scenario a fresh set of topics and a fresh service process. Prints a table and writes a JSON result.
 * Figures are measurements, never assertions: missed targets are reported, only failures to run exit non-zero.
 * See docs/benchmark.md.
 */
import { runUpstreamLayersScenario } from './scenarios/upstream-layers-scenario.js';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLocalBroker } from '../lib/local-broker.js';
import type { BenchContext } from './bench-context.js';
import { realisticWorkload, uniqueTransactions } from './bench-events.js';
import { latencyRange, parseBenchOptions, USAGE, type BenchOptions, type ScenarioName } from './bench-options.js';
import { formatTable, ratios, reportRows, type BenchResults } from './bench-report.js';
import { stopAllChildren } from './child-process.js';
import { benchKafka } from './kafka-bench-io.js';
import { busyCores, describeBroker, machineCpuTicks, machineInfo } from './machine-info.js';
import { ResourceSampler, type ResourceSummary } from './resource-sampler.js';
import { runBacklogScenario } from './scenarios/backlog-scenario.js';
import { runFixedRateScenario } from './scenarios/fixed-rate-scenario.js';
import { runPassThroughScenario } from './scenarios/passthrough-scenario.js';
import { benchChartSvg } from './bench-chart.js';
import { launchCeiling, launchNaiveBaseline, launchRiskwire } from './service-launchers.js';
import { SimulatorProcess } from './simulator-control.js';

const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

function readOptions(): BenchOptions {
  try {
    const parsed = parseBenchOptions(process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    return parsed;
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
}

/** CPU of the processes that share the machine with the service, per scenario: the context of every figure. */
type Bystanders = Record<
  string,
  {
    simulator: ResourceSummary;
    broker?: ResourceSummary;
    /** CPU of the bench process itself (load generator and decision reader) */
    benchCores: number;
    /** cores the whole machine kept busy meanwhile (of machine.cores) */
    machineBusyCores: number;
    loadAverage1mAtEnd: number;
  }
>;

async function main(): Promise<void> {
  const options = readOptions();
  const serviceMain = fileURLToPath(new URL('../../src/main.js', import.meta.url));
  if (!existsSync(serviceMain)) throw new Error(`${serviceMain} is missing: build first (npm run bench builds)`);
  const startedAt = new Date();
  const broker = ensureLocalBroker(log);
  const brokerInfo = describeBroker(broker.brokers);
  const machine = machineInfo(brokerInfo);
  log(
    `${machine.cores} cores, node ${machine.node}, Kafka ${brokerInfo.version} at ${broker.brokers}, load average ${machine.loadAverageAtStart.join(' ')}`,
  );
  if (machine.loadAverageAtStart[0] > machine.cores * 0.5)
    log('warning: the machine is already busy; every figure below shares its cores with that load');
  let simulator: SimulatorProcess | undefined;
  const interrupted = () => {
    log('interrupted: stopping the processes this run started');
    void stopAllChildren().finally(() => {
      broker.stop();
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  try {
    const range = latencyRange(options);
    simulator = await SimulatorProcess.start(range);
    log(`simulator on ${simulator.url}, upstream latency ${range.min}-${range.max} ms (uniform)`);
    const ctx: BenchContext = {
      options,
      brokers: broker.brokers,
      kafka: benchKafka(broker.brokers),
      simulator,
      runTag: `r${Date.now().toString(36)}`,
      // as shipped: the image and the chart cap the heap (NODE_OPTIONS); override with RISKWIRE_BENCH_NODE_ARGS
      serviceNodeArgs: (process.env.RISKWIRE_BENCH_NODE_ARGS ?? '--max-old-space-size=256').split(' ').filter(Boolean),
      serviceEnv: options.serviceEnv,
      log,
    };

    const bystanders: Bystanders = {};
    const watched = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const sim = new ResourceSampler(ctx.simulator.child.pid).start();
      const kafka = brokerInfo.pid ? new ResourceSampler(brokerInfo.pid).start() : undefined;
      const [machineFrom, benchFrom, wallFrom] = [machineCpuTicks(), process.cpuUsage(), performance.now()];
      try {
        return await run();
      } finally {
        for (const s of [sim, kafka]) s?.sample();
        sim.stop();
        kafka?.stop();
        bystanders[name] = {
          simulator: sim.summarise(),
          ...(kafka ? { broker: kafka.summarise() } : {}),
          benchCores: cpuCores(process.cpuUsage(benchFrom), performance.now() - wallFrom),
          machineBusyCores: busyCores(machineFrom, machineCpuTicks(), cpus().length),
          loadAverage1mAtEnd: Math.round(loadavg()[0] * 100) / 100,
        };
        const b = bystanders[name];
        log(
          `${name}: the machine kept ${b.machineBusyCores} of ${cpus().length} cores busy (broker ${b.broker?.averageCores ?? '-'}, simulator ${b.simulator.averageCores}, bench ${b.benchCores}; the rest is the service and others)`,
        );
      }
    };

    const wants = (name: ScenarioName) => options.scenarios.includes(name);
    const results: BenchResults = {};
    const backlog = uniqueTransactions(options.events, `${ctx.runTag}.sat`, 1);
    if (wants('saturation')) {
      const r = await watched('saturation', () =>
        runBacklogScenario(ctx, {
          name: 'saturation',
          events: backlog,
          launch: launchRiskwire,
          cache: 'off',
          nodeArgs: ctx.serviceNodeArgs,
          serviceEnv: ctx.serviceEnv,
        }),
      );
      results.saturation = r;
      log(
        `saturation: ${r.throughputPerSecond} events/s (${(r.unavailableShare * 100).toFixed(1)} % with an upstream answer missing), ${r.upstream.callsPerEvent} upstream calls/event`,
      );
    }
    if (options.beforeDist) {
      const distDir = resolve(options.beforeDist);
      const before: NonNullable<BenchResults['before']> = { distDir };
      for (const [name, launch] of [
        ['saturation', launchRiskwire],
        ['ceiling', launchCeiling],
      ] as const) {
        if (!wants(name)) continue;
        before[name] = await watched(`before-${name}`, () =>
          runBacklogScenario(ctx, {
            name: `before-${name}`,
            events: backlog,
            launch,
            cache: 'off',
            nodeArgs: ctx.serviceNodeArgs,
            serviceEnv: ctx.serviceEnv,
            distDir,
          }),
        );
        log(`before (${distDir}) ${name}: ${before[name]!.throughputPerSecond} events/s`);
      }
      results.before = before;
    }
    if (wants('saturation-fixed')) {
      const r = await watched('saturation-fixed', () =>
        runBacklogScenario(ctx, {
          name: 'saturation-fixed',
          events: backlog,
          launch: launchRiskwire,
          cache: 'off',
          nodeArgs: ctx.serviceNodeArgs,
          serviceEnv: { ...ctx.serviceEnv, ADAPTIVE_CONCURRENCY: 'false' },
        }),
      );
      results.saturationFixed = r;
      log(`saturation, fixed MAX_IN_FLIGHT: ${r.throughputPerSecond} events/s`);
    }
    if (wants('ceiling')) {
      const r = await watched('ceiling', () =>
        runBacklogScenario(ctx, {
          name: 'ceiling',
          events: backlog,
          launch: launchCeiling,
          cache: 'off',
          nodeArgs: ctx.serviceNodeArgs,
          serviceEnv: ctx.serviceEnv,
        }),
      );
      results.ceiling = r;
      log(`ceiling: ${r.throughputPerSecond} events/s`);
    }
    if (wants('layers')) {
      const r = await watched('layers', () => runUpstreamLayersScenario(ctx));
      results.layers = r;
      for (const l of r.layers) log(`layers: ${l.layer}: ${l.cpuMicrosPerCall} µs CPU per question`);
    }
    if (wants('passthrough')) {
      // at least 20,000 events: the broker moves a few thousand in a fraction of a second, too short to time
      const events = backlog.length >= 20_000 ? backlog : uniqueTransactions(20_000, `${ctx.runTag}.pass`, 1);
      const r = await watched('passthrough', () => runPassThroughScenario(ctx, events));
      results.passThrough = r;
      log(`broker pass-through: ${r.throughputPerSecond} events/s (kafkajs, ${r.events} events)`);
    }
    // 60 % and 150 % of the saturation measured above, in this run (the --rate scenario stays as it was)
    const saturationRate = results.saturation?.throughputPerSecond;
    for (const [name, share, block] of [
      ['at60', 0.6, 4],
      ['overload', 1.5, 5],
    ] as const) {
      if (!wants(name)) continue;
      if (!saturationRate) {
        log(`${name}: skipped, it needs the saturation scenario of the same run`);
        continue;
      }
      const rate = Math.max(1, Math.round(saturationRate * share));
      const r = await watched(name, () =>
        runFixedRateScenario(ctx, {
          name,
          rate,
          durationSeconds: options.derivedSeconds,
          warmupSeconds: 4,
          phoneBlock: block,
        }),
      );
      results[name] = r;
      log(
        `${name}: ${rate} events/s offered, p50 ${r.latency.p50Ms} ms, p99 ${r.latency.p99Ms} ms; in service p99 ${r.serviceLatency.p99Ms} ms`,
      );
    }
    if (wants('baseline')) {
      const r = await watched('naive-baseline', () =>
        runBacklogScenario(ctx, {
          name: 'naive-baseline',
          events: backlog,
          launch: launchNaiveBaseline,
          cache: 'off',
          measureSeconds: options.baselineSeconds,
        }),
      );
      results.baseline = r;
      log(`naive baseline: ${r.throughputPerSecond} events/s over ${r.windowSeconds} s`);
    }
    if (wants('latency')) {
      const r = await watched('fixed-rate', () =>
        runFixedRateScenario(ctx, {
          name: 'fixed-rate',
          rate: options.rate,
          durationSeconds: Math.max(5, options.events / options.rate),
          warmupSeconds: 1,
          phoneBlock: 2,
        }),
      );
      results.latency = r;
      log(`fixed rate: p50 ${r.latency.p50Ms} ms, p99 ${r.latency.p99Ms} ms at ${r.achievedRatePerSecond} events/s`);
    }
    if (wants('realistic')) {
      const workload = realisticWorkload(options.events, options.realisticNumbers, `${ctx.runTag}.real`);
      const r = await watched('realistic', () =>
        runBacklogScenario(ctx, {
          name: 'realistic',
          events: workload.events,
          subscribers: workload.subscribers,
          launch: launchRiskwire,
          cache: 'memory',
          nodeArgs: ctx.serviceNodeArgs,
          serviceEnv: ctx.serviceEnv,
        }),
      );
      results.realistic = r;
      log(`realistic: ${r.upstream.callsPerEvent} upstream calls/event, ${r.throughputPerSecond} events/s`);
    }
    if (options.soakSeconds > 0) {
      // a sustainable load: 60 % of this run's saturation when it was measured, --rate otherwise
      const soakRate = saturationRate ? Math.max(1, Math.round(saturationRate * 0.6)) : options.rate;
      const r = await watched('soak', () =>
        runFixedRateScenario(ctx, {
          name: 'soak',
          rate: soakRate,
          durationSeconds: options.soakSeconds,
          warmupSeconds: 5,
          phoneBlock: 3,
        }),
      );
      results.soak = r;
      log(`soak: RSS ${r.rssTimelineMb.join(' ')} MB`);
    }

    const rows = reportRows(results, options.rate);
    const finishedAt = new Date();
    const out = resolve(options.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          startedAt: startedAt.toISOString(),
          finishedAt: finishedAt.toISOString(),
          durationSeconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10,
          settings: { ...options, upstreamLatencyRangeMs: range, serviceNodeArgs: ctx.serviceNodeArgs },
          machine: { ...machine, loadAverageAtEnd: loadavg().map((v) => Math.round(v * 100) / 100) },
          summary: { ratios: ratios(results), rows },
          scenarios: results,
          bystanders,
        },
        null,
        2,
      )}\n`,
    );
    const chart = out.replace(/\.json$/, '') + '.svg';
    writeFileSync(
      chart,
      benchChartSvg(
        results,
        `riskwire npm run bench, ${startedAt.toISOString()}, ${options.events} events, load average ${machine.loadAverageAtStart[0]} at start`,
      ),
    );
    process.stdout.write(`\n${formatTable(rows)}\n\n`);
    log(`chart: ${chart}`);
    log(`full result: ${out} (${((finishedAt.getTime() - startedAt.getTime()) / 1000).toFixed(0)} s)`);
  } finally {
    await simulator?.stop();
    await stopAllChildren();
    broker.stop();
  }
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    await stopAllChildren();
    process.exit(1);
  },
);

function cpuCores(usage: NodeJS.CpuUsage, wallMs: number): number {
  return wallMs > 0 ? Math.round(((usage.user + usage.system) / 1000 / wallMs) * 100) / 100 : 0;
}
