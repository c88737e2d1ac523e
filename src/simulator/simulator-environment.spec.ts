import { describe, expect, it } from '@jest/globals';
import { loadSimulatorEnvironment, SimulatorEnvironmentError } from './simulator-environment.js';

describe('loadSimulatorEnvironment', () => {
  it('defaults to 127.0.0.1:8090, the service default key and no latency', () => {
    expect(loadSimulatorEnvironment({})).toEqual({
      host: '127.0.0.1',
      port: 8090,
      apiKey: 'riskwire-dev-key',
      latencyMs: { min: 0, max: 0 },
      deviceSwapDateField: 'latestDeviceChange',
      camara: { clientId: 'riskwire', clientSecret: 'riskwire-dev-secret', tokenTtlS: 3600 },
    });
  });

  it('reads the CAMARA client and token lifetime, naming a wrong one without echoing the secret', () => {
    expect(
      loadSimulatorEnvironment({
        SIMULATOR_CAMARA_CLIENT_ID: 'bank',
        SIMULATOR_CAMARA_CLIENT_SECRET: 's3',
        SIMULATOR_CAMARA_TOKEN_TTL_S: '2',
      }).camara,
    ).toEqual({ clientId: 'bank', clientSecret: 's3', tokenTtlS: 2 });
    expect(() => loadSimulatorEnvironment({ SIMULATOR_CAMARA_TOKEN_TTL_S: '0', SIMULATOR_CAMARA_CLIENT_SECRET: ' ' })).toThrow(
      /SIMULATOR_CAMARA_CLIENT_SECRET must not be empty; SIMULATOR_CAMARA_TOKEN_TTL_S must be an integer in 1..86400, got "0"/,
    );
  });

  it('reads a fixed latency or a range', () => {
    expect(loadSimulatorEnvironment({ SIMULATOR_LATENCY_MS: '50' }).latencyMs).toEqual({ min: 50, max: 50 });
    expect(loadSimulatorEnvironment({ SIMULATOR_LATENCY_MS: '30-70' }).latencyMs).toEqual({ min: 30, max: 70 });
  });

  it('names every invalid variable and never echoes the key', () => {
    let error: unknown;
    try {
      loadSimulatorEnvironment({ SIMULATOR_PORT: '80a', SIMULATOR_LATENCY_MS: '70-30', SIMULATOR_API_KEY: ' ' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SimulatorEnvironmentError);
    const message = (error as Error).message;
    expect(message).toContain('SIMULATOR_PORT');
    expect(message).toContain('SIMULATOR_LATENCY_MS');
    expect(message).toContain('SIMULATOR_API_KEY');
    expect((error as SimulatorEnvironmentError).problems).toHaveLength(3);
  });

  it('refuses a port beyond 65535', () => {
    expect(() => loadSimulatorEnvironment({ SIMULATOR_PORT: '70000' })).toThrow('SIMULATOR_PORT');
  });
});
