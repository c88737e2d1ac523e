import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/kafka/kafka.sh', import.meta.url));

/**
 * Env for the project's broker script: a port of its own so tests never disturb a demo broker on 9092,
 * and below the kernel's ephemeral range (32768+), where the many client sockets of a test run could
 * already hold it.
 */
export function testBrokerEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KAFKA_PORT: process.env.RISKWIRE_TEST_KAFKA_PORT ?? '19392',
    KAFKA_CONTROLLER_PORT: process.env.RISKWIRE_TEST_KAFKA_CONTROLLER_PORT ?? '19393',
  };
}

export function runBrokerScript(args: string[], env: NodeJS.ProcessEnv = testBrokerEnv()): void {
  execFileSync('bash', [script, ...args], { env, stdio: 'inherit' });
}

/** Starts a real broker with the project's script unless KAFKA_BROKERS points at one already. */
export default async function globalSetup(): Promise<void> {
  if (process.env.KAFKA_BROKERS) {
    process.env.RISKWIRE_TEST_BROKERS = process.env.KAFKA_BROKERS;
    return;
  }
  const env = testBrokerEnv();
  runBrokerScript(['start'], env);
  process.env.RISKWIRE_TEST_BROKERS = `127.0.0.1:${env.KAFKA_PORT}`;
  process.env.RISKWIRE_TEST_STARTED_BROKER = '1';
}
