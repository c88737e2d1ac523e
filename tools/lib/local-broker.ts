import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../scripts/kafka/kafka.sh', import.meta.url));

/**
 * Uses KAFKA_BROKERS when set; otherwise starts the project's local broker (jars from Maven Central)
 * and returns a stop function for it. Exits with the script's own message when Java or Maven is missing.
 */
export function ensureLocalBroker(log: (line: string) => void): { brokers: string; stop: () => void } {
  if (process.env.KAFKA_BROKERS) {
    log(`using the broker at ${process.env.KAFKA_BROKERS} (KAFKA_BROKERS)`);
    return { brokers: process.env.KAFKA_BROKERS, stop: () => undefined };
  }
  const port = process.env.KAFKA_PORT ?? '9092';
  const wasRunning = spawnSync('bash', [script, 'status'], { stdio: 'ignore' }).status === 0;
  if (!wasRunning) {
    log('starting a local Apache Kafka broker (first run downloads it from Maven Central)...');
    try {
      execFileSync('bash', [script, 'start'], { stdio: 'inherit' });
    } catch (error) {
      const status = (error as { status?: number }).status ?? 1;
      process.exit(status);
    }
  }
  return {
    brokers: `127.0.0.1:${port}`,
    stop: () => {
      if (!wasRunning) execFileSync('bash', [script, 'stop'], { stdio: 'inherit' });
    },
  };
}
