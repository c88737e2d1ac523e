import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from './simulator-server.js';

const API_KEY = 'test-key';
const NUMBER = '+491701234567';
const HOUR_MS = 3_600_000;

let sim: RunningSimulator;

async function call(path: string, body: unknown, headers: Record<string, string> = { apiKey: API_KEY }) {
  const res = await fetch(sim.baseUrl + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0, apiKey: API_KEY });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.registry.clear();
  sim.registry.deviceSwapDateField = 'latestDeviceChange';
});

describe('network signal endpoints', () => {
  it('answers a clean, never-configured subscriber as not swapped, no dates, no forwarding', async () => {
    expect(await call('/sim-swap/check', { phoneNumber: NUMBER })).toMatchObject({ status: 200, body: { swapped: false } });
    expect(await call('/device-swap/check', { phoneNumber: NUMBER, maxAge: 120 })).toMatchObject({
      status: 200,
      body: { swapped: false },
    });
    expect((await call('/sim-swap/retrieve-date', { phoneNumber: NUMBER })).body).toEqual({ latestSimChange: null });
    expect((await call('/device-swap/retrieve-date', { phoneNumber: NUMBER })).body).toEqual({ latestDeviceChange: null });
    expect((await call('/call-forwarding/check', { phoneNumber: NUMBER })).body).toEqual({ active: false });
  });

  it('reports a SIM swapped 2 h ago as swapped for maxAge 240 but not for maxAge 60', async () => {
    sim.registry.set(NUMBER, { simSwappedAt: new Date(Date.now() - 2 * HOUR_MS).toISOString() });
    expect((await call('/sim-swap/check', { phoneNumber: NUMBER, maxAge: 240 })).body).toEqual({ swapped: true });
    expect((await call('/sim-swap/check', { phoneNumber: NUMBER, maxAge: 60 })).body).toEqual({ swapped: false });
    // Device swaps are independent of SIM swaps.
    expect((await call('/device-swap/check', { phoneNumber: NUMBER, maxAge: 240 })).body).toEqual({ swapped: false });
  });

  it('uses the 240 minute default window when maxAge is omitted', async () => {
    sim.registry.set(NUMBER, { deviceSwappedAt: new Date(Date.now() - 3 * HOUR_MS).toISOString() });
    expect((await call('/device-swap/check', { phoneNumber: NUMBER })).body).toEqual({ swapped: true });
    sim.registry.set(NUMBER, { deviceSwappedAt: new Date(Date.now() - 5 * HOUR_MS).toISOString() });
    expect((await call('/device-swap/check', { phoneNumber: NUMBER })).body).toEqual({ swapped: false });
  });

  it('returns the stored change dates verbatim, nanoseconds included', async () => {
    sim.registry.set(NUMBER, { simSwappedAt: '2024-09-18T07:37:53.471829447Z', deviceSwappedAt: '2024-10-01T10:00:00Z' });
    expect((await call('/sim-swap/retrieve-date', { phoneNumber: NUMBER })).body).toEqual({
      latestSimChange: '2024-09-18T07:37:53.471829447Z',
    });
    expect((await call('/device-swap/retrieve-date', { phoneNumber: NUMBER })).body).toEqual({
      latestDeviceChange: '2024-10-01T10:00:00Z',
    });
  });

  it('can answer device retrieve-date in the legacy latestSimChange field, per subscriber or simulator-wide', async () => {
    const other = '+441632960961';
    sim.registry.set(NUMBER, { deviceSwappedAt: '2024-10-01T10:00:00Z', deviceSwapDateField: 'latestSimChange' });
    expect((await call('/device-swap/retrieve-date', { phoneNumber: NUMBER })).body).toEqual({
      latestSimChange: '2024-10-01T10:00:00Z',
    });
    expect((await call('/device-swap/retrieve-date', { phoneNumber: other })).body).toEqual({ latestDeviceChange: null });
    sim.registry.deviceSwapDateField = 'latestSimChange';
    expect((await call('/device-swap/retrieve-date', { phoneNumber: other })).body).toEqual({ latestSimChange: null });
  });

  it('answers call forwarding on both the original and the renamed path', async () => {
    sim.registry.set(NUMBER, { callForwardingActive: true });
    expect(await call('/call-forwarding/check', { phoneNumber: NUMBER })).toMatchObject({ status: 200, body: { active: true } });
    expect(await call('/call-forwarding/unconditional/check', { phoneNumber: NUMBER })).toMatchObject({
      status: 200,
      body: { active: true },
    });
  });

  it('answers 404 NOT_FOUND on every check for an unknown subscriber', async () => {
    sim.registry.set(NUMBER, { known: false });
    for (const path of ['/sim-swap/check', '/sim-swap/retrieve-date', '/device-swap/check', '/call-forwarding/check']) {
      expect(await call(path, { phoneNumber: NUMBER })).toMatchObject({
        status: 404,
        body: { status: 404, code: 'NOT_FOUND', message: 'The specified resource is not found.' },
      });
    }
  });
});

describe('authentication and validation errors', () => {
  const unauthenticated = {
    status: 401,
    code: 'UNAUTHENTICATED',
    message: 'Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.',
  };

  it('rejects a missing or wrong apiKey with 401 UNAUTHENTICATED', async () => {
    expect(await call('/sim-swap/check', { phoneNumber: NUMBER }, {})).toMatchObject({ status: 401, body: unauthenticated });
    expect(await call('/sim-swap/check', { phoneNumber: NUMBER }, { apiKey: 'nope' })).toMatchObject({
      status: 401,
      body: unauthenticated,
    });
  });

  it.each([
    ['a number without plus', { phoneNumber: '491701234567' }],
    ['a too short number', { phoneNumber: '+491234' }],
    ['a too long number', { phoneNumber: '+4917012345678901' }],
    ['a leading zero country code', { phoneNumber: '+0491701234567' }],
    ['a missing phoneNumber', { maxAge: 60 }],
    ['a numeric phoneNumber', { phoneNumber: 491701234567 }],
    ['a JSON array', [NUMBER]],
    ['a non-JSON body', 'phoneNumber=+491701234567'],
  ])('rejects %s with 400 INVALID_ARGUMENT', async (_case, body) => {
    expect(await call('/sim-swap/check', body)).toEqual(
      expect.objectContaining({
        status: 400,
        body: {
          status: 400,
          code: 'INVALID_ARGUMENT',
          message: 'Client specified an invalid argument, request body or query param.',
        },
      }),
    );
  });

  it('accepts the shortest and longest E.164 numbers', async () => {
    expect((await call('/call-forwarding/check', { phoneNumber: '+1234567' })).status).toBe(200);
    expect((await call('/call-forwarding/check', { phoneNumber: '+123456789012345' })).status).toBe(200);
  });

  it.each([0, 2401, 1.5, -5])('rejects maxAge %p with 400 OUT_OF_RANGE', async (maxAge) => {
    expect(await call('/device-swap/check', { phoneNumber: NUMBER, maxAge })).toMatchObject({
      status: 400,
      body: { status: 400, code: 'OUT_OF_RANGE', message: 'Client specified an invalid range.' },
    });
  });

  it('accepts maxAge at both bounds', async () => {
    expect((await call('/sim-swap/check', { phoneNumber: NUMBER, maxAge: 1 })).status).toBe(200);
    expect((await call('/sim-swap/check', { phoneNumber: NUMBER, maxAge: 2400 })).status).toBe(200);
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    expect(await call('/sim-swap/verify', { phoneNumber: NUMBER })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    const res = await fetch(`${sim.baseUrl}/sim-swap/check`, { headers: { apiKey: API_KEY } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await res.json()).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
  });
});
