import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator-server.js';
import { serviceEnvFor, uniqueTopics } from './support/kafka-io.js';
import { freePort } from './support/ports.js';
import { ServiceProcess } from './support/service-process.js';

// The built service (`node dist/src/main.js`) with RISKWIRE_ENV=production, as the image and the chart run it.

const mainJs = fileURLToPath(new URL('../dist/src/main.js', import.meta.url));

/** A TCP listener standing in for a Kafka broker: it only counts who connects. */
async function connectionCounter(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    port,
    connections: () => sockets.length,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Runs main.js with exactly this environment (nothing inherited but PATH/HOME) and waits for it to exit. */
function runToExit(env: Record<string, string>, timeoutMs = 20_000): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mainJs], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service still running after ${timeoutMs} ms (it should have refused to start):\n${stdout}${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('starting with RISKWIRE_ENV=production', () => {
  let broker: Awaited<ReturnType<typeof connectionCounter>>;
  let ports: Record<string, string>;
  beforeAll(async () => {
    broker = await connectionCounter();
    ports = { HTTP_HOST: '127.0.0.1', HTTP_PORT: String(await freePort()), GRPC_PORT: String(await freePort()) };
  });
  afterAll(async () => {
    await broker.close();
  });

  it('without API keys exits 2 naming API_KEYS, before connecting to Kafka or opening a port', async () => {
    const result = await runToExit({
      ...ports,
      RISKWIRE_ENV: 'production',
      KAFKA_BROKERS: `127.0.0.1:${broker.port}`,
      SIGNALS_API_KEY: 'a-real-upstream-key-7f3e',
      CALLBACK_SIGNING_SECRET: 'callback-signing-secret-of-32-bytes+',
      DECISION_ID_SECRET: 'decision-id-secret-of-at-least-32-bytes',
      LIST_HASH_SECRET: 'list-hash-secret-of-at-least-32-bytes',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^riskwire: Refusing to start with RISKWIRE_ENV=production: API_KEYS: no API key is configured/);
    expect(broker.connections()).toBe(0);
    await expect(fetch(`http://127.0.0.1:${ports.HTTP_PORT}/health/live`)).rejects.toThrow();
  });

  it('with nothing set lists every refusal in one message', async () => {
    const result = await runToExit({ ...ports, RISKWIRE_ENV: 'production', KAFKA_BROKERS: `127.0.0.1:${broker.port}` });
    expect(result.code).toBe(2);
    for (const variable of ['API_KEYS', 'SIGNALS_API_KEY', 'CALLBACK_SIGNING_SECRET', 'DECISION_ID_SECRET', 'LIST_HASH_SECRET'])
      expect(result.stderr).toContain(`${variable}: `);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(broker.connections()).toBe(0);
  });
});

describe('a complete production configuration', () => {
  const upstreamKey = 'prod-like-upstream-key-2c9d';
  const apiSecret = 'Q8wE3rT6yU1iO4pA7sD0fG2hJ5kL9zXc';
  let simulator: RunningSimulator;
  let service: ServiceProcess;
  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, apiKey: upstreamKey });
    service = await new ServiceProcess(
      serviceEnvFor(
        uniqueTopics('prod-start'),
        { baseUrl: simulator.baseUrl, apiKey: upstreamKey },
        {
          RISKWIRE_ENV: 'production',
          API_KEYS: `e2e:${apiSecret}:assess|read`,
          CALLBACK_SIGNING_SECRET: `whsec_${Buffer.alloc(32, 9).toString('base64')}`,
          DECISION_ID_SECRET: 'decision-id-secret-of-at-least-32-bytes',
          LIST_HASH_SECRET: 'list-hash-secret-of-at-least-32-bytes',
        },
      ),
    ).start();
  });
  afterAll(async () => {
    await service?.kill('SIGTERM');
    await simulator?.close();
  });

  it('starts, and its API answers only with a key', async () => {
    const event = {
      eventId: 'evt-prod-start',
      type: 'login',
      occurredAt: new Date().toISOString(),
      accountId: 'acc-1',
      phoneNumber: '+491701234567',
    };
    const open = await fetch(`${service.httpUrl}/v1/assessments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(open.status).toBe(401);
    const keyed = await fetch(`${service.httpUrl}/v1/assessments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiSecret}` },
      body: JSON.stringify(event),
    });
    expect(keyed.status).toBe(200);
    expect(await keyed.json()).toMatchObject({ eventId: 'evt-prod-start', outcome: expect.any(String) });
  });
});
