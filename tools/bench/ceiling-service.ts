/**
 * The benchmark's ceiling: riskwire's real consume -> score -> publish path with the Network Signals
 * API answered instantly in-process, so what remains is the cost of Kafka, validation, scoring and
 * publishing. Configured by the same environment variables as the service (src/config).
 */
import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { AppModule } from '../../src/app.module.js';
import { ConfigError, loadConfig } from '../../src/config/app-config.js';
import type { SignalProvider, UpstreamResult } from '../../src/signals/providers/signal-provider.js';
import { SignalRouter } from '../../src/signals/signal-router.js';
import { SIGNAL_ROUTER } from '../../src/signals/signals.tokens.js';
import { closeOnSignals } from '../../src/common/close-on-signals.js';

/** Every number is a clean, known subscriber, answered without any I/O. */
export const instantNetworkSignals: SignalProvider = {
  id: 'instant',
  simSwapCheck: async (_phone, maxAge): Promise<UpstreamResult<'simSwap'>> => ({
    status: 'OK',
    value: { swappedWithin: { swapped: false, maxAgeMinutes: Number(maxAge) } },
  }),
  simSwapDate: async (): Promise<UpstreamResult<'simSwap'>> => ({ status: 'OK', value: { latestChange: null } }),
  deviceSwapCheck: async (_phone, maxAge): Promise<UpstreamResult<'deviceSwap'>> => ({
    status: 'OK',
    value: { swappedWithin: { swapped: false, maxAgeMinutes: Number(maxAge) } },
  }),
  deviceSwapDate: async (): Promise<UpstreamResult<'deviceSwap'>> => ({ status: 'OK', value: { latestChange: null } }),
  callForwarding: async (): Promise<UpstreamResult<'callForwarding'>> => ({ status: 'OK', value: { active: false } }),
  close: async () => undefined,
};

async function main(): Promise<void> {
  const config = loadConfig();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(SIGNAL_ROUTER)
    .useValue(SignalRouter.single(instantNetworkSignals))
    .compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  await app.listen(config.api.httpPort, config.api.host);
  closeOnSignals(app, config.kafka.shutdownTimeoutMs + 5000, (message) => process.stderr.write(`ceiling-service: ${message}\n`));
}

main().catch((error: unknown) => {
  process.stderr.write(`ceiling-service: ${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
