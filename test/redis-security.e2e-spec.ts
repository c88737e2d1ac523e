import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator-server.js';
import { loginEvent } from './support/events.js';
import { serviceEnvFor, uniqueTopics } from './support/kafka-io.js';
import { RedisServer } from './support/redis-server.js';
import { ServiceProcess } from './support/service-process.js';
import { makeTestCertificates } from './support/test-certificates.js';

const UPSTREAM_KEY = 'redis-security-upstream-key';
const PASSWORD = 'redis-pw-4c1f9e';

/**
 * Redis behind TLS and a password, as a bank runs it: the service stores decisions there, reads them
 * back, and never prints the password (its start-up line shows the URL redacted).
 */
describe('Redis with TLS (rediss://) and a password (real redis-server, service as a process)', () => {
  const certs = makeTestCertificates();
  const tlsRedis = new RedisServer({ password: PASSWORD, tls: certs });
  const plainRedis = new RedisServer({ password: PASSWORD });
  let simulator: RunningSimulator;

  beforeAll(async () => {
    await Promise.all([tlsRedis.start(), plainRedis.start()]);
    simulator = await startSimulator({ port: 0, apiKey: UPSTREAM_KEY });
  });

  afterAll(async () => {
    await Promise.all([tlsRedis.stop(), plainRedis.stop()]);
    await simulator?.close();
  });

  const serviceWith = (redis: Record<string, string>) =>
    new ServiceProcess(
      serviceEnvFor(
        uniqueTopics('redis-security'),
        { baseUrl: simulator.baseUrl, apiKey: UPSTREAM_KEY },
        { LOG_LEVEL: 'info', SIGNAL_CACHE: 'redis', ...redis },
      ),
    );

  async function assessAndReadBack(service: ServiceProcess): Promise<{ assessed: number; readBack: number; decisionId: string }> {
    const assessed = await fetch(`${service.httpUrl}/v1/assessments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(loginEvent('+491700000901')),
    });
    const decision = (await assessed.json()) as { decisionId: string };
    const readBack = await fetch(`${service.httpUrl}/v1/assessments/${decision.decisionId}`);
    return { assessed: assessed.status, readBack: readBack.status, decisionId: decision.decisionId };
  }

  it('stores decisions in a rediss:// Redis with the password in the URL, and prints the URL only redacted', async () => {
    const url = `rediss://:${PASSWORD}@127.0.0.1:${tlsRedis.port}`;
    const service = await serviceWith({ REDIS_URL: url, REDIS_TLS_CA_FILE: certs.caFile }).start();
    try {
      const { assessed, readBack, decisionId } = await assessAndReadBack(service);
      expect([assessed, readBack]).toEqual([200, 200]);
      // the decision really is in that Redis: read it with a client of our own, over TLS with the password
      const direct = new Redis(url, { tls: { ca: readFileSync(certs.caFile) }, lazyConnect: true });
      await direct.connect();
      const keys = await direct.keys(`*${decisionId}*`);
      await direct.quit();
      expect(keys.length).toBeGreaterThan(0);
      const output = service.output.join('');
      expect(output).toContain(`rediss://:***@127.0.0.1:${tlsRedis.port}`);
      expect(output).not.toContain(PASSWORD);
    } finally {
      await service.kill('SIGTERM');
    }
  });

  it('takes the password from REDIS_PASSWORD_FILE', async () => {
    const passwordFile = join(certs.dir, 'redis-password');
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    const service = await serviceWith({ REDIS_URL: plainRedis.url, REDIS_PASSWORD_FILE: passwordFile }).start();
    try {
      const { assessed, readBack } = await assessAndReadBack(service);
      expect([assessed, readBack]).toEqual([200, 200]);
      expect(service.output.join('')).not.toContain(PASSWORD);
    } finally {
      await service.kill('SIGTERM');
    }
  });

  it('a wrong password fails the request, and neither password is printed', async () => {
    const wrong = 'wrong-pw-77aa';
    const service = await serviceWith({
      REDIS_URL: `rediss://:${wrong}@127.0.0.1:${tlsRedis.port}`,
      REDIS_TLS_CA_FILE: certs.caFile,
    }).start();
    try {
      const { assessed } = await assessAndReadBack(service);
      expect(assessed).toBeGreaterThanOrEqual(500);
      const output = service.output.join('');
      expect(output).toContain(`rediss://:***@127.0.0.1:${tlsRedis.port}`);
      expect(output).not.toContain(wrong);
      expect(output).not.toContain(PASSWORD);
    } finally {
      await service.kill('SIGTERM');
    }
  });
});
