import 'reflect-metadata';
import { startApp } from './bootstrap.js';
import { ConfigError, loadConfig } from './config/app-config.js';

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
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    // Hard bound so an orchestrator's grace period is never exceeded, whatever hangs.
    setTimeout(() => fail(`shutdown after ${signal} exceeded its bound; exiting`, 1), config.kafka.shutdownTimeoutMs + 5000).unref();
    app.close().then(
      () => process.exit(0),
      (e: unknown) => fail(`error during shutdown: ${(e as Error).message}`, 1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  fail(`failed to start: ${(error as Error).stack ?? String(error)}`, 1);
}
