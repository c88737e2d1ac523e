import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '../../../simulator/simulator-server.js';
import { UpstreamStub, type StubReply } from '../../../../test/doubles/upstream-stub.js';
import { minutes } from '../../minutes.js';
import { createCamaraProvider, type CamaraProvider, type CamaraProviderMetrics, type CamaraProviderSettings } from './camara-provider.js';

const PHONE = '+491701234567';
const HOUR_MS = 3_600_000;
const TOKEN_PATH = '/camara/oauth2/token';

interface Recorded {
  problems: string[];
  tokens: string[];
  debug: string[];
  warn: string[];
}

function recorder(): Recorded & { metrics: CamaraProviderMetrics; logger: { debug: (m: string) => void; warn: (m: string) => void } } {
  const r: Recorded = { problems: [], tokens: [], debug: [], warn: [] };
  return {
    ...r,
    metrics: {
      problem: (provider, operation, problem) => r.problems.push(`${provider}/${operation}/${problem}`),
      tokenRequest: (provider, outcome) => r.tokens.push(`${provider}/${outcome}`),
    },
    logger: { debug: (m: string) => r.debug.push(m), warn: (m: string) => r.warn.push(m) },
    get problems() {
      return r.problems;
    },
    get tokens() {
      return r.tokens;
    },
    get debug() {
      return r.debug;
    },
    get warn() {
      return r.warn;
    },
  };
}

describe('CamaraProvider against the simulator (CAMARA mode, 127.0.0.1)', () => {
  let sim: RunningSimulator;
  let provider: CamaraProvider;
  let seen: ReturnType<typeof recorder>;
  const tokenRequests = () => Object.values(sim.stats.snapshot().byEndpoint[TOKEN_PATH] ?? {}).reduce((a, b) => a + b, 0);

  const settings = (): CamaraProviderSettings => ({
    baseUrl: sim.camara.baseUrl,
    tokenUrl: sim.camara.tokenUrl,
    clientId: 'riskwire',
    clientSecret: 'riskwire-dev-secret',
    maxConnections: 8,
    timeoutMs: 2000,
  });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  beforeEach(() => {
    seen = recorder();
    provider = createCamaraProvider('camara-de', settings(), { metrics: seen.metrics, logger: seen.logger });
  });
  afterEach(async () => {
    await provider.close();
    await fetch(`${sim.url}/_admin/reset`, { method: 'POST' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('answers all five questions from the same subscriber data the tyntec paths use, windows in hours', async () => {
    const simAt = new Date(Date.now() - 30 * HOUR_MS).toISOString();
    sim.registry.set(PHONE, { simSwappedAt: simAt, deviceSwappedAt: null, callForwardingActive: true });
    expect(await provider.simSwapDate(PHONE)).toEqual({ status: 'OK', value: { latestChange: simAt } });
    // 24 h asked: 30 h ago is outside; 31 h (1860 min) asked: inside
    expect(await provider.simSwapCheck(PHONE, minutes(1440))).toEqual({
      status: 'OK',
      value: { swappedWithin: { swapped: false, maxAgeMinutes: 1440 } },
    });
    expect(await provider.simSwapCheck(PHONE, minutes(1850))).toEqual({
      status: 'OK',
      value: { swappedWithin: { swapped: true, maxAgeMinutes: 1860 } },
    });
    expect(await provider.deviceSwapDate(PHONE)).toEqual({ status: 'OK', value: { latestChange: null } });
    expect(await provider.deviceSwapCheck(PHONE, minutes(60))).toEqual({
      status: 'OK',
      value: { swappedWithin: { swapped: false, maxAgeMinutes: 60 } },
    });
    expect(await provider.callForwarding(PHONE)).toEqual({ status: 'OK', value: { active: true } });
    // one token per scope (five operations, five scopes)
    expect(tokenRequests()).toBe(5);
    expect(seen.tokens).toEqual(Array(5).fill('camara-de/ok'));
  });

  it('a null date with monitoredPeriod becomes monitoredPeriodDays; a swap inside the period is shown', async () => {
    sim.registry.set(PHONE, { simSwappedAt: new Date(Date.now() - 10 * 24 * HOUR_MS).toISOString(), monitoredPeriodDays: 7 });
    expect(await provider.simSwapDate(PHONE)).toEqual({ status: 'OK', value: { latestChange: null, monitoredPeriodDays: 7 } });
    expect(await provider.deviceSwapDate(PHONE)).toEqual({ status: 'OK', value: { latestChange: null, monitoredPeriodDays: 7 } });
    sim.registry.set(PHONE, { monitoredPeriodDays: 30 });
    expect(((await provider.simSwapDate(PHONE)) as { value: { latestChange: string } }).value.latestChange).toMatch(/^\d{4}-/);
  });

  it('SERVICE_NOT_APPLICABLE is NOT_APPLICABLE; IDENTIFIER_NOT_FOUND is NOT_FOUND; 501 is not_implemented and counted', async () => {
    sim.registry.set(PHONE, { serviceNotApplicable: true });
    expect(await provider.callForwarding(PHONE)).toEqual({ status: 'NOT_APPLICABLE' });
    sim.registry.set(PHONE, { serviceNotApplicable: false, known: false });
    expect(await provider.simSwapDate(PHONE)).toEqual({ status: 'NOT_FOUND' });
    sim.registry.set(PHONE, { known: true, notImplemented: true });
    expect(await provider.deviceSwapDate(PHONE)).toMatchObject({
      status: 'UNAVAILABLE',
      reason: 'not_implemented',
      detail: '501 NOT_IMPLEMENTED: This functionality is not implemented yet.',
    });
    expect(seen.problems).toEqual(['camara-de/device-swap-retrieve-date/not_implemented']);
  });

  it('a token that stops working mid-stream (401) is renewed once and the question asked once more: no failed answer', async () => {
    expect((await provider.simSwapDate(PHONE)).status).toBe('OK');
    await fetch(`${sim.url}/_admin/camara/tokens`, { method: 'DELETE' });
    const answers = await Promise.all(Array.from({ length: 40 }, () => provider.simSwapDate(PHONE)));
    expect(answers.every((a) => a.status === 'OK')).toBe(true);
    // 40 concurrent 401s, one renewal
    expect(tokenRequests()).toBe(2);
    expect(sim.stats.snapshot().byEndpoint['/camara/sim-swap/v2/retrieve-date']).toEqual({ '200': 41, '401': 40 });
  });

  it('tokens the simulator expires after SIMULATOR_CAMARA_TOKEN_TTL_S are renewed before use', async () => {
    const shortLived = await startSimulator({ port: 0, camara: { tokenTtlS: 1 } });
    const client = createCamaraProvider(
      'short',
      { ...settings(), baseUrl: shortLived.camara.baseUrl, tokenUrl: shortLived.camara.tokenUrl },
      { logger: seen.logger },
    );
    try {
      for (let i = 0; i < 4; i++) {
        expect((await client.callForwarding(PHONE)).status).toBe('OK');
        await new Promise((r) => setTimeout(r, 400));
      }
      const byPath = shortLived.stats.snapshot().byEndpoint;
      expect(byPath['/camara/call-forwarding-signal/v0.4/unconditional-call-forwardings']).toEqual({ '200': 4 });
      expect(byPath[TOKEN_PATH]!['200']).toBeGreaterThanOrEqual(2);
    } finally {
      await client.close();
      await shortLived.close();
    }
  });

  it('a token endpoint outage makes the signal UNAVAILABLE auth_failed, counted, with a clear reason', async () => {
    await fetch(`${sim.url}/_admin/camara`, { method: 'PUT', body: JSON.stringify({ tokenErrorStatus: 503 }) });
    expect(await provider.callForwarding(PHONE)).toEqual({
      status: 'UNAVAILABLE',
      reason: 'auth_failed',
      detail: 'token endpoint answered 503 temporarily_unavailable',
    });
    expect(seen.problems).toEqual(['camara-de/call-forwarding/auth_failed']);
    expect(seen.tokens).toEqual(['camara-de/failed']);
    expect(seen.warn.join('\n')).toMatch(/camara-de call-forwarding x-correlator=[0-9a-f-]{36} http=auth_failed → UNAVAILABLE auth_failed/);
  });

  it('wrong client credentials are auth_failed too', async () => {
    const wrong = createCamaraProvider(
      'camara-de',
      { ...settings(), clientSecret: 'not-it' },
      { metrics: seen.metrics, logger: seen.logger },
    );
    const result = await wrong.simSwapDate(PHONE);
    await wrong.close();
    expect(result).toEqual({ status: 'UNAVAILABLE', reason: 'auth_failed', detail: 'token endpoint answered 401 invalid_client' });
    expect(JSON.stringify(seen)).not.toContain('not-it');
  });

  it('OUT_OF_RANGE above the operator cap: retried once within the cap, the cap remembered per operation', async () => {
    await fetch(`${sim.url}/_admin/camara`, { method: 'PUT', body: JSON.stringify({ maxAgeCapHours: 12 }) });
    sim.registry.set(PHONE, { deviceSwappedAt: new Date(Date.now() - 3 * HOUR_MS).toISOString() });
    expect(await provider.deviceSwapCheck(PHONE, minutes(1440))).toEqual({
      status: 'OK',
      value: { swappedWithin: { swapped: true, maxAgeMinutes: 720 } },
    });
    expect(provider.maxAgeCap('device-swap-check')).toBe(12);
    expect(await provider.deviceSwapCheck(PHONE, minutes(1440))).toEqual({
      status: 'OK',
      value: { swappedWithin: { swapped: true, maxAgeMinutes: 720 } },
    });
    // a window within the cap is asked as it is
    expect(await provider.deviceSwapCheck(PHONE, minutes(120))).toEqual({
      status: 'OK',
      value: { swappedWithin: { swapped: false, maxAgeMinutes: 120 } },
    });
    expect(sim.stats.snapshot().byEndpoint['/camara/device-swap/v1/check']).toEqual({ '400': 1, '200': 3 });
    // the other operation has learnt nothing
    expect(provider.maxAgeCap('sim-swap-check')).toBeUndefined();
    expect(seen.warn.join('\n')).toContain('device-swap-check: operator caps maxAge at 12 hours');
  });

  it('429 TOO_MANY_REQUESTS and QUOTA_EXCEEDED carry Retry-After to the retry policy', async () => {
    sim.camara.faults.configure({ errorRate: 1, errorStatus: 429, errorCode: 'QUOTA_EXCEEDED' });
    expect(await provider.simSwapDate(PHONE)).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_429', retryAfterMs: 1000 });
    sim.camara.faults.configure({ errorRate: 1, errorStatus: 429 });
    expect(await provider.simSwapDate(PHONE)).toMatchObject({
      status: 'UNAVAILABLE',
      reason: 'http_429',
      detail: expect.stringContaining('TOO_MANY_REQUESTS'),
    });
    // faults are per dialect: the tyntec paths are untouched
    expect(sim.faults.config).toEqual({});
  });

  it('logs each answer with its x-correlator, never the number', async () => {
    sim.registry.set(PHONE, { known: false });
    await provider.simSwapDate(PHONE);
    expect(seen.debug).toHaveLength(1);
    expect(seen.debug[0]).toMatch(
      /^camara-de sim-swap-retrieve-date x-correlator=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12} http=404 → NOT_FOUND$/,
    );
    expect(JSON.stringify(seen)).not.toContain('1701234567');
  });

  it('the renamed call-forwarding release works through the path and scope settings', async () => {
    const renamed = createCamaraProvider(
      'camara-r41',
      {
        ...settings(),
        callForwardingPath: '/call-forwarding-signal/v0.5rc1/check-unconditional-forwarding',
        scopes: { 'call-forwarding': 'call-forwarding-signal:unconditional-forwarding:check' },
      },
      { logger: seen.logger },
    );
    sim.registry.set(PHONE, { callForwardingActive: true });
    expect(await renamed.callForwarding(PHONE)).toEqual({ status: 'OK', value: { active: true } });
    await renamed.close();
    // the v0.4 scope does not open the renamed path: 403, an operator must fix the scope
    const mismatched = createCamaraProvider(
      'camara-x',
      { ...settings(), callForwardingPath: '/call-forwarding-signal/v0.5rc1/check-unconditional-forwarding' },
      { metrics: seen.metrics, logger: seen.logger },
    );
    expect(await mismatched.callForwarding(PHONE)).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_403' });
    await mismatched.close();
    expect(seen.problems).toEqual(['camara-x/call-forwarding/permission_denied']);
  });
});

describe('CamaraProvider on the wire (recording stub)', () => {
  let stub: UpstreamStub;
  let api: (path: string) => StubReply;
  const token = 'tok-abc.DEF_123';
  let freshTokens = false;
  let issued = 0;

  beforeAll(async () => {
    stub = await UpstreamStub.start((request) => {
      if (request.path.endsWith('/oauth2/token')) {
        issued += 1;
        return { body: { access_token: freshTokens ? `${token}-${issued}` : token, token_type: 'Bearer', expires_in: 3600 } };
      }
      return api(request.path);
    });
  });
  afterEach(() => {
    stub.requests.length = 0;
  });
  afterAll(async () => {
    await stub.close();
  });

  const make = (seen: ReturnType<typeof recorder>) =>
    createCamaraProvider(
      'stubbed',
      {
        baseUrl: stub.baseUrl,
        tokenUrl: `${stub.baseUrl}/oauth2/token`,
        clientId: 'riskwire',
        clientSecret: 'hush-7f2c',
        maxConnections: 2,
        timeoutMs: 2000,
      },
      { metrics: seen.metrics, logger: seen.logger },
    );

  it('sends maxAge in whole hours rounded up, the bearer token, a UUID x-correlator and JSON; asks each scope as the specs name it', async () => {
    api = () => ({ body: { swapped: false } });
    const provider = make(recorder());
    await provider.simSwapCheck(PHONE, minutes(90));
    await provider.deviceSwapCheck(PHONE, minutes(1441));
    await provider.close();
    const calls = stub.requests.filter((r) => !r.path.endsWith('/oauth2/token'));
    expect(calls.map((c) => [c.path.replace(/^\/network-signal\/v1/, ''), c.body])).toEqual([
      ['/sim-swap/v2/check', { phoneNumber: PHONE, maxAge: 2 }],
      ['/device-swap/v1/check', { phoneNumber: PHONE, maxAge: 25 }],
    ]);
    expect(calls[0]!.headers.authorization).toBe(`Bearer ${token}`);
    expect(calls[0]!.headers['x-correlator']).toMatch(/^[0-9a-f-]{36}$/);
    expect(calls[0]!.headers['x-correlator']).not.toBe(calls[1]!.headers['x-correlator']);
    const scopes = stub.requests
      .filter((r) => r.path.endsWith('/oauth2/token'))
      .map((r) => new URLSearchParams(String(r.body)).get('scope'));
    expect(scopes).toEqual(['sim-swap:check', 'device-swap:check']);
  });

  it.each(['MISSING_IDENTIFIER', 'UNNECESSARY_IDENTIFIER'])(
    '422 %s is a configuration error: UNAVAILABLE, not retried, counted, warned',
    async (code) => {
      api = () => ({ status: 422, body: { status: 422, code, message: 'The device cannot be identified.' } });
      const seen = recorder();
      const provider = make(seen);
      const result = await provider.simSwapDate(PHONE);
      await provider.close();
      expect(result).toEqual({
        status: 'UNAVAILABLE',
        reason: 'configuration_error',
        detail: `422 ${code}: The device cannot be identified.`,
      });
      expect(stub.requests.filter((r) => r.path.endsWith('/retrieve-date'))).toHaveLength(1);
      expect(seen.problems).toEqual(['stubbed/sim-swap-retrieve-date/configuration_error']);
      expect(seen.warn).toHaveLength(1);
    },
  );

  it('error details never carry the number, the token or the client secret, even when the operator echoes them', async () => {
    api = () => ({ status: 400, body: { status: 400, code: 'INVALID_ARGUMENT', message: `bad ${PHONE} with ${token} and hush-7f2c` } });
    const provider = make(recorder());
    const result = await provider.callForwarding(PHONE);
    await provider.close();
    expect(result.status).toBe('UNAVAILABLE');
    const detail = (result as { detail: string }).detail;
    expect(detail).toMatch(/^400 INVALID_ARGUMENT: bad /);
    for (const secret of ['1701234567', token, 'hush-7f2c']) expect(detail).not.toContain(secret);
  });

  it('a 404 without a CAMARA code (a gateway, a wrong path) is not an unknown subscriber', async () => {
    api = () => ({ status: 404, body: '<html>not here</html>' });
    const provider = make(recorder());
    expect(await provider.simSwapDate(PHONE)).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_4xx' });
    await provider.close();
  });

  it.each<[string, unknown, string]>([
    ['a zone-less date', { latestSimChange: '2026-11-21T10:00:00' }, 'not an RFC 3339 date-time'],
    ['a fractional monitoredPeriod', { latestSimChange: null, monitoredPeriod: 1.5 }, 'invalid monitoredPeriod'],
    ['a missing field', { monitoredPeriod: 3 }, 'without latestSimChange'],
  ])('a 200 with %s is UNAVAILABLE invalid_response, never clean', async (_name, body, detail) => {
    api = () => ({ body });
    const provider = make(recorder());
    expect(await provider.simSwapDate(PHONE)).toMatchObject({
      status: 'UNAVAILABLE',
      reason: 'invalid_response',
      detail: expect.stringContaining(detail),
    });
    await provider.close();
  });

  it('a 401 with a renewed token is UNAVAILABLE http_401 after exactly one retry, counted as unauthenticated', async () => {
    api = () => ({ status: 401, body: { status: 401, code: 'UNAUTHENTICATED', message: 'Request not authenticated.' } });
    freshTokens = true;
    const seen = recorder();
    const provider = make(seen);
    try {
      expect(await provider.simSwapDate(PHONE)).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_401' });
    } finally {
      freshTokens = false;
      await provider.close();
    }
    expect(stub.requests.filter((r) => r.path.endsWith('/retrieve-date'))).toHaveLength(2);
    expect(stub.requests.filter((r) => r.path.endsWith('/oauth2/token'))).toHaveLength(2);
    expect(seen.problems).toEqual(['stubbed/sim-swap-retrieve-date/unauthenticated']);
  });

  it('a token endpoint that hands back the token just refused is auth_failed after one attempt', async () => {
    api = () => ({ status: 401, body: { status: 401, code: 'UNAUTHENTICATED', message: 'Request not authenticated.' } });
    const seen = recorder();
    const provider = make(seen);
    // the stub hands out the same token again: asking a third time could not help
    expect(await provider.simSwapDate(PHONE)).toMatchObject({
      status: 'UNAVAILABLE',
      reason: 'auth_failed',
      detail: 'token endpoint returned a refused token',
    });
    await provider.close();
    expect(stub.requests.filter((r) => r.path.endsWith('/retrieve-date'))).toHaveLength(1);
  });
});
