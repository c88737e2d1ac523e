import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { loadConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { SignalsModule } from './signals.module.js';
import { SignalsService } from './signals.service.js';
import { UpstreamStub } from '../../test/doubles/upstream-stub.js';

describe('SignalsModule', () => {
  let stub: UpstreamStub;
  let moduleRef: TestingModule;

  beforeAll(async () => {
    stub = await UpstreamStub.start();
    const config = loadConfig({
      SIGNALS_BASE_URL: stub.baseUrl,
      SIGNALS_API_KEY: 'module-test-key',
      SIGNALS_CALL_FORWARDING_PATH: '/call-forwarding/unconditional/check',
      SIGNAL_CACHE: 'memory',
    });
    moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), MetricsModule, SignalsModule] }).compile();
  });

  afterAll(async () => {
    await stub.close();
  });

  it('wires SignalsService from APP_CONFIG: base URL, apiKey, call forwarding path, cache', async () => {
    const service = moduleRef.get(SignalsService);
    const request = { simSwap: { mode: 'window' as const, maxAgeMinutes: 240 }, callForwarding: true as const };
    const first = await service.collect('+491701234567', request);
    expect(first.signals.simSwap).toMatchObject({ status: 'OK', value: { swappedWithin: { swapped: true, maxAgeMinutes: 240 } } });
    expect(first.signals.callForwarding).toMatchObject({ status: 'OK', value: { active: false } });
    expect(stub.requests.map((r) => r.path).sort()).toEqual([
      '/network-signal/v1/call-forwarding/unconditional/check',
      '/network-signal/v1/sim-swap/check',
    ]);
    expect(stub.requests.every((r) => r.headers.apikey === 'module-test-key')).toBe(true);
    const second = await service.collect('+491701234567', request);
    expect(second.upstreamCalls).toBe(0);
  });

  it('closes the connection pool on shutdown', async () => {
    const service = moduleRef.get(SignalsService);
    await moduleRef.close();
    const { signals } = await service.collect('+491709999999', { callForwarding: true });
    expect(signals.callForwarding).toMatchObject({ status: 'UNAVAILABLE', reason: 'connection_error' });
  });
});
