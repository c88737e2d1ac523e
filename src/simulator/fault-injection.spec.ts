import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_SIMULATOR_API_KEY, startSimulator, type RunningSimulator } from './simulator-server.js';

const NUMBER = '+491701234567';
let sim: RunningSimulator;

async function check(path: string, init: { signal?: AbortSignal } = {}) {
  const res = await fetch(sim.baseUrl + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', apiKey: DEFAULT_SIMULATOR_API_KEY },
    body: JSON.stringify({ phoneNumber: NUMBER }),
    ...init,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function putFaults(faults: unknown) {
  return fetch(`${sim.url}/_admin/faults`, { method: 'PUT', body: JSON.stringify(faults) });
}

beforeEach(async () => {
  sim = await startSimulator({ port: 0 });
});
afterEach(() => sim.close());

describe('fault injection over HTTP', () => {
  it('errorRate 1 with errorStatus 503 answers 503 SERVICE_UNAVAILABLE', async () => {
    expect((await putFaults({ errorRate: 1, errorStatus: 503 })).status).toBe(200);
    expect(await check('/sim-swap/check')).toMatchObject({
      status: 503,
      body: { status: 503, code: 'SERVICE_UNAVAILABLE', message: 'Service Unavailable.' },
    });
  });

  it('defaults injected errors to 500 INTERNAL_SERVER_ERROR with the reference message', async () => {
    await putFaults({ errorRate: 1 });
    expect(await check('/call-forwarding/check')).toMatchObject({
      status: 500,
      body: { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Request could not be processed' },
    });
  });

  it('injected 429 carries Retry-After: 1 and 403 answers PERMISSION_DENIED', async () => {
    await putFaults({ simSwap: { errorRate: 1, errorStatus: 429 }, deviceSwap: { errorRate: 1, errorStatus: 403 } });
    const throttled = await check('/sim-swap/retrieve-date');
    expect(throttled).toMatchObject({ status: 429, body: { code: 'TOO_MANY_REQUESTS' } });
    expect(throttled.headers.get('retry-after')).toBe('1');
    expect(await check('/device-swap/check')).toMatchObject({ status: 403, body: { code: 'PERMISSION_DENIED' } });
  });

  it('per-signal faults affect only that signal and override the global ones', async () => {
    await putFaults({ deviceSwap: { errorRate: 1, errorStatus: 502 } });
    expect((await check('/device-swap/check')).status).toBe(502);
    expect((await check('/device-swap/retrieve-date')).status).toBe(502);
    expect((await check('/sim-swap/check')).status).toBe(200);
    expect((await check('/call-forwarding/unconditional/check')).status).toBe(200);

    await putFaults({ errorRate: 1, callForwarding: { errorRate: 0 } });
    expect((await check('/sim-swap/check')).status).toBe(500);
    expect((await check('/call-forwarding/check')).status).toBe(200);
  });

  it('does not mask authentication and validation errors with injected faults', async () => {
    await putFaults({ errorRate: 1, errorStatus: 503 });
    const res = await fetch(`${sim.baseUrl}/sim-swap/check`, {
      method: 'POST',
      body: JSON.stringify({ phoneNumber: NUMBER }),
    });
    expect(res.status).toBe(401);
  });

  it('delays answers by the injected latency', async () => {
    const fastStart = performance.now();
    await check('/sim-swap/check');
    const fastMs = performance.now() - fastStart;

    await putFaults({ latencyMs: { min: 150, max: 200 } });
    const start = performance.now();
    const res = await check('/sim-swap/check');
    const elapsed = performance.now() - start;
    expect(res.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(145);
    // Generous upper bound: the shared CI box can be busy; it only guards against a runaway delay.
    expect(elapsed).toBeLessThan(200 + fastMs + 800);
  });

  it('applies per-signal latency only to that signal', async () => {
    await putFaults({ callForwarding: { latencyMs: 400 } });
    let start = performance.now();
    await check('/sim-swap/check');
    expect(performance.now() - start).toBeLessThan(350);
    start = performance.now();
    await check('/call-forwarding/check');
    expect(performance.now() - start).toBeGreaterThanOrEqual(395);
  });

  it('timeoutRate 1 holds requests until the client gives up, and close() still returns promptly', async () => {
    await putFaults({ timeoutRate: 1 });
    const start = performance.now();
    await expect(check('/sim-swap/check', { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - start).toBeLessThan(1000);

    // A second held request still open while the simulator closes.
    const pending = check('/device-swap/check').catch((error: unknown) => error);
    await waitFor(() => sim.held.count === 1);
    const closeStart = performance.now();
    await sim.close();
    expect(performance.now() - closeStart).toBeLessThan(1000);
    // fetch errors come from another realm than jest's, so match on shape rather than instanceof.
    expect(await pending).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    expect(sim.stats.snapshot().byEndpoint['/sim-swap/check']).toEqual({ timeout: 1 });
  });

  it('answers a late 504 after the hold time to clients that never give up', async () => {
    await sim.close();
    sim = await startSimulator({ port: 0, timeoutHoldMs: 100 });
    sim.faults.configure({ timeoutRate: 1 });
    expect(await check('/sim-swap/check')).toMatchObject({ status: 504, body: { code: 'GATEWAY_TIMEOUT' } });
    expect(sim.held.count).toBe(0);
  });

  it('starts with the configured default faults and returns to them on reset', async () => {
    await sim.close();
    sim = await startSimulator({ port: 0, faults: { latencyMs: { min: 5, max: 5 } } });
    await putFaults({ errorRate: 1 });
    expect(await (await fetch(`${sim.url}/_admin/faults`)).json()).toEqual({ errorRate: 1 });
    await fetch(`${sim.url}/_admin/reset`, { method: 'POST' });
    expect(await (await fetch(`${sim.url}/_admin/faults`)).json()).toEqual({ latencyMs: { min: 5, max: 5 } });
  });

  it.each([
    [{ errorRate: 1.5 }, 'errorRate'],
    [{ errorStatus: 200 }, 'errorStatus'],
    [{ latencyMs: { min: 50, max: 10 } }, 'latencyMs'],
    [{ simSwap: { timeoutRate: -1 } }, 'simSwap.timeoutRate'],
    [{ errorRat: 1 }, 'errorRat'],
    [{ smsSwap: { errorRate: 1 } }, 'smsSwap'],
  ])('refuses fault config %j with a 400 naming %s', async (faults, field) => {
    const res = await putFaults(faults);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(field);
    expect(sim.faults.config).toEqual({});
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
