/**
 * The CAMARA test definitions (SimSwap r3.3, DeviceSwap r3.2, CallForwardingSignal r3.3 and r4.1, Commonalities C02)
 * as our own tests: each scenario that applies to a two-legged (client credentials) server, cited by its tag, run
 * against the simulator's CAMARA mode on 127.0.0.1, both on the wire (what the scenario asserts of the server) and
 * through the adapter (what riskwire makes of that answer). The .feature files are not copied here; the scenarios that
 * do not apply are listed in docs/camara.md with the reason.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '../../../simulator/simulator-server.js';
import { minutes } from '../../minutes.js';
import { createCamaraProvider, type CamaraProvider } from './camara-provider.js';

const PHONE = '+34666111333';
const HOUR_MS = 3_600_000;
const CORRELATOR = 'b4333c46-49c0-4f62-80d7-f0ef930f1c46';
const quiet = { debug: () => undefined, warn: () => undefined };

let sim: RunningSimulator;
let expiring: RunningSimulator;
let provider: CamaraProvider;
const expiredTokens = new Map<string, string>();

async function tokenFor(server: RunningSimulator, scope: string): Promise<string> {
  const response = await fetch(server.camara.tokenUrl, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('riskwire:riskwire-dev-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

interface Raw {
  status: number;
  body: Record<string, unknown>;
  contentType: string | null;
  correlator: string | null;
}

async function post(
  path: string,
  body: unknown,
  options: { scope?: string; token?: string | null; server?: RunningSimulator } = {},
): Promise<Raw> {
  const server = options.server ?? sim;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-correlator': CORRELATOR };
  const token = options.token === undefined ? await tokenFor(server, options.scope!) : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(server.camara.baseUrl + path, {
    method: 'POST',
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    contentType: response.headers.get('content-type'),
    correlator: response.headers.get('x-correlator'),
  };
}

/** `the response property "$.status" is N`, `"$.code" is C`, `"$.message" contains a user friendly text`. */
function expectError(raw: Raw, status: number, code: string): void {
  expect(raw.status).toBe(status);
  expect(raw.body.status).toBe(status);
  expect(raw.body.code).toBe(code);
  expect(typeof raw.body.message).toBe('string');
  expect((raw.body.message as string).length).toBeGreaterThan(10);
}

const ago = (hours: number) => new Date(Date.now() - hours * HOUR_MS).toISOString();

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  expiring = await startSimulator({ port: 0, camara: { tokenTtlS: 1 } });
  for (const scope of ['sim-swap:check', 'sim-swap:retrieve-date', 'device-swap:check', 'device-swap:retrieve-date']) {
    expiredTokens.set(scope, await tokenFor(expiring, scope));
  }
  await new Promise((resolve) => setTimeout(resolve, 1100));
  provider = createCamaraProvider(
    'camara-acceptance',
    {
      baseUrl: sim.camara.baseUrl,
      tokenUrl: sim.camara.tokenUrl,
      clientId: 'riskwire',
      clientSecret: 'riskwire-dev-secret',
      maxConnections: 8,
      timeoutMs: 2000,
    },
    { logger: quiet },
  );
});
beforeEach(async () => {
  await fetch(`${sim.url}/_admin/reset`, { method: 'POST' });
});
afterAll(async () => {
  await provider.close();
  await Promise.all([sim.close(), expiring.close()]);
});

/** SimSwap checkSimSwap and DeviceSwap checkDeviceSwap: the same scenarios under each spec's tags. */
const CHECKS = [
  {
    api: 'SimSwap r3.3 checkSimSwap',
    path: '/sim-swap/v2/check',
    scope: 'sim-swap:check',
    swappedAt: 'simSwappedAt' as const,
    ask: (phone: string, maxAge: number) => provider.simSwapCheck(phone, minutes(maxAge)),
    tag: {
      generic: 'check_sim_swap_1_generic_success_scenario',
      defaultMaxAge: 'check_sim_swap_2_valid_sim_swap_no_max_age',
      withMaxAge: 'check_sim_swap_3_valid_sim_swap_max_age',
      over240: 'check_sim_swap_4_more_than_240_hours',
      outOfMaxAge: 'check_sim_swap_5_out_of_max_age',
      neverNoMaxAge: 'check_sim_swap_6_no_sim_swap_no_max_age',
      neverWithMaxAge: 'check_sim_swap_7_no_sim_swap_with_max_age',
      noAuth: 'check_sim_swap_401.1_no_authorization_header',
      expired: 'check_sim_swap_401.2_expired_access_token',
      invalidToken: 'check_sim_swap_401.3_invalid_access_token',
      invalidMaxAge: 'check_sim_swap_400.1_invalid_max_age',
      maxAgeAboveLimit: 'check_sim_swap_400.2_invalid_max_age_value',
      aboveMonitoredPeriod: 'check_sim_swap_400.3_max_age_out_of_monitored_period',
      badNumber: 'check_sim_swap_C02.01_phone_number_not_schema_compliant',
      notFound: 'check_sim_swap_C02.02_phone_number_not_found',
      missing: 'check_sim_swap_C02.04_missing_phone_number',
      notApplicable: 'check_sim_swap_C02.05_phone_number_not_supported',
    },
  },
  {
    api: 'DeviceSwap r3.2 checkDeviceSwap',
    path: '/device-swap/v1/check',
    scope: 'device-swap:check',
    swappedAt: 'deviceSwappedAt' as const,
    ask: (phone: string, maxAge: number) => provider.deviceSwapCheck(phone, minutes(maxAge)),
    tag: {
      generic: 'check_device_swap_1_generic_success_scenario',
      defaultMaxAge: 'check_device_swap_2_valid_device_swap_no_max_age',
      withMaxAge: 'check_device_swap_3_valid_device_swap_max_age',
      over240: 'check_device_swap_4_more_than_240_hours',
      outOfMaxAge: 'check_device_swap_5_out_of_max_age',
      neverNoMaxAge: 'check_device_swap_6_no_device_swap_no_max_age',
      neverWithMaxAge: 'check_device_swap_7_no_device_swap_with_max_age',
      noAuth: 'check_device_swap_401.1_no_authorization_header',
      expired: 'check_device_swap_401.2_expired_access_token',
      invalidToken: 'check_device_swap_401.3_invalid_access_token',
      invalidMaxAge: 'check_device_swap_400.2_invalid_max_age',
      maxAgeAboveLimit: 'check_device_swap_400.3_out_of_range',
      aboveMonitoredPeriod: undefined,
      badNumber: 'check_device_swap_9_C02_01_phone_number_not_schema_compliant',
      notFound: 'check_device_swap_10_C02_02_phone_number_not_found',
      missing: 'check_device_swap_12_C02_04_missing_phone_number',
      notApplicable: 'check_device_swap_13_C02_05_phone_number_not_supported',
    },
  },
];

describe.each(CHECKS)('$api', ({ path, scope, swappedAt, ask, tag }) => {
  it(`@${tag.generic}: 200 JSON, x-correlator echoed, body {swapped: boolean}`, async () => {
    const raw = await post(path, { phoneNumber: PHONE, maxAge: 120 }, { scope });
    expect([raw.status, raw.contentType, raw.correlator]).toEqual([200, 'application/json', CORRELATOR]);
    expect(Object.keys(raw.body)).toEqual(['swapped']);
    expect(typeof raw.body.swapped).toBe('boolean');
    expect((await ask(PHONE, 120 * 60)).status).toBe('OK');
  });

  it(`@${tag.defaultMaxAge}: swapped within 240 hours, maxAge not sent → true`, async () => {
    sim.registry.set(PHONE, { [swappedAt]: ago(200) });
    expect((await post(path, { phoneNumber: PHONE }, { scope })).body).toEqual({ swapped: true });
  });

  it.each([260, 120, 24, 12])(`@${tag.withMaxAge} (hours %i): swapped within maxAge → true, also through the adapter`, async (hours) => {
    sim.registry.set(PHONE, { [swappedAt]: ago(hours - 0.5) });
    expect((await post(path, { phoneNumber: PHONE, maxAge: hours }, { scope })).body).toEqual({ swapped: true });
    expect(await ask(PHONE, hours * 60)).toEqual({ status: 'OK', value: { swappedWithin: { swapped: true, maxAgeMinutes: hours * 60 } } });
  });

  it(`@${tag.over240}: swapped more than 240 hours ago, maxAge not sent → false`, async () => {
    sim.registry.set(PHONE, { [swappedAt]: ago(241) });
    expect((await post(path, { phoneNumber: PHONE }, { scope })).body).toEqual({ swapped: false });
  });

  it(`@${tag.outOfMaxAge}: maxAge one hour short of the last swap → false`, async () => {
    sim.registry.set(PHONE, { [swappedAt]: ago(50) });
    expect(await ask(PHONE, 49 * 60)).toEqual({ status: 'OK', value: { swappedWithin: { swapped: false, maxAgeMinutes: 49 * 60 } } });
  });

  it(`@${tag.neverNoMaxAge}: never swapped, maxAge not sent → false`, async () => {
    expect((await post(path, { phoneNumber: PHONE }, { scope })).body).toEqual({ swapped: false });
  });

  it.each([260, 120, 24, 12])(`@${tag.neverWithMaxAge} (hours %i): never swapped → false`, async (hours) => {
    expect(await ask(PHONE, (hours - 1) * 60)).toEqual({
      status: 'OK',
      value: { swappedWithin: { swapped: false, maxAgeMinutes: (hours - 1) * 60 } },
    });
  });

  it(`@${tag.noAuth}: no Authorization header → 401 UNAUTHENTICATED`, async () => {
    expectError(await post(path, { phoneNumber: PHONE }, { token: null }), 401, 'UNAUTHENTICATED');
  });

  it(`@${tag.expired}: expired access token → 401 UNAUTHENTICATED; the adapter renews and gets its answer`, async () => {
    expectError(await post(path, { phoneNumber: PHONE }, { token: expiredTokens.get(scope)!, server: expiring }), 401, 'UNAUTHENTICATED');
    const renewing = createCamaraProvider(
      'expiring',
      { baseUrl: expiring.camara.baseUrl, tokenUrl: expiring.camara.tokenUrl, clientId: 'riskwire', clientSecret: 'riskwire-dev-secret' },
      { logger: quiet },
    );
    try {
      const first = await (scope.startsWith('sim')
        ? renewing.simSwapCheck(PHONE, minutes(60))
        : renewing.deviceSwapCheck(PHONE, minutes(60)));
      expect(first.status).toBe('OK');
    } finally {
      await renewing.close();
    }
  });

  it(`@${tag.invalidToken}: invalid access token → 401 UNAUTHENTICATED`, async () => {
    expectError(await post(path, { phoneNumber: PHONE }, { token: 'not-a-token-we-issued' }), 401, 'UNAUTHENTICATED');
  });

  it(`@${tag.invalidMaxAge}: maxAge not an int32 → 400 INVALID_ARGUMENT`, async () => {
    expectError(await post(path, { phoneNumber: PHONE, maxAge: 'ten' }, { scope }), 400, 'INVALID_ARGUMENT');
    expectError(await post(path, { phoneNumber: PHONE, maxAge: 1.5 }, { scope }), 400, 'INVALID_ARGUMENT');
  });

  it(`@${tag.maxAgeAboveLimit}: maxAge 100000 → 400 OUT_OF_RANGE; the adapter never asks above 2400 hours`, async () => {
    expectError(await post(path, { phoneNumber: PHONE, maxAge: 100000 }, { scope }), 400, 'OUT_OF_RANGE');
    expect(await ask(PHONE, 100000 * 60)).toEqual({ status: 'OK', value: { swappedWithin: { swapped: false, maxAgeMinutes: 2400 * 60 } } });
  });

  if (tag.aboveMonitoredPeriod !== undefined) {
    it(`@${tag.aboveMonitoredPeriod}: maxAge above the operator's monitored period → 400 OUT_OF_RANGE; the adapter retries within it`, async () => {
      sim.camara.settings.maxAgeCapHours = 24;
      expectError(await post(path, { phoneNumber: PHONE, maxAge: 25 }, { scope }), 400, 'OUT_OF_RANGE');
      const capped = createCamaraProvider(
        'capped',
        { baseUrl: sim.camara.baseUrl, tokenUrl: sim.camara.tokenUrl, clientId: 'riskwire', clientSecret: 'riskwire-dev-secret' },
        { logger: quiet },
      );
      try {
        expect(await capped.simSwapCheck(PHONE, minutes(40 * 60))).toEqual({
          status: 'OK',
          value: { swappedWithin: { swapped: false, maxAgeMinutes: 24 * 60 } },
        });
      } finally {
        await capped.close();
      }
    });
  }

  it(`@${tag.badNumber}: phoneNumber not schema compliant → 400 INVALID_ARGUMENT; adapter: UNAVAILABLE http_400`, async () => {
    expectError(await post(path, { phoneNumber: '34666111333' }, { scope }), 400, 'INVALID_ARGUMENT');
    expect(await ask('+3466611x', 60)).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_400' });
  });

  it(`@${tag.notFound}: a number the network does not know → 404 IDENTIFIER_NOT_FOUND; adapter: NOT_FOUND`, async () => {
    sim.registry.set(PHONE, { known: false });
    expectError(await post(path, { phoneNumber: PHONE }, { scope }), 404, 'IDENTIFIER_NOT_FOUND');
    expect(await ask(PHONE, 60)).toEqual({ status: 'NOT_FOUND' });
  });

  it(`@${tag.missing}: no phoneNumber with a two-legged token → 422 MISSING_IDENTIFIER`, async () => {
    expectError(await post(path, { maxAge: 24 }, { scope }), 422, 'MISSING_IDENTIFIER');
  });

  it(`@${tag.notApplicable}: service not applicable to the number → 422 SERVICE_NOT_APPLICABLE; adapter: NOT_APPLICABLE`, async () => {
    sim.registry.set(PHONE, { serviceNotApplicable: true });
    expectError(await post(path, { phoneNumber: PHONE }, { scope }), 422, 'SERVICE_NOT_APPLICABLE');
    expect(await ask(PHONE, 60)).toEqual({ status: 'NOT_APPLICABLE' });
  });
});

describe('DeviceSwap r3.2 checkDeviceSwap, device-specific', () => {
  it('@check_device_swap_8_NoDeviceSwapPhoneNumberNeverConnected: → 422 SERVICE_NOT_APPLICABLE; adapter: NOT_APPLICABLE', async () => {
    sim.registry.set(PHONE, { serviceNotApplicable: true });
    expectError(await post('/device-swap/v1/check', { phoneNumber: PHONE }, { scope: 'device-swap:check' }), 422, 'SERVICE_NOT_APPLICABLE');
    expect(await provider.deviceSwapCheck(PHONE, minutes(60))).toEqual({ status: 'NOT_APPLICABLE' });
  });
});

const DATES = [
  {
    api: 'SimSwap r3.3 retrieveSimSwapDate',
    path: '/sim-swap/v2/retrieve-date',
    scope: 'sim-swap:retrieve-date',
    field: 'latestSimChange',
    swappedAt: 'simSwappedAt' as const,
    ask: (phone: string) => provider.simSwapDate(phone),
    tag: {
      generic: 'retrieve_sim_swap_date_1_generic_success_scenario',
      valid: 'retrieve_sim_swap_date_2_valid_sim_swap',
      nullDate: 'retrieve_sim_swap_date_4_sim_never_associated',
      legal: 'retrieve_sim_swap_date_5_no_sim_swap_or_activation_date_due_to_legal_constrain',
      notActivated: undefined,
      noAuth: 'retrieve_sim_swap_date_401.1_no_authorization_header',
      expired: 'retrieve_sim_swap_date_401.2_expired_access_token',
      invalidToken: 'retrieve_sim_swap_date_401.3_invalid_access_token',
      badNumber: 'retrieve_sim_swap_date_C02.01_phone_number_not_schema_compliant',
      notFound: 'retrieve_sim_swap_date_C02.02_phone_number_not_found',
      missing: 'retrieve_sim_swap_date_C02.04_missing_phone_number',
      notApplicable: 'retrieve_sim_swap_date_C02.05_phone_number_not_supported',
    },
  },
  {
    api: 'DeviceSwap r3.2 retrieveDeviceSwapDate',
    path: '/device-swap/v1/retrieve-date',
    scope: 'device-swap:retrieve-date',
    field: 'latestDeviceChange',
    swappedAt: 'deviceSwappedAt' as const,
    ask: (phone: string) => provider.deviceSwapDate(phone),
    tag: {
      generic: 'retrieve_device_swap_date_1_generic_success_scenario',
      valid: 'retrieve_device_swap_date_2_valid_device_swap',
      nullDate: undefined,
      legal: 'retrieve_device_swap_date_4_no_device_swap_or_activation_date_due_to_legal_constrain',
      notActivated: 'retrieve_device_swap_date_5_not_activated',
      noAuth: 'retrieve_device_swap_date_401.1_no_authorization_header',
      expired: 'retrieve_device_swap_date_401.2_expired_access_token',
      invalidToken: 'retrieve_device_swap_date_401.3_invalid_access_token',
      badNumber: 'retrieve_device_swap_date_6_C02_01_phone_number_not_schema_compliant',
      notFound: 'retrieve_device_swap_date_7_C02_02_phone_number_not_found',
      // sic: the r3.2 file tags this retrieve-date scenario with a check_ prefix
      missing: 'check_device_swap_9_C02_04_missing_phone_number (retrieveDeviceSwapDate)',
      notApplicable: 'retrieve_device_swap_date_10_C02_05_phone_number_not_supported',
    },
  },
];

describe.each(DATES)('$api', ({ path, scope, field, swappedAt, ask, tag }) => {
  it(`@${tag.generic}: 200 JSON, x-correlator echoed, body {${field}: date-time | null, monitoredPeriod?}`, async () => {
    const raw = await post(path, { phoneNumber: PHONE }, { scope });
    expect([raw.status, raw.contentType, raw.correlator]).toEqual([200, 'application/json', CORRELATOR]);
    expect(Object.keys(raw.body)).toEqual([field]);
    expect(raw.body[field]).toBeNull();
  });

  it(`@${tag.valid}: a swap → a valid timestamp, read as the latest change`, async () => {
    const at = ago(5);
    sim.registry.set(PHONE, { [swappedAt]: at });
    expect((await post(path, { phoneNumber: PHONE }, { scope })).body).toEqual({ [field]: at });
    expect(await ask(PHONE)).toEqual({ status: 'OK', value: { latestChange: at } });
  });

  if (tag.nullDate !== undefined) {
    it(`@${tag.nullDate}: a number never associated with a SIM → null`, async () => {
      expect((await post(path, { phoneNumber: PHONE }, { scope })).body).toEqual({ [field]: null });
      expect(await ask(PHONE)).toEqual({ status: 'OK', value: { latestChange: null } });
    });
  }

  it(`@${tag.legal}: a swap before the legally limited window → null with monitoredPeriod (days), our "no change known within N days"`, async () => {
    sim.registry.set(PHONE, { [swappedAt]: ago(24 * 200), monitoredPeriodDays: 120 });
    expect((await post(path, { phoneNumber: PHONE }, { scope })).body).toEqual({ [field]: null, monitoredPeriod: 120 });
    expect(await ask(PHONE)).toEqual({ status: 'OK', value: { latestChange: null, monitoredPeriodDays: 120 } });
  });

  if (tag.notActivated !== undefined) {
    it(`@${tag.notActivated}: a SIM never connected → 422 SERVICE_NOT_APPLICABLE; adapter: NOT_APPLICABLE`, async () => {
      sim.registry.set(PHONE, { serviceNotApplicable: true });
      expectError(await post(path, { phoneNumber: PHONE }, { scope }), 422, 'SERVICE_NOT_APPLICABLE');
      expect(await ask(PHONE)).toEqual({ status: 'NOT_APPLICABLE' });
    });
  }

  it(`@${tag.noAuth}: → 401 UNAUTHENTICATED`, async () => {
    expectError(await post(path, { phoneNumber: PHONE }, { token: null }), 401, 'UNAUTHENTICATED');
  });

  it(`@${tag.expired}: → 401 UNAUTHENTICATED`, async () => {
    expectError(await post(path, { phoneNumber: PHONE }, { token: expiredTokens.get(scope)!, server: expiring }), 401, 'UNAUTHENTICATED');
  });

  it(`@${tag.invalidToken}: → 401 UNAUTHENTICATED`, async () => {
    expectError(await post(path, { phoneNumber: PHONE }, { token: 'forged' }), 401, 'UNAUTHENTICATED');
  });

  it(`@${tag.badNumber}: → 400 INVALID_ARGUMENT`, async () => {
    expectError(await post(path, { phoneNumber: '+0123' }, { scope }), 400, 'INVALID_ARGUMENT');
  });

  it(`@${tag.notFound}: → 404 IDENTIFIER_NOT_FOUND; adapter: NOT_FOUND`, async () => {
    sim.registry.set(PHONE, { known: false });
    expectError(await post(path, { phoneNumber: PHONE }, { scope }), 404, 'IDENTIFIER_NOT_FOUND');
    expect(await ask(PHONE)).toEqual({ status: 'NOT_FOUND' });
  });

  it(`@${tag.missing}: → 422 MISSING_IDENTIFIER`, async () => {
    expectError(await post(path, {}, { scope }), 422, 'MISSING_IDENTIFIER');
  });

  it(`@${tag.notApplicable}: → 422 SERVICE_NOT_APPLICABLE; adapter: NOT_APPLICABLE`, async () => {
    sim.registry.set(PHONE, { serviceNotApplicable: true });
    expectError(await post(path, { phoneNumber: PHONE }, { scope }), 422, 'SERVICE_NOT_APPLICABLE');
    expect(await ask(PHONE)).toEqual({ status: 'NOT_APPLICABLE' });
  });
});

const FORWARDING = [
  {
    api: 'CallForwardingSignal r3.3 (v0.4) retrieveUnconditionalCallForwarding',
    path: '/call-forwarding-signal/v0.4/unconditional-call-forwardings',
    scope: 'call-forwarding-signal:unconditional-call-forwardings:read',
  },
  {
    api: 'CallForwardingSignal r4.1 (v0.5rc1) checkUnconditionalCallForwarding',
    path: '/call-forwarding-signal/v0.5rc1/check-unconditional-forwarding',
    scope: 'call-forwarding-signal:unconditional-forwarding:check',
  },
];

describe.each(FORWARDING)('$api', ({ path, scope }) => {
  let forwarding: CamaraProvider;
  beforeAll(() => {
    forwarding = createCamaraProvider(
      'camara-cf',
      {
        baseUrl: sim.camara.baseUrl,
        tokenUrl: sim.camara.tokenUrl,
        clientId: 'riskwire',
        clientSecret: 'riskwire-dev-secret',
        callForwardingPath: path,
        scopes: { 'call-forwarding': scope },
      },
      { logger: quiet },
    );
  });
  afterAll(() => forwarding.close());

  it('@call_forwarding_signal_01_unconditional_generic_success_scenario_2-legs: 200 JSON, x-correlator echoed, body {active: boolean}', async () => {
    const raw = await post(path, { phoneNumber: PHONE }, { scope });
    expect([raw.status, raw.contentType, raw.correlator]).toEqual([200, 'application/json', CORRELATOR]);
    expect(raw.body).toEqual({ active: false });
  });

  it.each([true, false])('@call_forwarding_signal_02_unconditional_phoneNumber (active %s): read through the adapter', async (active) => {
    sim.registry.set(PHONE, { callForwardingActive: active });
    expect((await post(path, { phoneNumber: PHONE }, { scope })).body).toEqual({ active });
    expect(await forwarding.callForwarding(PHONE)).toEqual({ status: 'OK', value: { active } });
  });

  it('@call_forwarding_signal_400.1_no_request_body: → 400 INVALID_ARGUMENT', async () => {
    expectError(await post(path, undefined, { scope }), 400, 'INVALID_ARGUMENT');
  });

  it('@call_forwarding_signal_400.3_C02.01_phone_number_not_schema_compliant: → 400 INVALID_ARGUMENT; adapter: UNAVAILABLE http_400', async () => {
    expectError(await post(path, { phoneNumber: '+34 666 111 333' }, { scope }), 400, 'INVALID_ARGUMENT');
    expect(await forwarding.callForwarding('+34 666')).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_400' });
  });

  it('@call_forwarding_signal_401.invalid_token: → 401 UNAUTHENTICATED', async () => {
    expectError(await post(path, { phoneNumber: PHONE }, { token: 'forged' }), 401, 'UNAUTHENTICATED');
  });

  it('@call_forwarding_signal_403_permission_denied: a token for another context → 403 PERMISSION_DENIED; adapter: UNAVAILABLE http_403', async () => {
    expectError(await post(path, { phoneNumber: PHONE }, { scope: 'sim-swap:check' }), 403, 'PERMISSION_DENIED');
    const wrongScope = createCamaraProvider(
      'camara-wrong-scope',
      {
        baseUrl: sim.camara.baseUrl,
        tokenUrl: sim.camara.tokenUrl,
        clientId: 'riskwire',
        clientSecret: 'riskwire-dev-secret',
        callForwardingPath: path,
        scopes: { 'call-forwarding': 'sim-swap' },
      },
      { logger: quiet },
    );
    expect(await wrongScope.callForwarding(PHONE)).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_403' });
    await wrongScope.close();
  });

  it('@call_forwarding_signal_404.1_call_forwarding_for_unknown_phoneNumber_2-legs: → 404 IDENTIFIER_NOT_FOUND; adapter: NOT_FOUND', async () => {
    sim.registry.set(PHONE, { known: false });
    const raw = await post(path, { phoneNumber: PHONE }, { scope });
    expect([raw.status, raw.body.code]).toEqual([404, 'IDENTIFIER_NOT_FOUND']);
    expect(await forwarding.callForwarding(PHONE)).toEqual({ status: 'NOT_FOUND' });
  });

  it('@call_forwarding_signal_422.1_phone_number_unavailable_2-legs_C02.04_missing_phone_number: → 422 MISSING_IDENTIFIER', async () => {
    expectError(await post(path, {}, { scope }), 422, 'MISSING_IDENTIFIER');
  });

  it('@call_forwarding_signal_422.3_2-legs_C02.05_phone_number_not_supported: → 422 SERVICE_NOT_APPLICABLE; adapter: NOT_APPLICABLE', async () => {
    sim.registry.set(PHONE, { serviceNotApplicable: true });
    expectError(await post(path, { phoneNumber: PHONE }, { scope }), 422, 'SERVICE_NOT_APPLICABLE');
    expect(await forwarding.callForwarding(PHONE)).toEqual({ status: 'NOT_APPLICABLE' });
  });

  it('@call_forwarding_signal_429.1_quota_limit_exceeded: → 429 QUOTA_EXCEEDED; adapter: UNAVAILABLE http_429 with Retry-After', async () => {
    sim.camara.faults.configure({ callForwarding: { errorRate: 1, errorStatus: 429, errorCode: 'QUOTA_EXCEEDED' } });
    expectError(await post(path, { phoneNumber: PHONE }, { scope }), 429, 'QUOTA_EXCEEDED');
    expect(await forwarding.callForwarding(PHONE)).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_429', retryAfterMs: 1000 });
  });

  it('@call_forwarding_signal_429.2_too_many_requests: → 429 TOO_MANY_REQUESTS; adapter: UNAVAILABLE http_429', async () => {
    sim.camara.faults.configure({ errorRate: 1, errorStatus: 429 });
    expectError(await post(path, { phoneNumber: PHONE }, { scope }), 429, 'TOO_MANY_REQUESTS');
    expect(await forwarding.callForwarding(PHONE)).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_429' });
  });
});

describe('CallForwardingSignal r4.1: strict request body', () => {
  it('unknown properties → 400 INVALID_ARGUMENT (r4.1 only; v0.4 ignores them)', async () => {
    const strict = await post(
      '/call-forwarding-signal/v0.5rc1/check-unconditional-forwarding',
      { phoneNumber: PHONE, extra: 1 },
      { scope: 'call-forwarding-signal:unconditional-forwarding:check' },
    );
    expectError(strict, 400, 'INVALID_ARGUMENT');
    const lenient = await post(
      '/call-forwarding-signal/v0.4/unconditional-call-forwardings',
      { phoneNumber: PHONE, extra: 1 },
      { scope: 'call-forwarding-signal:unconditional-call-forwardings:read' },
    );
    expect(lenient.status).toBe(200);
  });
});
