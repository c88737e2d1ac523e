import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

const mainJs = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));

/** The real service as a child process (built by `npm test` first), so a test can kill -9 it. */
export class ServiceProcess {
  private proc?: ChildProcess;
  readonly output: string[] = [];
  httpUrl = '';
  grpcPort = 0;

  constructor(private readonly env: Record<string, string>) {}

  async start(timeoutMs = 60000): Promise<this> {
    const httpPort = await freePort();
    this.grpcPort = await freePort();
    this.httpUrl = `http://127.0.0.1:${httpPort}`;
    this.proc = spawn(process.execPath, [mainJs], {
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(httpPort),
        GRPC_PORT: String(this.grpcPort),
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 500) this.output.shift();
    };
    this.proc.stdout?.on('data', keep);
    this.proc.stderr?.on('data', keep);
    await this.waitReady(timeoutMs);
    return this;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.proc?.exitCode !== null && this.proc?.exitCode !== undefined) {
        throw new Error(`service exited with ${this.proc.exitCode}:\n${this.output.join('')}`);
      }
      try {
        const res = await fetch(`${this.httpUrl}/health/ready`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) throw new Error(`service not ready after ${timeoutMs} ms:\n${this.output.join('')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** SIGKILL: no drain, no commit: what a crash looks like to Kafka. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return proc?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill(signal);
    return exited;
  }
}
