import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { minutes } from '../../minutes.js';
import { parseRetryAfter } from '../json-over-http.js';
import { TyntecProvider } from './tyntec-provider.js';
import { STUB_PREFIX, UpstreamStub, closedPort, defaultAnswers, type StubReply } from '../../../../test/doubles/upstream-stub.js';

const PHONE = '+491701234567';
const API_KEY = 'test-key-9f3a';

describe('TyntecProvider', () => {
  let stub: UpstreamStub;
  let client: TyntecProvider;

  beforeAll(async () => {
    stub = await UpstreamStub.start();
    client = new TyntecProvider({
      baseUrl: stub.baseUrl,
      apiKey: API_KEY,
      timeoutMs: 2000,
      callForwardingPath: '/call-forwarding/check',
      maxConnections: 4,
    });
  });
  afterEach(() => {
    stub.handler = defaultAnswers;
    stub.requests.length = 0;
  });
  afterAll(async () => {
    await client.close();
    await stub.close();
  });

  const answering = (reply: StubReply) => {
    stub.handler = () => reply;
  };

  describe('successful answers', () => {
    it('sim-swap/check sends maxAge in minutes, the apiKey header and JSON, and reads swapped', async () => {
      answering({ body: { swapped: true } });
      const result = await client.simSwapCheck(PHONE, minutes(120));
      expect(result).toEqual({ status: 'OK', value: { swappedWithin: { swapped: true, maxAgeMinutes: 120 } } });
      const [request] = stub.requests;
      expect(request.path).toBe(`${STUB_PREFIX}/sim-swap/check`);
      expect(request.body).toEqual({ phoneNumber: PHONE, maxAge: 120 });
      expect(request.headers.apikey).toBe(API_KEY);
      expect(request.headers['content-type']).toBe('application/json');
    });

    it('sim-swap/check reads swapped=false as a clean answer, not as unknown', async () => {
      answering({ body: { swapped: false } });
      expect(await client.simSwapCheck(PHONE, minutes(2400))).toEqual({
        status: 'OK',
        value: { swappedWithin: { swapped: false, maxAgeMinutes: 2400 } },
      });
      expect(stub.requests[0].body).toEqual({ phoneNumber: PHONE, maxAge: 2400 });
    });

    it('sim-swap/retrieve-date reads the date and sends no maxAge', async () => {
      const result = await client.simSwapDate(PHONE);
      expect(result).toEqual({ status: 'OK', value: { latestChange: '2024-09-18T07:37:53.471829447Z' } });
      expect(stub.requests[0].path).toBe(`${STUB_PREFIX}/sim-swap/retrieve-date`);
      expect(stub.requests[0].body).toEqual({ phoneNumber: PHONE });
    });

    it('sim-swap/retrieve-date reads null as "no swap ever"', async () => {
      answering({ body: { latestSimChange: null } });
      expect(await client.simSwapDate(PHONE)).toEqual({ status: 'OK', value: { latestChange: null } });
    });

    it('device-swap/check reads swapped', async () => {
      answering({ body: { swapped: true } });
      expect(await client.deviceSwapCheck(PHONE, minutes(30))).toEqual({
        status: 'OK',
        value: { swappedWithin: { swapped: true, maxAgeMinutes: 30 } },
      });
      expect(stub.requests[0].path).toBe(`${STUB_PREFIX}/device-swap/check`);
      expect(stub.requests[0].body).toEqual({ phoneNumber: PHONE, maxAge: 30 });
    });

    it('device-swap/retrieve-date reads latestDeviceChange', async () => {
      answering({ body: { latestDeviceChange: '2025-01-02T03:04:05Z' } });
      expect(await client.deviceSwapDate(PHONE)).toEqual({ status: 'OK', value: { latestChange: '2025-01-02T03:04:05Z' } });
      expect(stub.requests[0].path).toBe(`${STUB_PREFIX}/device-swap/retrieve-date`);
    });

    it('device-swap/retrieve-date also reads the published (legacy) field name latestSimChange', async () => {
      answering({ body: { latestSimChange: '2024-09-18T07:37:53.471829447Z' } });
      expect(await client.deviceSwapDate(PHONE)).toEqual({ status: 'OK', value: { latestChange: '2024-09-18T07:37:53.471829447Z' } });
    });

    it('call-forwarding/check reads active', async () => {
      answering({ body: { active: true } });
      expect(await client.callForwarding(PHONE)).toEqual({ status: 'OK', value: { active: true } });
      expect(stub.requests[0].path).toBe(`${STUB_PREFIX}/call-forwarding/check`);
      expect(stub.requests[0].body).toEqual({ phoneNumber: PHONE });
    });

    it('call forwarding path is a setting (renamed upstream to /call-forwarding/unconditional/check)', async () => {
      const renamed = new TyntecProvider({
        baseUrl: stub.baseUrl,
        apiKey: API_KEY,
        timeoutMs: 2000,
        callForwardingPath: '/call-forwarding/unconditional/check',
        maxConnections: 1,
      });
      try {
        expect(await renamed.callForwarding(PHONE)).toEqual({ status: 'OK', value: { active: false } });
        expect(stub.requests[0].path).toBe(`${STUB_PREFIX}/call-forwarding/unconditional/check`);
      } finally {
        await renamed.close();
      }
    });

    it('reuses kept-alive connections instead of opening one per request', async () => {
      const before = stub.connections;
      for (let i = 0; i < 5; i++) await client.callForwarding(PHONE);
      expect(stub.connections - before).toBeLessThanOrEqual(1);
    });
  });

  describe('a 200 we cannot read is UNAVAILABLE invalid_response, never false', () => {
    it.each([
      ['not JSON', '<html>oops</html>'],
      ['empty body', ''],
      ['JSON array', '[true]'],
      ['missing field', { something: 'else' }],
      ['wrong type', { swapped: 'yes', active: 'no', latestSimChange: 42 }],
    ])('%s', async (_case, body) => {
      answering({ body });
      for (const call of [
        () => client.simSwapCheck(PHONE, minutes(60)),
        () => client.callForwarding(PHONE),
        () => client.simSwapDate(PHONE),
        () => client.deviceSwapDate(PHONE),
      ]) {
        expect(await call()).toMatchObject({ status: 'UNAVAILABLE', reason: 'invalid_response' });
      }
    });

    it('an unparseable date', async () => {
      answering({ body: { latestSimChange: 'last tuesday' } });
      expect(await client.simSwapDate(PHONE)).toMatchObject({ status: 'UNAVAILABLE', reason: 'invalid_response' });
    });

    // Date.parse reads all of these as real dates ("0" is 2000-01-01, "Nov 21" is 2001-11-21): a swap that long
    // ago scores as clean. Only a strict RFC 3339 date-time with a zone, on a day that exists, is an answer.
    it.each([
      ['"0"', '0'],
      ['"Nov 21"', 'Nov 21'],
      ['date only', '2026-11-21'],
      ['no zone (local time of which clock?)', '2026-11-21T10:00:00'],
      ['impossible day', '2026-02-30T10:00:00Z'],
      ['offset without colon', '2026-11-21T10:00:00+0100'],
      ['RFC 2822', 'Sat, 21 Nov 2026 10:00:00 GMT'],
      ['epoch seconds as a string', '1795000000'],
      ['leap second', '2016-12-31T23:59:60Z'],
      ['empty string', ''],
    ])('date %s is UNAVAILABLE invalid_response, on both retrieve-date endpoints', async (_case, date) => {
      answering({ body: { latestSimChange: date, latestDeviceChange: date } });
      for (const call of [() => client.simSwapDate(PHONE), () => client.deviceSwapDate(PHONE)]) {
        expect(await call()).toEqual({
          status: 'UNAVAILABLE',
          reason: 'invalid_response',
          detail: expect.stringMatching(/latest(Sim|Device)Change that is not an RFC 3339 date-time/),
        });
      }
    });

    it.each([
      ['a number', 1795000000000, 'number'],
      ['a boolean', true, 'boolean'],
      ['an object', { date: '2026-11-21T10:00:00Z' }, 'object'],
      ['an array', ['2026-11-21T10:00:00Z'], 'array'],
    ])('date as %s is UNAVAILABLE invalid_response naming the type', async (_case, date, type) => {
      answering({ body: { latestSimChange: date } });
      expect(await client.simSwapDate(PHONE)).toEqual({
        status: 'UNAVAILABLE',
        reason: 'invalid_response',
        detail: `2xx body with latestSimChange of type ${type}`,
      });
    });

    it.each([
      ['nanoseconds', '2024-09-18T07:37:53.471829447Z'],
      ['an offset', '2026-11-21T10:00:00+05:30'],
      ['29 February of a leap year', '2028-02-29T00:00:00Z'],
    ])('a strict date-time with %s is an answer, kept as sent', async (_case, date) => {
      answering({ body: { latestSimChange: date } });
      expect(await client.simSwapDate(PHONE)).toEqual({ status: 'OK', value: { latestChange: date } });
    });

    it.each([
      ['a string', 'true'],
      ['a number', 1],
      ['null', null],
      ['an array', [true]],
    ])('swapped / active as %s is UNAVAILABLE invalid_response, never a yes or no', async (_case, flag) => {
      answering({ body: { swapped: flag, active: flag } });
      for (const call of [
        () => client.simSwapCheck(PHONE, minutes(60)),
        () => client.deviceSwapCheck(PHONE, minutes(60)),
        () => client.callForwarding(PHONE),
      ]) {
        expect(await call()).toEqual({
          status: 'UNAVAILABLE',
          reason: 'invalid_response',
          detail: expect.stringMatching(/^2xx body with (swapped|active) of type/),
        });
      }
    });

    it('a field inherited from the prototype is not an answer', async () => {
      answering({ body: '{"__proto__":{"latestDeviceChange":"2026-11-21T10:00:00Z","latestSimChange":"2026-11-21T10:00:00Z"}}' });
      expect(await client.deviceSwapDate(PHONE)).toEqual({
        status: 'UNAVAILABLE',
        reason: 'invalid_response',
        detail: '2xx body without latestSimChange',
      });
    });
  });

  describe('error statuses', () => {
    it('404 is NOT_FOUND (unknown subscriber: inconclusive, not clean)', async () => {
      answering({ status: 404, body: { status: 404, code: 'NOT_FOUND', message: 'The specified resource is not found.' } });
      expect(await client.simSwapCheck(PHONE, minutes(60))).toEqual({ status: 'NOT_FOUND' });
      expect(await client.callForwarding(PHONE)).toEqual({ status: 'NOT_FOUND' });
    });

    it.each([
      [
        400,
        'http_400',
        { status: 400, code: 'INVALID_ARGUMENT', message: 'Client specified an invalid argument.' },
        'INVALID_ARGUMENT: Client specified an invalid argument.',
      ],
      [
        401,
        'http_401',
        { status: 401, code: 'UNAUTHENTICATED', message: 'Request not authenticated.' },
        'UNAUTHENTICATED: Request not authenticated.',
      ],
      [
        403,
        'http_403',
        { status: 403, code: 'PERMISSION_DENIED', message: 'Insufficient permissions.' },
        'PERMISSION_DENIED: Insufficient permissions.',
      ],
      [409, 'http_4xx', { status: 409, code: 'CONFLICT', message: 'State conflict' }, 'CONFLICT: State conflict'],
      [
        500,
        'http_5xx',
        { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Request could not be processed' },
        'INTERNAL_SERVER_ERROR: Request could not be processed',
      ],
      [503, 'http_5xx', { status: 503, code: 'UNAVAILABLE', message: 'Service unavailable' }, 'UNAVAILABLE: Service unavailable'],
    ])('%i → %s with the upstream code and message in detail', async (status, reason, body, detail) => {
      answering({ status, body });
      const result = await client.deviceSwapCheck(PHONE, minutes(60));
      expect(result).toMatchObject({ status: 'UNAVAILABLE', reason });
      expect((result as { detail: string }).detail).toContain(detail);
      expect((result as { detail: string }).detail).toContain(String(status));
    });

    it('429 keeps Retry-After', async () => {
      answering({
        status: 429,
        headers: { 'retry-after': '2' },
        body: { success: false, error: { code: 'RATE_LIMITED', message: 'Too many requests, slow down' } },
      });
      const result = await client.callForwarding(PHONE);
      expect(result).toMatchObject({ status: 'UNAVAILABLE', reason: 'http_429', retryAfterMs: 2000 });
      expect((result as { detail: string }).detail).toContain('RATE_LIMITED: Too many requests, slow down');
      expect((result as { detail: string }).detail).toContain('retry after 2000 ms');
    });

    it('an error without a body still maps by status', async () => {
      answering({ status: 502, body: 'Bad Gateway' });
      expect(await client.simSwapDate(PHONE)).toEqual({ status: 'UNAVAILABLE', reason: 'http_5xx', detail: '502' });
    });
  });

  describe('error dialects are parsed into detail', () => {
    it.each([
      [
        'KORE {status, message, code, more_info}',
        { status: 400, message: 'Super SIM registration failed', code: 83000, more_info: 'https://docs.example/errors/83000' },
        '83000: Super SIM registration failed',
      ],
      [
        'envelope {success, error{code, message, details}, meta}',
        {
          success: false,
          error: { code: 'VALIDATION_ERROR', message: 'The phone_number field is required.', details: { phone_number: ['required'] } },
          meta: { mode: 'test', request_id: 'req_xyz789' },
        },
        'VALIDATION_ERROR: The phone_number field is required. [phone_number] (request_id req_xyz789)',
      ],
      [
        'ResponseStatus {ErrorCode, Message, Errors[]}',
        {
          ResponseStatus: {
            ErrorCode: 'PARAMETER_INVALID',
            Message: 'A supplied parameter is not within appropriate bounds.',
            Errors: [{ FieldName: 'maxAge', ErrorCode: 'PARAMETER_INVALID', Message: 'out of range' }],
          },
        },
        'PARAMETER_INVALID: A supplied parameter is not within appropriate bounds. [maxAge=PARAMETER_INVALID]',
      ],
      [
        'CAMARA/tyntec {status, code, message}',
        { status: 400, code: 'OUT_OF_RANGE', message: 'Client specified an invalid range.' },
        'OUT_OF_RANGE: Client specified an invalid range.',
      ],
    ])('%s', async (_dialect, body, detail) => {
      answering({ status: 400, body });
      expect(await client.simSwapCheck(PHONE, minutes(60))).toEqual({ status: 'UNAVAILABLE', reason: 'http_400', detail: `400 ${detail}` });
    });

    it('never carries the phone number or the apiKey, even when the upstream echoes them', async () => {
      answering({
        status: 400,
        body: { code: 'INVALID_PHONENUMBER_FORMAT', message: `Number ${PHONE} (491701234567) rejected for key ${API_KEY}` },
      });
      const { detail } = (await client.simSwapDate(PHONE)) as { detail: string };
      expect(detail).toContain('INVALID_PHONENUMBER_FORMAT');
      expect(detail).not.toContain('1701234567');
      expect(detail).not.toContain(API_KEY);
      expect(detail).toContain('+49******4567');
    });
  });

  describe('transport failures', () => {
    it('connection refused → connection_error', async () => {
      const port = await closedPort();
      const nowhere = new TyntecProvider({
        baseUrl: `http://127.0.0.1:${port}/v1`,
        apiKey: API_KEY,
        timeoutMs: 2000,
        callForwardingPath: '/call-forwarding/check',
        maxConnections: 1,
      });
      try {
        expect(await nowhere.simSwapDate(PHONE)).toEqual({ status: 'UNAVAILABLE', reason: 'connection_error', detail: 'ECONNREFUSED' });
      } finally {
        await nowhere.close();
      }
    });

    it('connection reset before an answer → connection_error', async () => {
      answering({ reset: true });
      expect(await client.callForwarding(PHONE)).toMatchObject({ status: 'UNAVAILABLE', reason: 'connection_error' });
    });

    it('no answer before the caller aborts → timeout, promptly', async () => {
      answering({ hang: true });
      const started = Date.now();
      expect(await client.simSwapCheck(PHONE, minutes(60), AbortSignal.timeout(150))).toMatchObject({
        status: 'UNAVAILABLE',
        reason: 'timeout',
      });
      expect(Date.now() - started).toBeLessThan(600);
    });

    it('no answer and no signal → timeout after the configured timeoutMs', async () => {
      const quick = new TyntecProvider({
        baseUrl: stub.baseUrl,
        apiKey: API_KEY,
        timeoutMs: 120,
        callForwardingPath: '/call-forwarding/check',
        maxConnections: 1,
      });
      answering({ hang: true });
      const started = Date.now();
      try {
        expect(await quick.deviceSwapDate(PHONE)).toMatchObject({ status: 'UNAVAILABLE', reason: 'timeout' });
        expect(Date.now() - started).toBeGreaterThanOrEqual(100);
        expect(Date.now() - started).toBeLessThan(600);
      } finally {
        await quick.close();
      }
    });

    it('an already aborted signal sends nothing', async () => {
      expect(await client.callForwarding(PHONE, AbortSignal.abort())).toMatchObject({ status: 'UNAVAILABLE', reason: 'timeout' });
      expect(stub.requests).toHaveLength(0);
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignores garbage', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:05 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
