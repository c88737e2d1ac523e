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
    });
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
