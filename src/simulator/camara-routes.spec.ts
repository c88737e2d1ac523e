import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from './simulator-server.js';

const PHONE = '+491701234567';
const BASIC = `Basic ${Buffer.from('riskwire:riskwire-dev-secret').toString('base64')}`;

describe('simulator CAMARA mode: token endpoint, admin and dialects', () => {
  let sim: RunningSimulator;
  let now = Date.UTC(2026, 11, 1, 2, 0, 0);

  const token = (form: Record<string, string>, authorization: string | null = BASIC) =>
    fetch(sim.camara.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization !== null ? { authorization } : {}) },
      body: new URLSearchParams(form).toString(),
    });
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sim.url}/_admin${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const ask = async (path: string, accessToken: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(sim.camara.baseUrl + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      correlator: response.headers.get('x-correlator'),
    };
  };
  const accessToken = async (scope: string) =>
    ((await (await token({ grant_type: 'client_credentials', scope })).json()) as { access_token: string }).access_token;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, now: () => now, camara: { tokenTtlS: 60 } });
  });
  beforeEach(async () => {
    await fetch(`${sim.url}/_admin/reset`, { method: 'POST' });
  });
  afterAll(() => sim.close());

  it('issues bearer tokens to the configured client (Basic or form), with the scopes asked and the TTL', async () => {
    const basic = await token({ grant_type: 'client_credentials', scope: 'sim-swap:check device-swap' });
    expect(basic.status).toBe(200);
    expect(basic.headers.get('cache-control')).toBe('no-store');
    expect(await basic.json()).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      token_type: 'Bearer',
      expires_in: 60,
      scope: 'sim-swap:check device-swap',
    });
    const post = await token({ grant_type: 'client_credentials', client_id: 'riskwire', client_secret: 'riskwire-dev-secret' }, null);
    expect(post.status).toBe(200);
  });

  it.each<[string, Record<string, string>, string | null, number, string]>([
    [
      'a wrong secret',
      { grant_type: 'client_credentials' },
      `Basic ${Buffer.from('riskwire:nope').toString('base64')}`,
      401,
      'invalid_client',
    ],
    ['no client authentication', { grant_type: 'client_credentials' }, null, 401, 'invalid_client'],
    ['another grant', { grant_type: 'password' }, BASIC, 400, 'unsupported_grant_type'],
    ['an unknown scope', { grant_type: 'client_credentials', scope: 'sim-swap:check admin' }, BASIC, 400, 'invalid_scope'],
  ])('refuses %s the RFC 6749 way', async (_name, form, authorization, status, error) => {
    const response = await token(form, authorization);
    expect([response.status, await response.json()]).toEqual([status, { error }]);
  });

  it('tokens expire after the TTL (401), and DELETE /_admin/camara/tokens revokes them all', async () => {
    const first = await accessToken('sim-swap:retrieve-date');
    expect((await ask('/sim-swap/v2/retrieve-date', first, { phoneNumber: PHONE })).status).toBe(200);
    now += 60_000;
    expect((await ask('/sim-swap/v2/retrieve-date', first, { phoneNumber: PHONE })).body.code).toBe('UNAUTHENTICATED');
    const second = await accessToken('sim-swap:retrieve-date');
    expect(await admin('DELETE', '/camara/tokens')).toEqual({ status: 200, body: { revoked: 1 } });
    expect((await ask('/sim-swap/v2/retrieve-date', second, { phoneNumber: PHONE })).status).toBe(401);
  });

  it('echoes a valid x-correlator, refuses one off the schema, and counts every path with its status', async () => {
    const t = await accessToken('call-forwarding-signal:unconditional-call-forwardings:read');
    const path = '/call-forwarding-signal/v0.4/unconditional-call-forwardings';
    expect((await ask(path, t, { phoneNumber: PHONE }, { 'x-correlator': 'abc:123' })).correlator).toBe('abc:123');
    const bad = await ask(path, t, { phoneNumber: PHONE }, { 'x-correlator': 'has space' });
    expect([bad.status, bad.body.code, bad.correlator]).toEqual([400, 'INVALID_ARGUMENT', null]);
    expect((await admin('GET', '/stats')).body).toEqual({
      total: 3,
      byEndpoint: { '/camara/oauth2/token': { '200': 1 }, [`/camara${path}`]: { '200': 1, '400': 1 } },
    });
  });

  it('one subscriber, two units: a swap 30 hours ago is within 31 hours on CAMARA and within 1860 minutes on tyntec', async () => {
    sim.registry.set(PHONE, { simSwappedAt: new Date(now - 30 * 3_600_000).toISOString() });
    const t = await accessToken('sim-swap');
    expect((await ask('/sim-swap/v2/check', t, { phoneNumber: PHONE, maxAge: 31 })).body).toEqual({ swapped: true });
    expect((await ask('/sim-swap/v2/check', t, { phoneNumber: PHONE, maxAge: 29 })).body).toEqual({ swapped: false });
    const tyntec = async (maxAge: number) =>
      (
        await fetch(`${sim.baseUrl}/sim-swap/check`, {
          method: 'POST',
          headers: { apiKey: 'riskwire-dev-key' },
          body: JSON.stringify({ phoneNumber: PHONE, maxAge }),
        })
      ).json();
    expect([await tyntec(1860), await tyntec(1740)]).toEqual([{ swapped: true }, { swapped: false }]);
  });

  it('faults are per dialect: {"camara": …} and {"tyntec": …}, and a body without a dialect still means tyntec', async () => {
    expect(await admin('PUT', '/faults', { camara: { errorRate: 1, errorStatus: 503 } })).toEqual({
      status: 200,
      body: { tyntec: {}, camara: { errorRate: 1, errorStatus: 503 } },
    });
    expect(sim.faults.config).toEqual({});
    expect((await admin('PUT', '/faults', { simSwap: { errorRate: 1 } })).body).toEqual({ simSwap: { errorRate: 1 } });
    expect(sim.camara.faults.config).toEqual({ errorRate: 1, errorStatus: 503 });
    expect((await admin('GET', '/faults/camara')).body).toEqual({ errorRate: 1, errorStatus: 503 });
    expect((await admin('PUT', '/faults', { camara: {}, simSwap: {} })).status).toBe(400);
    expect((await admin('PUT', '/faults', { camara: { errorRate: 2 } })).body.message).toBe('camara: errorRate must be a number in 0..1');
    expect((await admin('PUT', '/faults', { tyntec: { errorCode: 'lower' } })).body.message).toBe(
      'tyntec: errorCode must be an UPPER_SNAKE error code',
    );
    await admin('DELETE', '/faults');
    expect([sim.faults.config, sim.camara.faults.config]).toEqual([{}, {}]);
  });

  it('operator settings: maxAge cap and token endpoint outage, validated, lifted by null and by reset', async () => {
    expect(await admin('PUT', '/camara', { maxAgeCapHours: 720, tokenErrorStatus: 503 })).toEqual({
      status: 200,
      body: { maxAgeCapHours: 720, tokenErrorStatus: 503, tokenTtlS: 60, liveTokens: expect.any(Number) },
    });
    expect((await token({ grant_type: 'client_credentials' })).status).toBe(503);
    expect((await admin('PUT', '/camara', { tokenErrorStatus: null })).body.tokenErrorStatus).toBeNull();
    expect((await admin('PUT', '/camara', { maxAgeCapHours: 0 })).body.message).toBe(
      'maxAgeCapHours must be an integer in 1..2400 or null',
    );
    expect((await admin('PUT', '/camara', { cap: 1 })).body.message).toBe('unknown field "cap"');
    expect(sim.camara.settings).toEqual({ maxAgeCapHours: 720 });
    await fetch(`${sim.url}/_admin/reset`, { method: 'POST' });
    expect(sim.camara.settings).toEqual({});
  });

  it('per-number toggles are validated; monitoredPeriodDays null lifts the limit', async () => {
    expect(
      (await admin('PUT', `/subscribers/${encodeURIComponent(PHONE)}`, { monitoredPeriodDays: 30, serviceNotApplicable: true })).body,
    ).toMatchObject({
      monitoredPeriodDays: 30,
      serviceNotApplicable: true,
    });
    expect((await admin('PUT', `/subscribers/${encodeURIComponent(PHONE)}`, { monitoredPeriodDays: -1 })).body.message).toBe(
      'monitoredPeriodDays must be an integer in 0..3650 or null',
    );
    expect((await admin('PUT', `/subscribers/${encodeURIComponent(PHONE)}`, { notImplemented: 'yes' })).body.message).toBe(
      'notImplemented must be a boolean',
    );
    const lifted = (await admin('PUT', `/subscribers/${encodeURIComponent(PHONE)}`, { monitoredPeriodDays: null })).body;
    expect(lifted).not.toHaveProperty('monitoredPeriodDays');
    expect(lifted.serviceNotApplicable).toBe(true);
  });
});
