/* eslint-disable @typescript-eslint/no-explicit-any -- JSON response bodies and gRPC clients loaded from the proto at run time are untyped */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { ApiTestApp, KEYS, call, decisionIdOf, loginEvent, startApiApp, transactionEvent } from '../../test/api/api-test-kit.js';
import { Webhook } from 'standardwebhooks';
import { parseSigningSecrets, verifyWebhook } from '../credentials/callback-signature.js';

const webhookHeaders = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(headers[h])]));

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A callback receiver on 127.0.0.1:0 answering with the given statuses in turn (the last one repeats). */
async function startReceiver(statuses: number[] = [200]) {
  const received: Received[] = [];
  let waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = statuses[Math.min(received.length, statuses.length - 1)]!;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status).end();
      waiters.forEach((w) => w());
      waiters = [];
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks/riskwire`,
    received,
    async waitFor(count: number, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`receiver got ${received.length} of ${count} callbacks`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let t: ApiTestApp;
const receivers: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  t = await startApiApp();
});
afterEach(async () => {
  t.engine.delayMs = 0;
  t.engine.failWith = undefined;
});
afterAll(async () => {
  await t.close();
  await Promise.all(receivers.map((r) => r.close()));
});

describe('asynchronous assessment with callbackUrl', () => {
  it('202 with a Location at once, PENDING while deciding, then the decision POSTed with a valid signature', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    t.engine.delayMs = 300;
    const res = await call(t.baseUrl, '/v1/assessments', { body: transactionEvent({ eventId: 'evt-async-1', callbackUrl: receiver.url }) });
    const decisionId = decisionIdOf('evt-async-1');
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ decisionId, status: 'PENDING' });
    expect(res.headers.get('location')).toBe(`/v1/assessments/${decisionId}`);

    const pending = await call(t.baseUrl, `/v1/assessments/${decisionId}`);
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual({ decisionId, status: 'PENDING' });

    await receiver.waitFor(1);
    const [delivery] = receiver.received;
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(delivery!.headers['x-riskwire-decision-id']).toBe(decisionId);
    expect(delivery!.headers['x-riskwire-signature']).toBeUndefined();
    const headers = webhookHeaders(delivery!.headers);
    expect(headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]+$/);
    expect(headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const ours = parseSigningSecrets('test-signing-secret');
    expect(verifyWebhook(ours, delivery!.body, headers)).toBe(true);
    expect(verifyWebhook(parseSigningSecrets('another-secret'), delivery!.body, headers)).toBe(false);
    expect(verifyWebhook(ours, delivery!.body.replace('"DENY"', '"ALLOW"').replace('"REVIEW"', '"ALLOW"'), headers)).toBe(false);
    expect(verifyWebhook(ours, delivery!.body, { ...headers, 'webhook-id': 'msg_other' })).toBe(false);

    const decision = JSON.parse(delivery!.body);
    expect(decision).toMatchObject({ decisionId, eventId: 'evt-async-1', eventType: 'transaction' });
    const done = await call(t.baseUrl, `/v1/assessments/${decisionId}`);
    expect(done.body).toEqual(decision);
  });

  it('verifies independently: HMAC-SHA256 over "id.timestamp.body" written from the spec, and the standardwebhooks library', async () => {
    const { createHmac, timingSafeEqual } = await import('node:crypto');
    const receiver = await startReceiver();
    receivers.push(receiver);
    await call(t.baseUrl, '/v1/assessments', { body: loginEvent({ eventId: 'evt-async-hmac', callbackUrl: receiver.url }) });
    await receiver.waitFor(1);
    const { body, headers } = receiver.received[0]!;
    const id = headers['webhook-id'] as string;
    const timestamp = headers['webhook-timestamp'] as string;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(30);
    const expected = createHmac('sha256', 'test-signing-secret').update(`${id}.${timestamp}.${body}`).digest();
    const given = (headers['webhook-signature'] as string).split(' ').map((entry) => Buffer.from(entry.slice('v1,'.length), 'base64'));
    expect(given.some((g) => g.length === expected.length && timingSafeEqual(g, expected))).toBe(true);
    // a raw (non-whsec_) secret is the key bytes themselves: the library's "raw" format
    expect(new Webhook('test-signing-secret', { format: 'raw' }).verify(body, webhookHeaders(headers))).toMatchObject({
      eventId: 'evt-async-hmac',
    });
    expect(() => new Webhook('another-secret', { format: 'raw' }).verify(body, webhookHeaders(headers))).toThrow('No matching signature');
  });

  it('retries a receiver that answers 503 twice and delivers on the third attempt', async () => {
    const receiver = await startReceiver([503, 503, 204]);
    receivers.push(receiver);
    const retriedBefore = (await t.metrics.callbacks.get()).values.find((v) => v.labels.result === 'retried')?.value ?? 0;
    const res = await call(t.baseUrl, '/v1/assessments', { body: loginEvent({ eventId: 'evt-async-retry', callbackUrl: receiver.url }) });
    expect(res.status).toBe(202);
    await receiver.waitFor(3);
    expect(receiver.received.map((r) => r.status)).toEqual([503, 503, 204]);
    // every attempt carries the same decision, under the same webhook-id (receivers de-duplicate on it)
    expect(new Set(receiver.received.map((r) => JSON.parse(r.body).decisionId))).toEqual(new Set([decisionIdOf('evt-async-retry')]));
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const values = (await t.metrics.callbacks.get()).values;
    expect(values.find((v) => v.labels.result === 'retried')!.value - retriedBefore).toBe(2);
    expect(values.find((v) => v.labels.result === 'delivered')!.value).toBeGreaterThanOrEqual(1);
  });

  it('does not retry a receiver that answers 4xx', async () => {
    const receiver = await startReceiver([400, 200]);
    receivers.push(receiver);
    await call(t.baseUrl, '/v1/assessments', { body: loginEvent({ eventId: 'evt-async-400', callbackUrl: receiver.url }) });
    await receiver.waitFor(1);
    await new Promise((r) => setTimeout(r, 800));
    expect(receiver.received).toHaveLength(1);
  });

  it('replays a 202 for the same Idempotency-Key without a second assessment or callback', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const body = loginEvent({ eventId: 'evt-async-idem', callbackUrl: receiver.url });
    const before = t.engine.calls.length;
    const first = await call(t.baseUrl, '/v1/assessments', { body, headers: { 'idempotency-key': 'async-1' } });
    await receiver.waitFor(1);
    const second = await call(t.baseUrl, '/v1/assessments', { body, headers: { 'idempotency-key': 'async-1' } });
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(1);
    expect(t.engine.calls.length - before).toBe(1);
  });

  it('reports FAILED when the background assessment fails', async () => {
    t.engine.failWith = new Error('scoring exploded');
    const res = await call(t.baseUrl, '/v1/assessments', {
      body: loginEvent({ eventId: 'evt-async-fail', callbackUrl: 'http://127.0.0.1:9/never' }),
    });
    expect(res.status).toBe(202);
    const decisionId = res.body.decisionId;
    let state: any;
    for (let i = 0; i < 50; i++) {
      state = (await call(t.baseUrl, `/v1/assessments/${decisionId}`)).body;
      if (state.status !== 'PENDING') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(state).toEqual({ decisionId, status: 'FAILED', error: { code: 'INTERNAL_ERROR', message: expect.any(String) } });
    expect(JSON.stringify(state)).not.toContain('exploded');
  });

  it('409 EVENT_ID_CONFLICT at once for an eventId already decided or accepted with other content; the PENDING state stays', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    t.engine.delayMs = 300;
    const accepted = await call(t.baseUrl, '/v1/assessments', {
      body: loginEvent({ eventId: 'evt-async-conflict', callbackUrl: receiver.url }),
    });
    expect(accepted.status).toBe(202);
    const calls = t.engine.calls.length;
    const whilePending = await call(t.baseUrl, '/v1/assessments', {
      body: loginEvent({ eventId: 'evt-async-conflict', accountId: 'acc-other', callbackUrl: receiver.url }),
    });
    expect(whilePending.status).toBe(409);
    expect(whilePending.body.code).toBe('EVENT_ID_CONFLICT');
    expect((await call(t.baseUrl, `/v1/assessments/${accepted.body.decisionId}`)).body).toEqual({
      decisionId: accepted.body.decisionId,
      status: 'PENDING',
    });
    await receiver.waitFor(1);
    const afterwards = await call(t.baseUrl, '/v1/assessments', {
      body: loginEvent({ eventId: 'evt-async-conflict', accountId: 'acc-other', callbackUrl: receiver.url }),
    });
    expect(afterwards.status).toBe(409);
    expect(t.engine.calls.length).toBe(calls);
    // the same content again is fine: accepted, and the retained decision is called back
    const same = await call(t.baseUrl, '/v1/assessments', {
      body: loginEvent({ eventId: 'evt-async-conflict', callbackUrl: receiver.url }),
    });
    expect(same.status).toBe(202);
    await receiver.waitFor(2);
    expect(JSON.parse(receiver.received[1]!.body)).toEqual(JSON.parse(receiver.received[0]!.body));
  });

  it("an accepted assessment is another tenant's 404 while PENDING and after", async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    t.engine.delayMs = 300;
    const accepted = await call(t.baseUrl, '/v1/assessments', {
      body: loginEvent({ eventId: 'evt-async-tenant', callbackUrl: receiver.url }),
    });
    expect(accepted.body.decisionId).toBe(decisionIdOf('evt-async-tenant', 'ops'));
    expect((await call(t.baseUrl, `/v1/assessments/${accepted.body.decisionId}`, { key: KEYS.globex })).status).toBe(404);
    await receiver.waitFor(1);
    expect((await call(t.baseUrl, `/v1/assessments/${accepted.body.decisionId}`, { key: KEYS.globex })).status).toBe(404);
    expect((await call(t.baseUrl, `/v1/assessments/${accepted.body.decisionId}`, { key: KEYS.reader })).status).toBe(200);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'metadata IP'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata hostname'],
    ['http://[fe80::1]/x', 'IPv6 link-local'],
    ['http://[::ffff:169.254.169.254]/x', 'IPv4-mapped metadata IP'],
    ['http://user:pw@127.0.0.1/x', 'credentials in URL'],
  ])('rejects callbackUrl %s (%s) with 400 on callbackUrl', async (url) => {
    const before = t.engine.calls.length;
    const res = await call(t.baseUrl, '/v1/assessments', { body: loginEvent({ eventId: 'evt-ssrf', callbackUrl: url }) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'callbackUrl', code: 'PARAMETER_INVALID' })]);
    expect(t.engine.calls.length).toBe(before);
  });
});

describe('callbacks to private addresses', () => {
  let strict: ApiTestApp;
  beforeAll(async () => {
    strict = await startApiApp({ env: { CALLBACK_ALLOW_PRIVATE: 'false' } });
  });
  afterAll(async () => {
    await strict.close();
  });

  it.each(['http://127.0.0.1:8080/x', 'http://10.0.0.7/x', 'http://192.168.1.1/x', 'http://[::1]/x', 'http://localhost/x'])(
    'are refused unless CALLBACK_ALLOW_PRIVATE: %s',
    async (url) => {
      const res = await call(strict.baseUrl, '/v1/assessments', { body: loginEvent({ eventId: 'evt-private', callbackUrl: url }) });
      expect(res.status).toBe(400);
      expect(res.body.details[0]).toMatchObject({ field: 'callbackUrl', code: 'PARAMETER_INVALID' });
      expect(res.body.details[0].message).toMatch(/loopback or private/);
    },
  );
});

describe('callback signing secret rotation', () => {
  // two secrets in CALLBACK_SIGNING_SECRET: the new one (spec form) and the one being rotated out (raw)
  const current = `whsec_${Buffer.from('the-new-callback-signing-key-of-32b').toString('base64')}`;
  const previous = 'the-old-callback-signing-secret-being-retired';
  let rotating: ApiTestApp;
  beforeAll(async () => {
    rotating = await startApiApp({ env: { CALLBACK_SIGNING_SECRET: `${current} ${previous}` } });
  });
  afterAll(async () => {
    await rotating.close();
  });

  it('signs every callback with both, so a receiver holding either one verifies it', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    await call(rotating.baseUrl, '/v1/assessments', { body: loginEvent({ eventId: 'evt-async-rotate', callbackUrl: receiver.url }) });
    await receiver.waitFor(1);
    const { body, headers } = receiver.received[0]!;
    expect((headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, webhookHeaders(headers))).toMatchObject({ eventId: 'evt-async-rotate' });
    expect(new Webhook(previous, { format: 'raw' }).verify(body, webhookHeaders(headers))).toMatchObject({ eventId: 'evt-async-rotate' });
    expect(() => new Webhook('an-unrelated-secret', { format: 'raw' }).verify(body, webhookHeaders(headers))).toThrow();
  });
});

describe('with CALLBACKS=disabled', () => {
  let noCallbacks: ApiTestApp;
  beforeAll(async () => {
    noCallbacks = await startApiApp({ env: { CALLBACKS: 'disabled' } });
  });
  afterAll(async () => {
    await noCallbacks.close();
  });

  it('answers a request with callbackUrl 400 on callbackUrl, without assessing or calling back', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const before = noCallbacks.engine.calls.length;
    const res = await call(noCallbacks.baseUrl, '/v1/assessments', {
      body: loginEvent({ eventId: 'evt-no-callbacks', callbackUrl: receiver.url }),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION_ERROR', requestId: expect.any(String) });
    expect(res.body.details).toEqual([
      { field: 'callbackUrl', code: 'PARAMETER_INVALID', message: expect.stringMatching(/callback.*disabled/i) },
    ]);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toHaveLength(0);
    expect(noCallbacks.engine.calls.length).toBe(before);
  });

  it('still answers synchronous assessments', async () => {
    const res = await call(noCallbacks.baseUrl, '/v1/assessments', { body: loginEvent({ eventId: 'evt-no-callbacks-sync' }) });
    expect(res.status).toBe(200);
    expect(res.body.eventId).toBe('evt-no-callbacks-sync');
  });
});
