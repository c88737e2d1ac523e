import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Self-contained: jest loads global setup/teardown outside the module mapper, so no relative imports here.
export default async function globalTeardown(): Promise<void> {
  if (process.env.RISKWIRE_TEST_STARTED_BROKER !== '1' || process.env.RISKWIRE_KEEP_KAFKA === '1') return;
  const script = fileURLToPath(new URL('../../scripts/kafka/kafka.sh', import.meta.url));
  execFileSync('bash', [script, 'stop', '--clean'], {
    env: {
      ...process.env,
      KAFKA_PORT: process.env.RISKWIRE_TEST_KAFKA_PORT ?? '19392',
      KAFKA_CONTROLLER_PORT: process.env.RISKWIRE_TEST_KAFKA_CONTROLLER_PORT ?? '19393',
    },
    stdio: 'inherit',
  });
}
