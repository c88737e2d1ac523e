/* eslint-disable @typescript-eslint/no-explicit-any -- JSON response bodies and gRPC clients loaded from the proto at run time are untyped */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiTestApp, KEYS, call, loginEvent, startApiApp, transactionEvent, decisionIdOf } from '../../../test/api/api-test-kit.js';

let t: ApiTestApp;
beforeAll(async () => {
  t = await startApiApp();
});
afterAll(async () => {
  await t.close();
});

function expectErrorShape(body: any, status: number, code: string) {
  expect(body).toEqual({
    status,
    code,
    message: expect.any(String),
    details: expect.any(Array),
    requestId: expect.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/),
  });
}

describe('POST /v1/assessments (synchronous)', () => {
  it('answers a login event with the decision, as retained in the store', async () => {
    const res = await call(t.baseUrl, '/v1/assessments', { body: loginEvent({ eventId: 'evt-sync-login' }) });
    expect(res.status).toBe(200);
    expect(res.body.decisionId).toBe(decisionIdOf('evt-sync-login'));
    expect(res.body).toMatchObject({
      eventId: 'evt-sync-login',
      eventType: 'login',
      accountId: 'acc-1',
      outcome: 'DENY',
      score: 70,
      degraded: false,
    });
    expect(res.body).toEqual((await t.store.get('ops', res.body.decisionId))?.decision);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('answers a transaction event and passes the validated, normalised event to the engine', async () => {
    const before = t.engine.calls.length;
    const res = await call(t.baseUrl, '/v1/assessments', {
      body: transactionEvent({ eventId: 'evt-sync-tx', amount: { value: 99.5, currency: 'EUR' }, unknownField: 1 }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ eventType: 'transaction', outcome: 'REVIEW' });
    const { event, options } = t.engine.calls[before]!;
    expect(event).toEqual({
      eventId: 'evt-sync-tx',
      type: 'transaction',
      occurredAt: '2026-11-21T10:16:00Z',
      accountId: 'acc-1',
      phoneNumber: '+491701234562',
      amount: { value: '99.5', currency: 'EUR' },
      transactionType: 'transfer',
    });
    expect(options).toMatchObject({ source: 'http', deadline: undefined });
    expect(t.engine.delivered.at(-1)).toEqual({ decisionId: decisionIdOf('evt-sync-tx'), source: 'http' });
  });

  it('turns X-Request-Deadline-Ms into an absolute deadline for the engine', async () => {
    const before = Date.now();
    const res = await call(t.baseUrl, '/v1/assessments', {
      body: loginEvent({ eventId: 'evt-deadline' }),
      headers: { 'x-request-deadline-ms': '150' },
    });
    const after = Date.now();
    expect(res.status).toBe(200);
    expect(res.body.degraded).toBe(true);
    const { options } = t.engine.calls.at(-1)!;
    expect(options.deadline).toBeGreaterThanOrEqual(before + 150);
    expect(options.deadline).toBeLessThanOrEqual(after + 150);
    expect(options.deadline! - options.receivedAt!).toBe(150);
  });

  it.each(['0', '60001', 'soon', '1.5'])('rejects X-Request-Deadline-Ms %s', async (value) => {
    const res = await call(t.baseUrl, '/v1/assessments', {
      body: loginEvent({ eventId: 'evt-bad-deadline' }),
      headers: { 'x-request-deadline-ms': value },
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'X-Request-Deadline-Ms', code: 'PARAMETER_INVALID' })]);
  });
});

describe('request ids', () => {
  it('echoes a valid X-Request-Id on success and on error', async () => {
    const ok = await call(t.baseUrl, '/v1/assessments', {
      body: loginEvent({ eventId: 'evt-rid' }),
      headers: { 'x-request-id': 'client:abc-123.4' },
    });
    expect(ok.headers.get('x-request-id')).toBe('client:abc-123.4');
    const err = await call(t.baseUrl, '/v1/assessments/dec_nope', { headers: { 'x-request-id': 'client:err-1' } });
    expect(err.status).toBe(404);
    expect(err.headers.get('x-request-id')).toBe('client:err-1');
    expect(err.body.requestId).toBe('client:err-1');
  });

  it('replaces an unsafe X-Request-Id with a generated one', async () => {
    const res = await call(t.baseUrl, '/v1/assessments/dec_nope', { headers: { 'x-request-id': 'bad id with spaces' } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^req_[A-Za-z0-9_-]+$/);
    expect(res.body.requestId).toBe(id);
  });

  it('generates distinct ids', async () => {
    const a = await call(t.baseUrl, '/v1/assessments/dec_a');
    const b = await call(t.baseUrl, '/v1/assessments/dec_a');
    expect(a.body.requestId).not.toBe(b.body.requestId);
  });
});

describe('validation errors', () => {
  it('rejects malformed JSON as VALIDATION_ERROR without calling the engine', async () => {
    const before = t.engine.calls.length;
    const res = await call(t.baseUrl, '/v1/assessments', { rawBody: '{"eventId": "x",' });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 400, 'VALIDATION_ERROR');
    expect(res.body.details).toEqual([{ field: '', code: 'PARAMETER_INVALID', message: 'body is not valid JSON' }]);
    expect(t.engine.calls.length).toBe(before);
  });

  it('rejects a body nested thousands deep (a stack overflow for recursive parsers) as VALIDATION_ERROR', async () => {
    const before = t.engine.calls.length;
    const res = await call(t.baseUrl, '/v1/assessments', {
      rawBody: JSON.stringify({ ...loginEvent(), deviceId: JSON.parse('['.repeat(1500) + ']'.repeat(1500)) as unknown }),
    });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 400, 'VALIDATION_ERROR');
    expect(res.body.details).toEqual([
      { field: '', code: 'PARAMETER_INVALID', message: 'body nests arrays or objects deeper than 32 levels' },
    ]);
    expect(t.engine.calls.length).toBe(before);
  });

  it('rejects a body that is not declared as JSON', async () => {
    const res = await call(t.baseUrl, '/v1/assessments', {
      rawBody: JSON.stringify(loginEvent()),
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(400);
    expect(res.body.details[0].message).toMatch(/Content-Type/);
  });

  it('rejects a body over MAX_PAYLOAD_BYTES with 413', async () => {
    const res = await call(t.baseUrl, '/v1/assessments', { body: loginEvent({ padding: 'x'.repeat(5000) }) });
    expect(res.status).toBe(413);
    expectErrorShape(res.body, 413, 'PAYLOAD_TOO_LARGE');
  });

  const cases: [string, Record<string, unknown>, string, string][] = [
    ['unknown type', loginEvent({ type: 'logout' }), 'type', 'UNKNOWN_ENUM_VALUE'],
    ['missing type', loginEvent({ type: undefined }), 'type', 'PARAMETER_REQUIRED'],
    ['missing eventId', loginEvent({ eventId: undefined }), 'eventId', 'PARAMETER_REQUIRED'],
    ['eventId too long', loginEvent({ eventId: 'e'.repeat(129) }), 'eventId', 'PARAMETER_TOO_LONG'],
    ['phone not E.164', loginEvent({ phoneNumber: '0170 1234567' }), 'phoneNumber', 'INVALID_PHONENUMBER_FORMAT'],
    ['occurredAt not RFC 3339', loginEvent({ occurredAt: 'yesterday' }), 'occurredAt', 'INVALID_DATETIME_FORMAT'],
    ['accountId a number', loginEvent({ accountId: 42 }), 'accountId', 'PARAMETER_INVALID_TYPE'],
    ['unknown channel', loginEvent({ channel: 'fax' }), 'channel', 'UNKNOWN_ENUM_VALUE'],
    ['bad currency', transactionEvent({ amount: { value: '1.00', currency: 'EURO' } }), 'amount.currency', 'INVALID_CURRENCY_CODE'],
    ['negative amount', transactionEvent({ amount: { value: '-5', currency: 'EUR' } }), 'amount.value', 'PARAMETER_INVALID'],
    ['missing amount', transactionEvent({ amount: undefined }), 'amount', 'PARAMETER_REQUIRED'],
    ['beneficiaryIsNew a string', transactionEvent({ beneficiaryIsNew: 'yes' }), 'beneficiaryIsNew', 'PARAMETER_INVALID_TYPE'],
    ['callbackUrl not http', loginEvent({ callbackUrl: 'ftp://127.0.0.1/x' }), 'callbackUrl', 'PARAMETER_INVALID'],
    ['callbackUrl a number', loginEvent({ callbackUrl: 7 }), 'callbackUrl', 'PARAMETER_INVALID_TYPE'],
  ];
  it.each(cases)('%s -> 400 VALIDATION_ERROR on the field', async (_name, body, field, code) => {
    const before = t.engine.calls.length;
    const res = await call(t.baseUrl, '/v1/assessments', { body });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 400, 'VALIDATION_ERROR');
    expect(res.body.details).toContainEqual(expect.objectContaining({ field, code }));
    expect(t.engine.calls.length).toBe(before);
  });

  it.each([[[loginEvent()]], ['"a string"'], [42]])('rejects a JSON body that is not an object: %j', async (body) => {
    const res = await call(t.baseUrl, '/v1/assessments', { rawBody: typeof body === 'string' ? body : JSON.stringify(body) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
  });
});

describe('authentication and authorisation', () => {
  it('401 without a key, with WWW-Authenticate', async () => {
    const res = await call(t.baseUrl, '/v1/assessments', { key: null, body: loginEvent() });
    expect(res.status).toBe(401);
    expectErrorShape(res.body, 401, 'UNAUTHORIZED');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('401 with a wrong key, and the secret is not echoed', async () => {
    const res = await call(t.baseUrl, '/v1/assessments/dec_x', { key: 'ops-secret-X' });
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).not.toContain('ops-secret-X');
  });

  it('401 for a non-Bearer scheme', async () => {
    const res = await call(t.baseUrl, '/v1/assessments/dec_x', { key: null, headers: { authorization: `Basic ${KEYS.ops}` } });
    expect(res.status).toBe(401);
  });

  it('403 when the key lacks the scope (read-only key POSTing, assess-only key GETting)', async () => {
    const post = await call(t.baseUrl, '/v1/assessments', { key: KEYS.reader, body: loginEvent() });
    expect(post.status).toBe(403);
    expectErrorShape(post.body, 403, 'FORBIDDEN');
    const get = await call(t.baseUrl, '/v1/assessments?accountId=acc-1', { key: KEYS.assessor });
    expect(get.status).toBe(403);
  });

  it('accepts a secret containing colons', async () => {
    const res = await call(t.baseUrl, '/v1/assessments', { key: KEYS.assessor, body: loginEvent({ eventId: 'evt-colon-key' }) });
    expect(res.status).toBe(200);
  });
});

describe('GET /v1/assessments/:decisionId', () => {
  it('returns a decision made earlier (any path: here the store directly, as Kafka would)', async () => {
    const made = await call(t.baseUrl, '/v1/assessments', { body: transactionEvent({ eventId: 'evt-get-1' }) });
    const res = await call(t.baseUrl, `/v1/assessments/${made.body.decisionId}`, { key: KEYS.reader });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(made.body);
  });

  it('404 NOT_FOUND for an unknown decision', async () => {
    const res = await call(t.baseUrl, '/v1/assessments/dec_unknownunknownunknown00');
    expect(res.status).toBe(404);
    expectErrorShape(res.body, 404, 'NOT_FOUND');
  });

  it('404 in the same shape for an unknown route', async () => {
    const res = await call(t.baseUrl, '/v2/nothing-here');
    expect(res.status).toBe(404);
    expectErrorShape(res.body, 404, 'NOT_FOUND');
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body without calling the engine again', async () => {
    const before = t.engine.calls.length;
    const body = loginEvent({ eventId: 'evt-idem-1', channel: 'web' });
    const first = await call(t.baseUrl, '/v1/assessments', { body, headers: { 'idempotency-key': 'k-1' } });
    // same document, other key order: canonical JSON makes it the same body
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const second = await call(t.baseUrl, '/v1/assessments', { body: reordered, headers: { 'idempotency-key': 'k-1' } });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(t.engine.calls.length - before).toBe(1);
  });

  it('409 CONFLICT for the same key with another body', async () => {
    await call(t.baseUrl, '/v1/assessments', { body: loginEvent({ eventId: 'evt-idem-2' }), headers: { 'idempotency-key': 'k-2' } });
    const res = await call(t.baseUrl, '/v1/assessments', {
      body: loginEvent({ eventId: 'evt-idem-3' }),
      headers: { 'idempotency-key': 'k-2' },
    });
    expect(res.status).toBe(409);
    expectErrorShape(res.body, 409, 'CONFLICT');
  });

  it('scopes keys per API key', async () => {
    await call(t.baseUrl, '/v1/assessments', { body: loginEvent({ eventId: 'evt-idem-4' }), headers: { 'idempotency-key': 'shared' } });
    const other = await call(t.baseUrl, '/v1/assessments', {
      key: KEYS.assessor,
      body: loginEvent({ eventId: 'evt-idem-5' }),
      headers: { 'idempotency-key': 'shared' },
    });
    expect(other.status).toBe(200);
    expect(other.body.eventId).toBe('evt-idem-5');
  });

  it('rejects a key longer than 255 characters', async () => {
    const res = await call(t.baseUrl, '/v1/assessments', { body: loginEvent(), headers: { 'idempotency-key': 'k'.repeat(256) } });
    expect(res.status).toBe(400);
    expect(res.body.details[0]).toMatchObject({ field: 'Idempotency-Key', code: 'PARAMETER_TOO_LONG' });
  });
});

describe('GET /v1/assessments (list)', () => {
  it('400 PARAMETER_REQUIRED without accountId', async () => {
    const res = await call(t.baseUrl, '/v1/assessments');
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'accountId', code: 'PARAMETER_REQUIRED' })]);
  });

  it.each([['page_size=101'], ['page_size=0x10'], ['page_number=0']])('400 for %s', async (query) => {
    const res = await call(t.baseUrl, `/v1/assessments?accountId=acc-1&${query}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
  });

  it('walks 35 decisions in pages of 10 through next_page_url, newest first', async () => {
    const start = Date.parse('2026-11-01T00:00:00Z');
    const made: string[] = [];
    for (let i = 0; i < 35; i++) {
      const occurredAt = new Date(start + i * 60_000).toISOString();
      const res = await call(t.baseUrl, '/v1/assessments', {
        body: loginEvent({ eventId: `evt-page-${i}`, accountId: 'acc-paging', occurredAt }),
      });
      made.push(res.body.decisionId);
    }
    const newestFirst = [...made].reverse();
    const seen: string[] = [];
    const counts: number[] = [];
    let url: string | null = '/v1/assessments?accountId=acc-paging&page_size=10';
    let pageNumber = 1;
    while (url) {
      const res = await call(t.baseUrl, url, { key: KEYS.reader });
      expect(res.status).toBe(200);
      const { decisions, meta } = res.body;
      expect(meta).toMatchObject({ count: 35, page_size: 10, page_number: pageNumber });
      expect(meta.previous_page_url).toBe(
        pageNumber === 1 ? null : `/v1/assessments?accountId=acc-paging&page_size=10&page_number=${pageNumber - 1}`,
      );
      counts.push(decisions.length);
      seen.push(...decisions.map((d: { decisionId: string }) => d.decisionId));
      url = meta.next_page_url;
      if (url) expect(url).toBe(`/v1/assessments?accountId=acc-paging&page_size=10&page_number=${pageNumber + 1}`);
      pageNumber++;
    }
    expect(counts).toEqual([10, 10, 10, 5]);
    expect(seen).toEqual(newestFirst);
  });

  it('an empty page past the end still has a previous link', async () => {
    const res = await call(t.baseUrl, '/v1/assessments?accountId=acc-none&page_number=3');
    expect(res.body).toEqual({
      decisions: [],
      meta: {
        count: 0,
        page_size: 20,
        page_number: 3,
        previous_page_url: '/v1/assessments?accountId=acc-none&page_size=20&page_number=1',
        next_page_url: null,
      },
    });
  });
});

describe('internal errors', () => {
  it('500 INTERNAL_ERROR with a generic message: nothing of the cause leaks', async () => {
    t.engine.failWith = new Error('ECONNREFUSED redis://:hunter2@10.1.2.3:6379');
    try {
      const res = await call(t.baseUrl, '/v1/assessments', { body: loginEvent({ eventId: 'evt-boom' }) });
      expect(res.status).toBe(500);
      expectErrorShape(res.body, 500, 'INTERNAL_ERROR');
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/hunter2|ECONNREFUSED|10\.1\.2\.3|at /);
    } finally {
      t.engine.failWith = undefined;
    }
  });
});

describe('metrics and OpenAPI', () => {
  it('labels HTTP metrics with the route template, never the raw path', async () => {
    await call(t.baseUrl, '/v1/assessments/dec_metrics_probe');
    await call(t.baseUrl, '/v1/assessments', { rawBody: 'x'.repeat(5000) });
    const text = await t.metrics.registry.getSingleMetricAsString('riskwire_http_requests_total');
    expect(text).toMatch(/route="\/v1\/assessments\/:decisionId",status="404"/);
    expect(text).toMatch(/method="POST",route="\/v1\/assessments",status="413"/);
    expect(text).not.toContain('dec_metrics_probe');
  });

  it('serves /openapi.json with every endpoint, the error schema and the bearer scheme', async () => {
    const res = await call(t.baseUrl, '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/assessments', '/v1/assessments/{decisionId}']));
    expect(Object.keys(doc.paths['/v1/assessments'])).toEqual(expect.arrayContaining(['post', 'get']));
    expect(Object.keys(doc.paths['/v1/assessments'].post.responses)).toEqual(
      expect.arrayContaining(['200', '202', '400', '401', '403', '409', '413', '429', '500']),
    );
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.ErrorSchema.required).toEqual(
      expect.arrayContaining(['status', 'code', 'message', 'details', 'requestId']),
    );
    expect(doc.paths['/v1/assessments'].post.requestBody.content['application/json'].examples.transaction.value.amount).toEqual({
      value: '1250.00',
      currency: 'EUR',
    });
    const page = await fetch(`${t.baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger');
  });
});

describe('rate limit', () => {
  let limited: ApiTestApp;
  beforeAll(async () => {
    limited = await startApiApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('429 RATE_LIMITED with Retry-After once a key has used its tokens; other keys are unaffected', async () => {
    for (let i = 0; i < 3; i++) expect((await call(limited.baseUrl, '/v1/assessments/dec_x')).status).toBe(404);
    const res = await call(limited.baseUrl, '/v1/assessments/dec_x');
    expect(res.status).toBe(429);
    expectErrorShape(res.body, 429, 'RATE_LIMITED');
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    // a fixed window of one minute, shared by the replicas through Redis when there is one: at most 60 s
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers.get('ratelimit-policy')).toBe(`"per-key";q=3;w=60`);
    expect(res.headers.get('ratelimit')).toBe(`"per-key";r=0;t=${retryAfter}`);
    expect((await call(limited.baseUrl, '/v1/assessments/dec_x', { key: KEYS.reader })).status).toBe(404);
  });
});

describe('event ids and tenants', () => {
  it('409 EVENT_ID_CONFLICT for the same eventId with other content; the first decision stands and a true retry still gets it', async () => {
    const first = await call(t.baseUrl, '/v1/assessments', { body: transactionEvent({ eventId: 'evt-conflict-1' }) });
    expect(first.status).toBe(200);
    const calls = t.engine.calls.length;
    const other = await call(t.baseUrl, '/v1/assessments', {
      body: transactionEvent({
        eventId: 'evt-conflict-1',
        accountId: 'acc-evil',
        phoneNumber: '+491709999990',
        amount: { value: '1.00', currency: 'EUR' },
      }),
    });
    expect(other.status).toBe(409);
    expectErrorShape(other.body, 409, 'EVENT_ID_CONFLICT');
    expect(other.body.message).toContain('evt-conflict-1');
    expect(JSON.stringify(other.body)).not.toMatch(/\+49|acc-evil|acc-1/);
    expect(other.body.details).toEqual([expect.objectContaining({ field: 'eventId', code: 'PARAMETER_INVALID' })]);
    expect(t.engine.calls.length - calls).toBe(1);
    const retry = await call(t.baseUrl, '/v1/assessments', {
      body: Object.fromEntries(Object.entries(transactionEvent({ eventId: 'evt-conflict-1' })).reverse()),
    });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect((await call(t.baseUrl, `/v1/assessments/${first.body.decisionId}`)).body).toEqual(first.body);
  });

  it("another tenant's decision is 404 exactly like an unknown one, and its lists are empty", async () => {
    const made = await call(t.baseUrl, '/v1/assessments', { body: loginEvent({ eventId: 'evt-tenant-1', accountId: 'acc-tenant' }) });
    expect(made.status).toBe(200);
    expect(made.body.decisionId).toBe(decisionIdOf('evt-tenant-1', 'ops'));
    const theirs = await call(t.baseUrl, `/v1/assessments/${made.body.decisionId}`, { key: KEYS.globex });
    const unknown = await call(t.baseUrl, '/v1/assessments/dec_unknownunknownunknown00', { key: KEYS.globex });
    expect(theirs.status).toBe(404);
    expectErrorShape(theirs.body, 404, 'NOT_FOUND');
    expect(theirs.body.message.replace(made.body.decisionId, 'ID')).toBe(unknown.body.message.replace('dec_unknownunknownunknown00', 'ID'));
    const list = await call(t.baseUrl, '/v1/assessments?accountId=acc-tenant', { key: KEYS.globex });
    expect(list.body).toMatchObject({ decisions: [], meta: { count: 0 } });
    expect((await call(t.baseUrl, '/v1/assessments?accountId=acc-tenant')).body.meta.count).toBe(1);
  });

  it("the same eventId in another tenant is another decision, made from that tenant's own content", async () => {
    const ours = await call(t.baseUrl, '/v1/assessments', { body: loginEvent({ eventId: 'evt-shared-id', phoneNumber: '+491701234561' }) });
    const theirs = await call(t.baseUrl, '/v1/assessments', {
      key: KEYS.globex,
      body: loginEvent({ eventId: 'evt-shared-id', phoneNumber: '+491701234563' }),
    });
    expect(theirs.status).toBe(200);
    expect(theirs.body.decisionId).toBe(decisionIdOf('evt-shared-id', 'globex'));
    expect(theirs.body.decisionId).not.toBe(ours.body.decisionId);
    expect([ours.body.score, theirs.body.score]).toEqual([10, 30]);
    expect((await call(t.baseUrl, `/v1/assessments/${ours.body.decisionId}`)).body).toEqual(ours.body);
  });

  it('keys of one tenant share its decisions and its Idempotency-Keys', async () => {
    const made = await call(t.baseUrl, '/v1/assessments', {
      body: loginEvent({ eventId: 'evt-team' }),
      headers: { 'idempotency-key': 'team-1' },
    });
    expect((await call(t.baseUrl, `/v1/assessments/${made.body.decisionId}`, { key: KEYS.opsBot })).body).toEqual(made.body);
    const replay = await call(t.baseUrl, '/v1/assessments', {
      key: KEYS.opsBot,
      body: loginEvent({ eventId: 'evt-team' }),
      headers: { 'idempotency-key': 'team-1' },
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const other = await call(t.baseUrl, '/v1/assessments', {
      key: KEYS.globex,
      body: loginEvent({ eventId: 'evt-team-globex' }),
      headers: { 'idempotency-key': 'team-1' },
    });
    expect(other.status).toBe(200);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
  });

  it('lists 409 EVENT_ID_CONFLICT in the OpenAPI document', async () => {
    const doc = (await call(t.baseUrl, '/openapi.json', { key: null })).body;
    expect(doc.paths['/v1/assessments'].post.responses['409'].content['application/json'].example.code).toBe('EVENT_ID_CONFLICT');
    expect(doc.components.schemas.ErrorSchema.properties.code.enum).toContain('EVENT_ID_CONFLICT');
  });
});
