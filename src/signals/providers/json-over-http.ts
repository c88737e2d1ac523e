import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import type { UnavailableReason } from '../../domain/signal-result.js';
import { withinTimeout } from '../../common/within-timeout.js';

/**
 * The HTTP plumbing every provider shares: a keep-alive pool (undici), a body cap, strict JSON reading and the
 * mapping of transport failures to our reasons. Dialects (tyntec, CAMARA) only build requests and read answers.
 */
export interface JsonOverHttpOptions {
  /** Origin and path prefix; request paths are appended to its path. */
  baseUrl: string;
  /** Backstop for a call made without a signal; the resilience layer normally aborts sooner. */
  timeoutMs: number;
  maxConnections: number;
  /** Answers are a few bytes; anything bigger is not the API we know. */
  maxBodyBytes?: number;
  keepAliveTimeoutMs?: number;
}

/** What came back: a status with its (JSON or absent) body, or why nothing usable came back. */
export type WireAnswer =
  | { kind: 'answered'; status: number; body: unknown; retryAfterMs?: number; headers: Record<string, string | string[] | undefined> }
  | { kind: 'failed'; reason: UnavailableReason; detail?: string };

export interface WireRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal;
}

const CONNECTION_TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export class JsonOverHttp {
  private readonly pool: Pool;
  private readonly pathPrefix: string;
  private readonly maxBodyBytes: number;

  constructor(private readonly options: JsonOverHttpOptions) {
    const url = new URL(options.baseUrl);
    this.pathPrefix = url.pathname.replace(/\/+$/, '');
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
    // Keep-alive pool: one TLS/TCP handshake per connection, not per check; no pipelining so one slow
    // answer never holds up another.
    this.pool = new Pool(url.origin, {
      connections: options.maxConnections,
      pipelining: 1,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      // backstop for a request its caller stopped waiting for (the resilience layer times attempts precisely)
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /**
   * POSTs and reads the answer; never throws. A 2xx must carry a JSON body within the cap; errors may carry none.
   * Written against undici's dispatch handler rather than `request()`: the answers are a few hundred bytes, and a
   * response stream with an async iterator per call cost a third of the call's CPU (docs/benchmark.md).
   */
  post(request: WireRequest): Promise<WireAnswer> {
    // A caller's signal already carries its timeout (the resilience policy's); combining it with another
    // timer per request cost more CPU than the HTTP call itself at thousands of calls a second.
    const deadline = request.signal ?? AbortSignal.timeout(this.options.timeoutMs);
    if (deadline.aborted) return Promise.resolve({ kind: 'failed', reason: 'timeout', detail: 'aborted before sending' });
    return new Promise<WireAnswer>((resolve) => {
      const reader = new AnswerReader(this.maxBodyBytes, deadline, resolve);
      this.pool.dispatch({ method: 'POST', path: this.pathPrefix + request.path, headers: request.headers, body: request.body }, reader);
    });
  }

  /** Lets in-flight requests finish for up to one timeout, then cuts them: shutdown must not hang on the upstream. */
  async close(): Promise<void> {
    const outcome = await withinTimeout(
      this.pool.close().then(() => 'closed' as const),
      this.options.timeoutMs,
      () => 'late' as const,
    );
    if (outcome === 'late') await this.pool.destroy();
  }
}

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

class BodyTooLarge extends Error {}
const ABORTED = new Error("aborted by the caller's deadline");

/** Collects one answer (status, headers, body up to the cap) and settles it exactly once, whatever happens first. */
class AnswerReader implements Dispatcher.DispatchHandler {
  private controller?: Dispatcher.DispatchController;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settled = false;

  constructor(
    private readonly maxBytes: number,
    private readonly deadline: AbortSignal,
    private readonly resolve: (answer: WireAnswer) => void,
  ) {
    deadline.addEventListener('abort', this.onAbort);
  }

  /** The deadline answers at once, even for a request still queued for a connection; the request is cut when it can be. */
  private readonly onAbort = (): void => {
    this.controller?.abort(ABORTED);
    this.settle({ kind: 'failed', reason: 'timeout', detail: 'no answer in time' });
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.settled) controller.abort(ABORTED);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) controller.abort(new BodyTooLarge());
    else this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const raw = this.chunks.length === 1 ? this.chunks[0].toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
    this.settle(this.answer(raw));
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (error instanceof BodyTooLarge) return this.settle(this.answer(undefined));
    if (this.deadline.aborted) return this.settle({ kind: 'failed', reason: 'timeout', detail: 'no answer in time' });
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_TIMEOUT_CODES.has(code))
      return this.settle({ kind: 'failed', reason: 'timeout', detail: code });
    this.settle({ kind: 'failed', reason: 'connection_error', detail: typeof code === 'string' ? code : error.name });
  }

  /** raw: the body, or undefined when it was past the cap */
  private answer(raw: string | undefined): WireAnswer {
    const ok = this.status >= 200 && this.status < 300;
    let body: unknown;
    if (raw === undefined) {
      if (ok) return { kind: 'failed', reason: 'invalid_response', detail: 'body too large' };
    } else {
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        if (ok) return { kind: 'failed', reason: 'invalid_response', detail: 'body is not JSON' };
      }
    }
    const retryAfterMs = parseRetryAfter(this.headers['retry-after']);
    return {
      kind: 'answered',
      status: this.status,
      body,
      headers: this.headers,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }

  private settle(answer: WireAnswer): void {
    if (this.settled) return;
    this.settled = true;
    this.deadline.removeEventListener('abort', this.onAbort);
    this.resolve(answer);
  }
}

/** Why a 2xx body could not be read; names the field, never quotes the value (it could echo the number). */
export type BodyProblem = { problem: string };

export function fieldProblem(field: string, body: Record<string, unknown>): BodyProblem {
  if (!Object.hasOwn(body, field)) return { problem: `2xx body without ${field}` };
  const value = body[field];
  return { problem: `2xx body with ${field} of type ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}` };
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
