import { loadSimulatorEnvironment } from './simulator-environment.js';
import { startSimulator } from './simulator-server.js';

async function main(): Promise<void> {
  const env = loadSimulatorEnvironment(process.env);
  const latency = env.latencyMs.max === 0 ? {} : { latencyMs: env.latencyMs };
  const simulator = await startSimulator({
    host: env.host,
    port: env.port,
    apiKey: env.apiKey,
    faults: latency,
    deviceSwapDateField: env.deviceSwapDateField,
    camara: env.camara,
  });
  const latencyText = env.latencyMs.min === env.latencyMs.max ? `${env.latencyMs.min}` : `${env.latencyMs.min}-${env.latencyMs.max}`;
  console.log(`network-signals simulator listening on ${simulator.baseUrl} (latency ${latencyText} ms, admin at ${simulator.url}/_admin)`);
  console.log(
    `CAMARA dialect at ${simulator.camara.baseUrl} (token endpoint ${simulator.camara.tokenUrl}, tokens live ${env.camara.tokenTtlS} s)`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    simulator.close().then(
      () => {
        console.log(`network-signals simulator stopped (${signal})`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error('network-signals simulator failed to stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
