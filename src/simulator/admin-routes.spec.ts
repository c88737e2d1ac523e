import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_SIMULATOR_API_KEY, startSimulator, type RunningSimulator } from './simulator-server.js';

const NUMBER = '+491701234567';
let sim: RunningSimulator;

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(sim.url + path, {
    method,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- admin JSON bodies of many shapes, asserted field by field
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

async function signal(path: string, phoneNumber = NUMBER) {
  const res = await fetch(sim.baseUrl + path, {
    method: 'POST',
    headers: { apiKey: DEFAULT_SIMULATOR_API_KEY },
    body: JSON.stringify({ phoneNumber }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
});
afterAll(() => sim.close());
beforeEach(async () => {
  await admin('POST', '/_admin/reset');
});

describe('admin subscribers', () => {
  it('accepts the number percent-encoded (%2B) and with a literal plus', async () => {
    expect(await admin('PUT', '/_admin/subscribers/%2B491701234567', { callForwardingActive: true })).toMatchObject({
      status: 200,
      body: { phoneNumber: NUMBER, callForwardingActive: true, known: true },
    });
    expect((await admin('GET', '/_admin/subscribers/+491701234567')).body).toMatchObject({ callForwardingActive: true });
    expect((await signal('/call-forwarding/check')).body).toEqual({ active: true });
  });

  it('merges updates into the existing state', async () => {
    await admin('PUT', `/_admin/subscribers/${encodeURIComponent(NUMBER)}`, { simSwappedAt: '2024-09-18T07:37:53Z' });
    await admin('PUT', `/_admin/subscribers/${encodeURIComponent(NUMBER)}`, { callForwardingActive: true });
    expect((await admin('GET', `/_admin/subscribers/${encodeURIComponent(NUMBER)}`)).body).toEqual({
      phoneNumber: NUMBER,
      known: true,
      simSwappedAt: '2024-09-18T07:37:53Z',
      deviceSwappedAt: null,
      callForwardingActive: true,
    });
  });

  it('DELETE makes a subscriber clean and known again', async () => {
    await admin('PUT', `/_admin/subscribers/${NUMBER}`, { known: false });
    expect((await signal('/sim-swap/check')).status).toBe(404);
    expect((await admin('DELETE', `/_admin/subscribers/${NUMBER}`)).status).toBe(204);
    expect(await signal('/sim-swap/check')).toEqual({ status: 200, body: { swapped: false } });
  });

  it.each([
    [{ simSwappedAt: 'yesterday' }, 'simSwappedAt'],
    [{ simSwappedAt: '2024-02-30T00:00:00Z' }, 'simSwappedAt'],
    [{ deviceSwappedAt: 12345 }, 'deviceSwappedAt'],
    [{ known: 'no' }, 'known'],
    [{ callForwarding: true }, 'callForwarding'],
    [{ deviceSwapDateField: 'latestChange' }, 'deviceSwapDateField'],
    ['{not json', 'JSON'],
  ])('refuses subscriber %j with a 400 naming %s and changes nothing', async (body, field) => {
    const res = await admin('PUT', `/_admin/subscribers/${NUMBER}`, body);
    expect(res.status).toBe(400);
    expect(res.body?.message).toContain(field);
    expect(sim.registry.size).toBe(0);
  });

  it('refuses a path number that is not E.164', async () => {
    expect((await admin('PUT', '/_admin/subscribers/0170123', { known: false })).status).toBe(400);
    expect((await admin('GET', '/_admin/subscribers/%E0%A4%A')).status).toBe(400);
  });

  it('sets many subscribers in one bulk PUT, all or nothing', async () => {
    const other = '+447700900123';
    const bad = await admin('PUT', '/_admin/subscribers', {
      subscribers: { [NUMBER]: { known: false }, [other]: { simSwappedAt: 'soon' } },
    });
    expect(bad.status).toBe(400);
    expect(sim.registry.size).toBe(0);

    const ok = await admin('PUT', '/_admin/subscribers', {
      subscribers: { [NUMBER]: { known: false }, [other]: { callForwardingActive: true } },
    });
    expect(ok).toEqual({ status: 200, body: { updated: 2 } });
    expect((await signal('/sim-swap/check')).status).toBe(404);
    expect((await signal('/call-forwarding/check', other)).body).toEqual({ active: true });
    expect(Object.keys((await admin('GET', '/_admin/subscribers')).body?.subscribers ?? {})).toEqual([NUMBER, other]);
  });

  it('switches the simulator-wide device retrieve-date field', async () => {
    expect((await admin('PUT', '/_admin/settings', { deviceSwapDateField: 'latestSimChange' })).status).toBe(200);
    expect((await signal('/device-swap/retrieve-date')).body).toEqual({ latestSimChange: null });
    expect((await admin('PUT', '/_admin/settings', { deviceSwapDateField: 'nope' })).status).toBe(400);
    sim.registry.deviceSwapDateField = 'latestDeviceChange';
  });
});

describe('admin stats and reset', () => {
  it('counts requests per endpoint and status, not admin calls', async () => {
    await admin('PUT', `/_admin/subscribers/${NUMBER}`, { known: false });
    await signal('/sim-swap/check');
    await signal('/sim-swap/check', '+447700900123');
    await signal('/sim-swap/check', '+447700900124');
    await signal('/call-forwarding/unconditional/check', '+447700900123');
    await signal('/sim-swap/check', 'not-a-number');
    await fetch(`${sim.url}/nowhere`);
    expect((await admin('GET', '/_admin/stats')).body).toEqual({
      total: 6,
      byEndpoint: {
        '/sim-swap/check': { '200': 2, '404': 1, '400': 1 },
        '/call-forwarding/unconditional/check': { '200': 1 },
        unmatched: { '404': 1 },
      },
    });
  });

  it('reset clears subscribers, faults and stats', async () => {
    await admin('PUT', `/_admin/subscribers/${NUMBER}`, { callForwardingActive: true });
    await admin('PUT', '/_admin/faults', { simSwap: { errorRate: 1 } });
    await signal('/sim-swap/check');
    expect((await signal('/call-forwarding/check')).body).toEqual({ active: true });

    expect((await admin('POST', '/_admin/reset')).status).toBe(204);

    expect((await admin('GET', '/_admin/stats')).body).toEqual({ total: 0, byEndpoint: {} });
    expect((await admin('GET', '/_admin/faults')).body).toEqual({});
    expect((await admin('GET', '/_admin/subscribers')).body).toEqual({ subscribers: {} });
    expect(await signal('/sim-swap/check')).toEqual({ status: 200, body: { swapped: false } });
    expect((await signal('/call-forwarding/check')).body).toEqual({ active: false });
  });

  it('answers unknown admin paths with 404 and wrong methods with 405', async () => {
    expect((await admin('GET', '/_admin/nothing')).status).toBe(404);
    expect((await admin('GET', '/_admin/reset')).status).toBe(405);
    expect((await admin('GET', '/_admin/health')).body).toEqual({ status: 'ok' });
  });
});
