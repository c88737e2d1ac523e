import { execFile } from 'node:child_process';
import { findTool } from '../ops/ops-tools.js';

/** One record as `kcat -C -J` prints it. */
export interface KcatRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
}

export interface KcatResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The real kcat (Debian's package, librdkafka), the client Kafka users reach for. Runs asynchronously:
 * the simulator that answers the service under test lives in the test's own process.
 */
export class Kcat {
  private readonly bin = findTool('kcat');

  /** `brokers` and librdkafka `-X` settings, e.g. security.protocol=SASL_SSL */
  constructor(
    private readonly brokers: string,
    private readonly settings: Record<string, string> = {},
  ) {}

  run(args: string[], input?: Buffer | string, timeoutMs = 30_000): Promise<KcatResult> {
    const x = Object.entries(this.settings).flatMap(([k, v]) => ['-X', `${k}=${v}`]);
    return new Promise((resolve) => {
      const child = execFile(
        this.bin,
        ['-b', this.brokers, ...x, ...args],
        { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
        },
      );
      child.stdin?.end(input ?? '');
    });
  }

  /** Produces `key|value` lines, one record each (a value must not contain a newline). */
  async produce(topic: string, records: { key: string; value: Buffer | string }[]): Promise<void> {
    const input = Buffer.concat(records.flatMap((r) => [Buffer.from(`${r.key}|`), Buffer.from(r.value), Buffer.from('\n')]));
    const result = await this.run(['-P', '-t', topic, '-K', '|', '-X', 'acks=all'], input);
    if (result.code !== 0) throw new Error(`kcat -P ${topic} exited ${result.code}: ${result.stderr}`);
  }

  /** Reads a topic from the beginning to its end as JSON envelopes. */
  async consumeAll(topic: string): Promise<KcatRecord[]> {
    const result = await this.run(['-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q']);
    if (result.code !== 0) throw new Error(`kcat -C ${topic} exited ${result.code}: ${result.stderr}`);
    return result.stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as KcatRecord);
  }

  /** Polls a topic with kcat until `predicate` holds. */
  async waitFor(topic: string, predicate: (records: KcatRecord[]) => boolean, timeoutMs: number): Promise<KcatRecord[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const records = await this.consumeAll(topic);
      if (predicate(records)) return records;
      if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting on ${topic} (have ${records.length} records)`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
