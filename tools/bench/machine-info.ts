import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const kafkaScript = fileURLToPath(new URL('../../../scripts/kafka/kafka.sh', import.meta.url));

export interface BrokerInfo {
  brokers: string;
  /** from scripts/kafka/kafka.sh status when the broker is the project's local one */
  version: string;
  pid?: number;
}

/** Asks the project's broker script about a broker on this machine; an external broker stays "unknown". */
export function describeBroker(brokers: string): BrokerInfo {
  const first = brokers.split(',')[0];
  const port = first.slice(first.lastIndexOf(':') + 1);
  const isLocal = /^(127\.|localhost)/.test(first);
  if (!isLocal) return { brokers, version: 'unknown (external broker)' };
  const status = spawnSync('bash', [kafkaScript, 'status'], {
    env: { ...process.env, KAFKA_PORT: port },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const text = `${status.stdout ?? ''}`;
  const version = /version (\S+)/.exec(text)?.[1];
  const pid = /pid (\d+)/.exec(text)?.[1];
  return { brokers, version: version ?? 'unknown (not started by scripts/kafka/kafka.sh)', pid: pid ? Number(pid) : undefined };
}

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  freeMemoryGb: number;
  loadAverageAtStart: number[];
  os: string;
  node: string;
  kafka: BrokerInfo;
}

export function machineInfo(broker: BrokerInfo): MachineInfo {
  const cpuList = cpus();
  return {
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGb: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: loadavg().map((v) => Math.round(v * 100) / 100),
    os: `${process.platform} ${release()}`,
    node: process.version,
    kafka: broker,
  };
}

/** All cores' jiffies from /proc/stat: busy (everything but idle and iowait) and total. */
export function machineCpuTicks(): { busy: number; total: number } {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** Cores the whole machine kept busy between two readings (every process: service, broker, simulator, bench, others). */
export function busyCores(from: { busy: number; total: number }, to: { busy: number; total: number }, cores: number): number {
  const total = to.total - from.total;
  return total > 0 ? Math.round(((to.busy - from.busy) / total) * cores * 100) / 100 : 0;
}
