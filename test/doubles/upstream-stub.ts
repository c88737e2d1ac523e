import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Test double of the Network Signals API on 127.0.0.1:<ephemeral>; records what it was sent. Tests only. */
export interface StubRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface StubReply {
  status?: number;
  /** Objects are sent as JSON, strings as they are. */
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Never answer (until the stub closes). */
  hang?: boolean;
  /** Drop the connection without answering. */
  reset?: boolean;
}

export type StubHandler = (request: StubRequest) => StubReply | Promise<StubReply>;

export const STUB_PREFIX = '/network-signal/v1';

export class UpstreamStub {
  readonly requests: StubRequest[] = [];
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();

  private readonly server: Server;

  private constructor(public handler: StubHandler) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void this.answer(req.url ?? '', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    this.server.on('connection', (socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(handler: StubHandler = defaultAnswers): Promise<UpstreamStub> {
    const stub = new UpstreamStub(handler);
    await new Promise<void>((resolve) => stub.server.listen(0, '127.0.0.1', resolve));
    return stub;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${STUB_PREFIX}`;
  }

  requestsTo(path: string): StubRequest[] {
    return this.requests.filter((r) => r.path === STUB_PREFIX + path);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(path: string, headers: IncomingHttpHeaders, raw: string, res: ServerResponse): Promise<void> {
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // keep the raw text: a test may want to see what was sent
    }
    const request = { path, headers, body };
    this.requests.push(request);
    const reply = await this.handler(request);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (reply.reset) {
      res.socket?.destroy();
      return;
    }
    if (reply.hang) {
      this.hanging.add(res);
      return;
    }
    const payload = typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(payload);
  }
}

/** Plausible answers for every endpoint: a swap yesterday, no device change, forwarding off. */
export const defaultAnswers = ({ path }: StubRequest): StubReply => {
  if (path.endsWith('/sim-swap/check') || path.endsWith('/device-swap/check')) return { body: { swapped: true } };
  if (path.endsWith('/sim-swap/retrieve-date')) return { body: { latestSimChange: '2024-09-18T07:37:53.471829447Z' } };
  if (path.endsWith('/device-swap/retrieve-date')) return { body: { latestDeviceChange: null } };
  if (path.includes('/call-forwarding/')) return { body: { active: false } };
  return { status: 404, body: { status: 404, code: 'NOT_FOUND', message: 'no such path' } };
};

/** A loopback port that was free a moment ago and has nothing listening now. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
