import { fileURLToPath } from 'node:url';
import type { SubscriberState } from '../lib/sample-events.js';
import { freePort, NodeChild } from './child-process.js';

const simulatorMain = fileURLToPath(new URL('../../src/simulator/main.js', import.meta.url));

export const BENCH_SIGNALS_API_KEY = 'riskwire-bench-key';

export interface SimulatorStats {
  total: number;
  byEndpoint: Record<string, Record<string, number>>;
}

/** The Network Signals simulator in its own process, so its CPU is not charged to the service under test. */
export class SimulatorProcess {
  private constructor(
    readonly child: NodeChild,
    /** e.g. http://127.0.0.1:41234 */
    readonly url: string,
  ) {}

  /** what SIGNALS_BASE_URL points at */
  get baseUrl(): string {
    return `${this.url}/network-signal/v1`;
  }

  static async start(latency: { min: number; max: number }): Promise<SimulatorProcess> {
    const port = await freePort();
    const child = new NodeChild({
      name: 'simulator',
      script: simulatorMain,
      env: {
        SIMULATOR_HOST: '127.0.0.1',
        SIMULATOR_PORT: String(port),
        SIMULATOR_API_KEY: BENCH_SIGNALS_API_KEY,
        SIMULATOR_LATENCY_MS: latency.min === latency.max ? String(latency.min) : `${latency.min}-${latency.max}`,
      },
    }).start();
    const simulator = new SimulatorProcess(child, `http://127.0.0.1:${port}`);
    await child.waitForHttp200(`${simulator.url}/_admin/health`, 30_000);
    return simulator;
  }

  private async admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}/_admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator admin ${method} ${path} -> ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  stats(): Promise<SimulatorStats> {
    return this.admin('GET', '/stats') as Promise<SimulatorStats>;
  }

  async clearStats(): Promise<void> {
    await this.admin('DELETE', '/stats');
  }

  /** Replaces every configured subscriber (numbers not listed answer as clean, known subscribers). */
  async setSubscribers(subscribers: Record<string, SubscriberState>): Promise<void> {
    await this.admin('DELETE', '/subscribers');
    if (Object.keys(subscribers).length > 0) await this.admin('PUT', '/subscribers', { subscribers });
  }

  async stop(): Promise<void> {
    await this.child.stop();
  }
}
