import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { round } from './latency-stats.js';

export interface ResourceSample {
  /** ms since epoch */
  at: number;
  /** user + system CPU of the process since it started */
  cpuSeconds: number;
  rssMb: number;
  /** peak RSS so far (VmHWM) */
  peakRssMb: number;
}

export interface ResourceSummary {
  cpuSeconds: number;
  wallSeconds: number;
  averageCores: number;
  peakRssMb: number;
  rssAtStartMb: number;
  rssAtMiddleMb: number;
  rssAtEndMb: number;
  samples: number;
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** One reading of /proc/<pid>; undefined once the process is gone. */
export function readProcess(pid: number): ResourceSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces or parentheses: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { at: Date.now(), cpuSeconds: ticks / ticksPerSecond(), rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Samples a process every intervalMs; summaries cover any window between two marks (or the whole run). */
export class ResourceSampler {
  readonly samples: ResourceSample[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    private readonly intervalMs = 500,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Takes a reading now (also recorded in the series) so windows can start and end exactly at events. */
  sample(): ResourceSample | undefined {
    const reading = readProcess(this.pid);
    if (reading) this.samples.push(reading);
    return reading;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** CPU and memory between two readings (defaults: first and last). */
  summarise(from?: ResourceSample, to?: ResourceSample): ResourceSummary {
    const first = from ?? this.samples[0];
    const last = to ?? this.samples[this.samples.length - 1];
    if (!first || !last) {
      return { cpuSeconds: 0, wallSeconds: 0, averageCores: 0, peakRssMb: 0, rssAtStartMb: 0, rssAtMiddleMb: 0, rssAtEndMb: 0, samples: 0 };
    }
    const inWindow = this.samples.filter((s) => s.at >= first.at && s.at <= last.at);
    const cpuSeconds = last.cpuSeconds - first.cpuSeconds;
    const wallSeconds = (last.at - first.at) / 1000;
    const middle = inWindow[Math.floor(inWindow.length / 2)] ?? last;
    // A reading taken right at spawn can precede the process's own memory; start at its first real one.
    const start = inWindow.find((s) => s.rssMb > 0) ?? first;
    const peak = Math.max(...this.samples.map((s) => Math.max(s.peakRssMb, s.rssMb)));
    return {
      cpuSeconds: round(cpuSeconds, 2),
      wallSeconds: round(wallSeconds, 2),
      averageCores: wallSeconds > 0 ? round(cpuSeconds / wallSeconds, 2) : 0,
      peakRssMb: round(peak),
      rssAtStartMb: round(start.rssMb),
      rssAtMiddleMb: round(middle.rssMb),
      rssAtEndMb: round(last.rssMb),
      samples: inWindow.length,
    };
  }
}
