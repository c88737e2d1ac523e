import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../lib/free-port.js';

export { freePort };

/** Every child still running, so a failed or interrupted run can stop them all by pid. */
const running = new Set<NodeChild>();

export async function stopAllChildren(): Promise<void> {
  await Promise.allSettled([...running].map((child) => child.stop()));
}

export interface NodeChildOptions {
  /** short name used in messages */
  name: string;
  script: string;
  env: Record<string, string>;
  nodeArgs?: string[];
}

/** A Node.js script run as its own process (its CPU is then its own), with the tail of its output kept for errors. */
export class NodeChild {
  private proc?: ChildProcess;
  private readonly output: string[] = [];
  private exited?: Promise<number | null>;

  constructor(private readonly options: NodeChildOptions) {}

  get name(): string {
    return this.options.name;
  }

  get pid(): number {
    if (this.proc?.pid === undefined) throw new Error(`${this.options.name} is not running`);
    return this.proc.pid;
  }

  get exitCode(): number | null {
    return this.proc?.exitCode ?? null;
  }

  start(): this {
    const proc = spawn(process.execPath, [...(this.options.nodeArgs ?? []), this.options.script], {
      env: { ...process.env, ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    running.add(this);
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.shift();
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        running.delete(this);
        resolve(code ?? (signal ? 128 : null));
      }),
    );
    return this;
  }

  outputTail(lines = 40): string {
    return this.output.join('').split('\n').slice(-lines).join('\n');
  }

  /** Polls until ready() is true; fails early, with the child's output, if it exits. */
  async waitUntil(what: string, ready: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.proc?.exitCode !== null && this.proc?.exitCode !== undefined) {
        throw new Error(`${this.options.name} exited with ${this.proc.exitCode} before ${what}:\n${this.outputTail()}`);
      }
      if (
        await Promise.resolve()
          .then(ready)
          .catch(() => false)
      )
        return;
      if (Date.now() > until) throw new Error(`${this.options.name}: no ${what} after ${timeoutMs} ms:\n${this.outputTail()}`);
      await sleep(200);
    }
  }

  async waitForHttp200(url: string, timeoutMs: number): Promise<void> {
    await this.waitUntil(
      `200 from ${url}`,
      async () => (await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200,
      timeoutMs,
    );
  }

  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    await this.waitUntil(`output ${pattern}`, () => pattern.test(this.output.join('')), timeoutMs);
  }

  /** SIGTERM, then SIGKILL if it has not exited within graceMs. */
  async stop(graceMs = 10_000): Promise<number | null> {
    const proc = this.proc;
    if (!proc || !this.exited) return null;
    if (proc.exitCode !== null || proc.signalCode !== null) return this.exited;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
