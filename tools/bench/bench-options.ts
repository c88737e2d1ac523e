import { parseArgs } from 'node:util';

export const SCENARIOS = [
  'saturation',
  'saturation-fixed',
  'ceiling',
  'passthrough',
  'baseline',
  'at60',
  'overload',
  'latency',
  'realistic',
  'layers',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  /** events per backlog scenario; the paced scenario offers events/rate seconds of load */
  events: number;
  partitions: number;
  /** simulated upstream latency: uniform in [latencyMs - jitterMs, latencyMs + jitterMs] */
  latencyMs: number;
  jitterMs: number;
  /** offered rate of the paced latency scenario, events/s */
  rate: number;
  /** another build's dist/ directory: its saturation and ceiling run in the same invocation as "before" */
  beforeDist?: string;
  /** how long the paced scenarios derived from the saturation (60 % and 150 % of it) offer load */
  derivedSeconds: number;
  /** 0: no soak; otherwise the paced load runs this long in its own scenario */
  soakSeconds: number;
  /** how long the naive baseline is measured for (it never finishes a large backlog in reasonable time) */
  baselineSeconds: number;
  /** distinct phone numbers in the realistic (cached) workload */
  realisticNumbers: number;
  /** scenarios to run (default all but soak, which runs when soakSeconds > 0) */
  scenarios: ScenarioName[];
  /** riskwire (and ceiling) variables that override the defaults, e.g. MAX_IN_FLIGHT=256 */
  serviceEnv: Record<string, string>;
  out: string;
}

export const USAGE = `usage: npm run bench -- [options]
  --events N              events per backlog scenario (default 20000)
  --partitions P          partitions of every input topic (default 6)
  --latency 50±20         upstream latency, mean±jitter in ms (also --latency-ms 50 --jitter-ms 20)
  --rate R                offered rate of the fixed-rate latency scenario, events/s (default 2500)
  --before-dist DIR       also run saturation and ceiling from another build's dist/ (before/after in one run)
  --derived-seconds S     how long the 60 % and 150 % of saturation scenarios offer load (default 15)
  --soak-seconds S        also run a paced load for S seconds and report RSS over time (default 0: off); at 60 %
                          of the run's saturation when it is measured (--only saturation,...), else at --rate
  --baseline-seconds S    how long the naive baseline is measured (default 20)
  --realistic-numbers K   distinct phone numbers in the realistic cached workload (default 2000)
  --skip-baseline         do not run the naive NestJS baseline
  --skip-ceiling          do not run the instant-upstream ceiling
  --only a,b              run only these of: saturation, saturation-fixed, ceiling, passthrough, baseline, at60, overload, latency, realistic, layers
  --service-env K=V       set a service variable in riskwire and the ceiling (repeatable), e.g. MAX_IN_FLIGHT=256
  --out FILE              JSON result file (default .bench/result.json)
env: KAFKA_BROKERS=host:port to use a running broker instead of starting scripts/kafka/kafka.sh`;

export class OptionsError extends Error {}

function positiveInt(name: string, raw: string, min = 1): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new OptionsError(`--${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

/** "50±20", "50+-20", "50" (no jitter) or "30-70" (a range). */
export function parseLatency(raw: string): { latencyMs: number; jitterMs: number } {
  const text = raw.trim();
  const plusMinus = /^(\d+)\s*(?:±|\+-|\+\/-)\s*(\d+)$/.exec(text);
  if (plusMinus) return { latencyMs: Number(plusMinus[1]), jitterMs: Number(plusMinus[2]) };
  const range = /^(\d+)\s*-\s*(\d+)$/.exec(text);
  if (range && Number(range[1]) <= Number(range[2])) {
    const [min, max] = [Number(range[1]), Number(range[2])];
    return { latencyMs: (min + max) / 2, jitterMs: (max - min) / 2 };
  }
  if (/^\d+$/.test(text)) return { latencyMs: Number(text), jitterMs: 0 };
  throw new OptionsError(`--latency must look like 50±20, 50+-20, 30-70 or 50, got "${raw}"`);
}

export function parseBenchOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      events: { type: 'string', default: '20000' },
      partitions: { type: 'string', default: '6' },
      latency: { type: 'string' },
      'latency-ms': { type: 'string' },
      'jitter-ms': { type: 'string' },
      rate: { type: 'string', default: '2500' },
      'soak-seconds': { type: 'string', default: '0' },
      'derived-seconds': { type: 'string', default: '15' },
      'before-dist': { type: 'string' },
      'baseline-seconds': { type: 'string', default: '20' },
      'realistic-numbers': { type: 'string', default: '2000' },
      'skip-baseline': { type: 'boolean', default: false },
      'skip-ceiling': { type: 'boolean', default: false },
      only: { type: 'string' },
      'service-env': { type: 'string', multiple: true, default: [] },
      out: { type: 'string', default: '.bench/result.json' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  let latency = { latencyMs: 50, jitterMs: 20 };
  if (values.latency !== undefined) latency = parseLatency(values.latency);
  if (values['latency-ms'] !== undefined) latency.latencyMs = positiveInt('latency-ms', values['latency-ms'], 0);
  if (values['jitter-ms'] !== undefined) latency.jitterMs = positiveInt('jitter-ms', values['jitter-ms'], 0);
  if (latency.jitterMs > latency.latencyMs) throw new OptionsError('the jitter cannot exceed the latency (latencies are never negative)');
  const options: BenchOptions = {
    events: positiveInt('events', values.events),
    partitions: positiveInt('partitions', values.partitions),
    ...latency,
    rate: positiveInt('rate', values.rate),
    soakSeconds: positiveInt('soak-seconds', values['soak-seconds'], 0),
    derivedSeconds: positiveInt('derived-seconds', values['derived-seconds'], 3),
    ...(values['before-dist'] !== undefined ? { beforeDist: values['before-dist'] } : {}),
    baselineSeconds: positiveInt('baseline-seconds', values['baseline-seconds']),
    realisticNumbers: positiveInt('realistic-numbers', values['realistic-numbers']),
    scenarios: selectScenarios(values.only, values['skip-baseline'], values['skip-ceiling']),
    serviceEnv: parseServiceEnv(values['service-env']),
    out: values.out,
  };
  if (options.events < 2) throw new OptionsError('--events must be at least 2');
  return options;
}

function selectScenarios(only: string | undefined, skipBaseline: boolean, skipCeiling: boolean): ScenarioName[] {
  const wanted =
    only === undefined
      ? [...SCENARIOS]
      : only
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  for (const name of wanted) {
    if (!(SCENARIOS as readonly string[]).includes(name))
      throw new OptionsError(`--only: unknown scenario "${name}" (known: ${SCENARIOS.join(', ')})`);
  }
  return (wanted as ScenarioName[]).filter((name) => !(name === 'baseline' && skipBaseline) && !(name === 'ceiling' && skipCeiling));
}

function parseServiceEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair);
    if (!match) throw new OptionsError(`--service-env must look like NAME=value, got "${pair}"`);
    env[match[1]] = match[2];
  }
  return env;
}

/** Upstream latency range handed to the simulator. */
export function latencyRange(options: Pick<BenchOptions, 'latencyMs' | 'jitterMs'>): { min: number; max: number } {
  return { min: Math.round(options.latencyMs - options.jitterMs), max: Math.round(options.latencyMs + options.jitterMs) };
}
