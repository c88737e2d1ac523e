import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JsonOverHttp } from './json-over-http.js';

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

describe('JsonOverHttp', () => {
  let server: Server;
  let answer: Answer;
  let http: JsonOverHttp;
  let held: ServerResponse[];
  let requests: number;

  const start = async (maxConnections = 4, maxBodyBytes = 1024) => {
    server = createServer((req, res) => {
      requests += 1;
      req.resume();
      req.on('end', () => answer(req, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    http = new JsonOverHttp({ baseUrl: `http://127.0.0.1:${port}/api/`, timeoutMs: 5000, maxConnections, maxBodyBytes });
  };
  const post = (signal?: AbortSignal) => http.post({ path: '/q', headers: { 'content-type': 'application/json' }, body: '{}', signal });

  beforeEach(() => {
    held = [];
    requests = 0;
  });
  afterEach(async () => {
    held.forEach((res) => res.destroy());
    await http.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads a body that arrives in several chunks, with the path prefix and the headers', async () => {
    await start();
    let seenPath = '';
    answer = (req, res) => {
      seenPath = req.url ?? '';
      res.writeHead(200, { 'content-type': 'application/json', 'x-correlator': 'c-1' });
      res.write('{"swapped":');
      setTimeout(() => res.end('true}'), 20);
    };
    expect(await post()).toEqual({
      kind: 'answered',
      status: 200,
      body: { swapped: true },
      headers: expect.objectContaining({ 'x-correlator': 'c-1' }),
    });
    expect(seenPath).toBe('/api/q');
  });

  it('a 2xx body past the cap is not an answer; an error status past the cap still maps by status, without a body', async () => {
    await start(4, 64);
    const big = JSON.stringify({ swapped: true, padding: 'x'.repeat(200) });
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(big);
    expect(await post()).toEqual({ kind: 'failed', reason: 'invalid_response', detail: 'body too large' });
    answer = (_req, res) => res.writeHead(503, { 'retry-after': '2' }).end(big);
    expect(await post()).toEqual({ kind: 'answered', status: 503, body: undefined, headers: expect.any(Object), retryAfterMs: 2000 });
  });

  it('a 2xx that is not JSON is not an answer; an empty error body is', async () => {
    await start();
    answer = (_req, res) => res.writeHead(200).end('<html>oops</html>');
    expect(await post()).toEqual({ kind: 'failed', reason: 'invalid_response', detail: 'body is not JSON' });
    answer = (_req, res) => res.writeHead(404).end();
    expect(await post()).toMatchObject({ kind: 'answered', status: 404, body: undefined });
  });

  it('a deadline that passes while the request waits for a connection answers timeout at once, and the connection serves the next', async () => {
    await start(1);
    answer = (_req, res) => held.push(res);
    const first = post();
    await waitFor(() => held.length === 1);
    const deadline = new AbortController();
    const queued = post(deadline.signal);
    const before = Date.now();
    setTimeout(() => deadline.abort(), 50);
    expect(await queued).toEqual({ kind: 'failed', reason: 'timeout', detail: 'no answer in time' });
    expect(Date.now() - before).toBeLessThan(1000);
    held[0].writeHead(200, { 'content-type': 'application/json' }).end('{"active":false}');
    expect(await first).toMatchObject({ kind: 'answered', status: 200, body: { active: false } });
    answer = (_req, res) => res.writeHead(200).end('{"active":true}');
    expect(await post()).toMatchObject({ kind: 'answered', body: { active: true } });
    // the queued request was cut before it was sent: the server saw the held one and the last one only
    expect(requests).toBe(2);
  });

  it('a deadline that passes mid-answer cuts the request and says timeout', async () => {
    await start();
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"active":');
      held.push(res);
    };
    const deadline = new AbortController();
    const pending = post(deadline.signal);
    await waitFor(() => held.length === 1);
    deadline.abort();
    expect(await pending).toEqual({ kind: 'failed', reason: 'timeout', detail: 'no answer in time' });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not met in 2 s');
}
