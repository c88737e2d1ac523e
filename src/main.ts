import 'reflect-metadata';
import { startApp } from './bootstrap.js';
import { closeOnSignals } from './common/close-on-signals.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { KafkaAccessError } from './kafka/kafka-preflight.js';

function fail(message: string, code: number): never {
  process.stderr.write(`riskwire: ${message}\n`);
  process.exit(code);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message, 2);
  throw error;
}

try {
  const app = await startApp(config);
  closeOnSignals(app, config.kafka.shutdownTimeoutMs + 5000, (message) => process.stderr.write(`riskwire: ${message}\n`));
} catch (error) {
  // a Kafka access problem is a setting or an ACL to fix: its message says which, a stack would bury it
  if (error instanceof KafkaAccessError) fail(`failed to start: ${error.message}`, 1);
  // a setting only a module can judge (a provider type this build lacks): the same exit as any bad setting
  if (error instanceof ConfigError) fail(error.message, 2);
  fail(`failed to start: ${(error as Error).stack ?? String(error)}`, 1);
}
