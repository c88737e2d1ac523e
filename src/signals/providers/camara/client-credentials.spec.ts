import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpstreamStub, type StubReply, type StubRequest } from '../../../../test/doubles/upstream-stub.js';
import { ClientCredentialsTokens, type ClientCredentialsSettings } from './client-credentials.js';

const SECRET = 'sec:ret with space';

describe('ClientCredentialsTokens', () => {
  let stub: UpstreamStub;
  let issued = 0;
  let now = 1_000_000;
  let lifetimeS: number | undefined = 3600;
  const clock = () => now;
  const tokenRequests = () => stub.requests.length;

  const issuing = (request: StubRequest): StubReply => {
    issued += 1;
    const form = new URLSearchParams(String(request.body));
    return {
      delayMs: 20,
      body: {
        access_token: `tok-${issued}-${form.get('scope')}`,
        token_type: 'bearer',
        ...(lifetimeS !== undefined ? { expires_in: lifetimeS } : {}),
      },
    };
  };

  const tokens = (overrides: Partial<ClientCredentialsSettings> = {}, observer?: { tokenRequested: (o: 'ok' | 'failed') => void }) =>
    new ClientCredentialsTokens(
      { tokenUrl: `${stub.baseUrl}/token`, clientId: 'riskwire', clientSecret: SECRET, timeoutMs: 2000, ...overrides },
      observer,
      clock,
    );

  beforeAll(async () => {
    stub = await UpstreamStub.start(issuing);
  });
  afterEach(() => {
    stub.handler = issuing;
    stub.requests.length = 0;
    issued = 0;
    now = 1_000_000;
    lifetimeS = 3600;
  });
  afterAll(async () => {
    await stub.close();
  });

  it('asks with grant_type=client_credentials, the scope, and HTTP Basic of the form-encoded id and secret', async () => {
    const client = tokens();
    expect(await client.token('sim-swap:check')).toEqual({ ok: true, token: 'tok-1-sim-swap:check' });
    const [request] = stub.requests;
    expect(new URLSearchParams(String(request!.body)).toString()).toBe('grant_type=client_credentials&scope=sim-swap%3Acheck');
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const basic = Buffer.from(String(request!.headers.authorization).replace(/^Basic /, ''), 'base64').toString();
    expect(basic).toBe('riskwire:sec%3Aret+with+space');
    await client.close();
  });

  it('client_secret_post sends the credentials in the form instead', async () => {
    const client = tokens({ authMethod: 'client_secret_post' });
    await client.token('device-swap:check');
    const form = new URLSearchParams(String(stub.requests[0]!.body));
    expect([form.get('client_id'), form.get('client_secret'), stub.requests[0]!.headers.authorization]).toEqual([
      'riskwire',
      SECRET,
      undefined,
    ]);
    await client.close();
  });

  it('200 concurrent calls for one scope make one token request; another scope gets its own', async () => {
    const client = tokens();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => client.token(i % 2 === 0 ? 'sim-swap:check' : 'device-swap:check')),
    );
    expect(tokenRequests()).toBe(2);
    expect(new Set(answers.map((a) => (a.ok ? a.token : 'failed')))).toEqual(new Set(['tok-1-sim-swap:check', 'tok-2-device-swap:check']));
    // and the cache answers later calls without asking again
    await client.token('sim-swap:check');
    expect(tokenRequests()).toBe(2);
    await client.close();
  });

  it('renews shortly before expiry: a token expiring mid-stream causes exactly one refresh for all waiting calls', async () => {
    const client = tokens();
    await client.token('sim-swap:check');
    now += 3600_000 - 31_000; // still outside the 30 s margin
    await client.token('sim-swap:check');
    expect(tokenRequests()).toBe(1);
    now += 2_000; // inside the margin
    const answers = await Promise.all(Array.from({ length: 100 }, () => client.token('sim-swap:check')));
    expect(tokenRequests()).toBe(2);
    expect(new Set(answers.map((a) => a.ok && a.token))).toEqual(new Set(['tok-2-sim-swap:check']));
    await client.close();
  });

  it('a short-lived token is renewed a tenth of its lifetime early; without expires_in it lives a minute', async () => {
    lifetimeS = 10;
    const client = tokens();
    await client.token('s');
    now += 8_900;
    await client.token('s');
    expect(tokenRequests()).toBe(1);
    now += 200;
    await client.token('s');
    expect(tokenRequests()).toBe(2);
    lifetimeS = undefined;
    const other = tokens();
    await other.token('t');
    now += 53_000;
    await other.token('t');
    expect(tokenRequests()).toBe(3);
    now += 1_000;
    await other.token('t');
    expect(tokenRequests()).toBe(4);
    await Promise.all([client.close(), other.close()]);
  });

  it('invalidate drops only the refused token: 50 concurrent 401s with the same token cause one refresh', async () => {
    const client = tokens();
    const first = await client.token('sim-swap:check');
    if (!first.ok) throw new Error('no token');
    const renewed = await Promise.all(
      Array.from({ length: 50 }, async () => {
        client.invalidate('sim-swap:check', first.token);
        return client.token('sim-swap:check');
      }),
    );
    expect(tokenRequests()).toBe(2);
    const second = renewed[0]!;
    // a late 401 for the old token must not throw away the new one
    client.invalidate('sim-swap:check', first.token);
    expect(await client.token('sim-swap:check')).toEqual(second);
    expect(tokenRequests()).toBe(2);
    await client.close();
  });

  it.each<[string, StubReply, RegExp]>([
    ['401 invalid_client', { status: 401, body: { error: 'invalid_client' } }, /token endpoint answered 401 invalid_client/],
    ['503 without body', { status: 503 }, /token endpoint answered 503/],
    ['200 without access_token', { body: { token_type: 'Bearer' } }, /without access_token/],
    ['200 with a MAC token', { body: { access_token: 'x', token_type: 'mac' } }, /not a bearer token/],
    ['200 that is not JSON', { body: 'ok' }, /token endpoint invalid_response/],
  ])('a token endpoint failure (%s) is a clear failure, counted, never echoing the secret', async (_name, reply, detail) => {
    stub.handler = () => reply;
    const outcomes: string[] = [];
    const client = tokens({}, { tokenRequested: (o) => outcomes.push(o) });
    const outcome = await client.token('sim-swap:check');
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.detail).toMatch(detail);
      expect(outcome.detail).not.toContain(SECRET);
    }
    expect(outcomes).toEqual(['failed']);
    await client.close();
  });

  it('after a failure, calls fail fast for the cooldown instead of hammering the endpoint, then ask again', async () => {
    stub.handler = () => ({ status: 503 });
    const client = tokens({ failureCooldownMs: 1000 });
    await client.token('s');
    await Promise.all(Array.from({ length: 20 }, () => client.token('s')));
    expect(tokenRequests()).toBe(1);
    stub.handler = issuing;
    now += 1_001;
    expect((await client.token('s')).ok).toBe(true);
    expect(tokenRequests()).toBe(2);
    await client.close();
  });

  it('a caller that gives up stops waiting without cancelling the shared request', async () => {
    stub.handler = (r) => ({ ...issuing(r), delayMs: 200 });
    const client = tokens();
    const impatient = client.token('s', AbortSignal.timeout(20));
    const patient = client.token('s');
    expect(await impatient).toMatchObject({ ok: false, aborted: true });
    expect((await patient).ok).toBe(true);
    expect(tokenRequests()).toBe(1);
    await client.close();
  });

  it('reads the secret from a file (a mounted Secret) per request, without its trailing newline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'camara-secret-'));
    const file = join(dir, 'secret');
    await writeFile(file, 'from-file\n');
    const client = tokens({ clientSecret: undefined, clientSecretFile: file });
    await client.token('s');
    const basic = Buffer.from(String(stub.requests[0]!.headers.authorization).replace(/^Basic /, ''), 'base64').toString();
    expect(basic).toBe('riskwire:from-file');
    await rm(dir, { recursive: true });
    now += 4000_000;
    const missing = await client.token('s');
    expect(missing).toEqual({ ok: false, detail: 'client secret file unreadable (ENOENT)' });
    await client.close();
    expect(() => tokens({ clientSecret: undefined })).toThrow(/exactly one of clientSecret and clientSecretFile/);
  });
});
