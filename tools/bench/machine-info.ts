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
