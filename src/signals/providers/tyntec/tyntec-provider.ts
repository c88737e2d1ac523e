import { Pool } from 'undici';
import { parseRfc3339DateTime } from '../../../common/rfc3339.js';
import type { Minutes } from '../../minutes.js';
import type { CallForwardingObservation, SwapObservation, UnavailableReason } from '../../../domain/signal-result.js';
import { describeUpstreamError, redactDetail } from '../../upstream-error-detail.js';
import { withinTimeout } from '../../../common/within-timeout.js';
import type { SignalProvider, UpstreamResult } from '../signal-provider.js';

export interface TyntecProviderOptions {
  /** The provider's id in the providers file; "tyntec" when SIGNALS_* configure the only one. */
  id?: string;
  baseUrl: string;
  apiKey: string;
  /** Backstop for a call made without a signal; the resilience layer normally aborts sooner. */
  timeoutMs: number;
  callForwardingPath: string;
  maxConnections: number;
  /** Answers are a few bytes; anything bigger is not the API we know. */
  maxBodyBytes?: number;
  keepAliveTimeoutMs?: number;
}

type WireAnswer =
  | { kind: 'answered'; status: number; body: unknown; retryAfterMs?: number }
  | { kind: 'failed'; reason: UnavailableReason; detail?: string };

type Unavailable = { status: 'UNAVAILABLE'; reason: UnavailableReason; detail?: string; retryAfterMs?: number };

const CONNECTION_TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * tyntec Network Signals v1 (the simulator's dialect): API key header, maxAge in minutes, answers mapped to our
 * SignalResults. One attempt per call, never throws for upstream problems; retries, breaking and routing live above.
 */
export class TyntecProvider implements SignalProvider {
  readonly id: string;
  private readonly pool: Pool;
  private readonly pathPrefix: string;
  private readonly maxBodyBytes: number;

  constructor(private readonly options: TyntecProviderOptions) {
    this.id = options.id ?? 'tyntec';
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

  async simSwapCheck(phoneNumber: string, maxAge: Minutes, signal?: AbortSignal): Promise<UpstreamResult<'simSwap'>> {
    const answer = await this.post('/sim-swap/check', { phoneNumber, maxAge: Number(maxAge) }, signal);
    return this.interpret(answer, phoneNumber, (body) => readSwappedWithin(body, maxAge));
  }

  async simSwapDate(phoneNumber: string, signal?: AbortSignal): Promise<UpstreamResult<'simSwap'>> {
    const answer = await this.post('/sim-swap/retrieve-date', { phoneNumber }, signal);
    return this.interpret(answer, phoneNumber, (body) => readLatestChange(body, 'latestSimChange'));
  }

  async deviceSwapCheck(phoneNumber: string, maxAge: Minutes, signal?: AbortSignal): Promise<UpstreamResult<'deviceSwap'>> {
    const answer = await this.post('/device-swap/check', { phoneNumber, maxAge: Number(maxAge) }, signal);
    return this.interpret(answer, phoneNumber, (body) => readSwappedWithin(body, maxAge));
  }

  async deviceSwapDate(phoneNumber: string, signal?: AbortSignal): Promise<UpstreamResult<'deviceSwap'>> {
    const answer = await this.post('/device-swap/retrieve-date', { phoneNumber }, signal);
    // The published schema names the field latestSimChange for devices too; newer builds say latestDeviceChange.
    return this.interpret(answer, phoneNumber, (body) =>
      Object.hasOwn(body, 'latestDeviceChange') ? readLatestChange(body, 'latestDeviceChange') : readLatestChange(body, 'latestSimChange'),
    );
  }

  async callForwarding(phoneNumber: string, signal?: AbortSignal): Promise<UpstreamResult<'callForwarding'>> {
    const answer = await this.post(this.options.callForwardingPath, { phoneNumber }, signal);
    return this.interpret(answer, phoneNumber, (body): CallForwardingObservation | BodyProblem =>
      typeof body.active === 'boolean' ? { active: body.active } : problem('active', body),
    );
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

  private interpret<V extends SwapObservation | CallForwardingObservation>(
    answer: WireAnswer,
    phoneNumber: string,
    readValue: (body: Record<string, unknown>) => V | BodyProblem,
  ): { status: 'OK'; value: V } | { status: 'NOT_FOUND' } | Unavailable {
    if (answer.kind === 'failed') return { status: 'UNAVAILABLE', reason: answer.reason, detail: answer.detail };
    const { status, body } = answer;
    if (status >= 200 && status < 300) {
      const value: V | BodyProblem =
        typeof body === 'object' && body !== null && !Array.isArray(body)
          ? readValue(body as Record<string, unknown>)
          : { problem: `${answer.status} body is not a JSON object` };
      // A 200 we cannot read is not a "no": unknown must never turn into false.
      return 'problem' in value ? { status: 'UNAVAILABLE', reason: 'invalid_response', detail: value.problem } : { status: 'OK', value };
    }
    if (status === 404) return { status: 'NOT_FOUND' };
    const detail = this.safeDetail(describeUpstreamError(body), answer, phoneNumber);
    const result: Unavailable = { status: 'UNAVAILABLE', reason: reasonForStatus(status), detail };
    if (answer.retryAfterMs !== undefined) result.retryAfterMs = answer.retryAfterMs;
    return result;
  }

  private safeDetail(detail: string | undefined, answer: WireAnswer & { kind: 'answered' }, phoneNumber: string): string {
    const upstreamSays = detail ? ' ' + redactDetail(detail, { phoneNumber, apiKey: this.options.apiKey }) : '';
    const retry = answer.retryAfterMs !== undefined ? ` (retry after ${answer.retryAfterMs} ms)` : '';
    return `${answer.status}${upstreamSays}${retry}`;
  }

  private async post(path: string, payload: object, signal?: AbortSignal): Promise<WireAnswer> {
    // A caller's signal already carries its timeout (the resilience policy's); combining it with another
    // timer per request cost more CPU than the HTTP call itself at thousands of calls a second.
    const deadline = signal ?? AbortSignal.timeout(this.options.timeoutMs);
    if (deadline.aborted) return { kind: 'failed', reason: 'timeout', detail: 'aborted before sending' };
    try {
      const response = await this.pool.request({
        method: 'POST',
        path: this.pathPrefix + path,
        headers: { 'content-type': 'application/json', accept: 'application/json', apiKey: this.options.apiKey },
        body: JSON.stringify(payload),
        signal: deadline,
      });
      const raw = await readCapped(response.body, this.maxBodyBytes);
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      let body: unknown;
      if (raw === undefined) {
        body = undefined;
        if (response.statusCode >= 200 && response.statusCode < 300)
          return { kind: 'failed', reason: 'invalid_response', detail: 'body too large' };
      } else {
        try {
          body = raw === '' ? undefined : JSON.parse(raw);
        } catch {
          if (response.statusCode >= 200 && response.statusCode < 300)
            return { kind: 'failed', reason: 'invalid_response', detail: 'body is not JSON' };
        }
      }
      return { kind: 'answered', status: response.statusCode, body, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    } catch (error) {
      if (deadline.aborted) return { kind: 'failed', reason: 'timeout', detail: 'no answer in time' };
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && CONNECTION_TIMEOUT_CODES.has(code)) return { kind: 'failed', reason: 'timeout', detail: code };
      return { kind: 'failed', reason: 'connection_error', detail: typeof code === 'string' ? code : (error as Error).name };
    }
  }
}

function reasonForStatus(status: number): UnavailableReason {
  switch (status) {
    case 400:
      return 'http_400';
    case 401:
      return 'http_401';
    case 403:
      return 'http_403';
    case 429:
      return 'http_429';
  }
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  return 'invalid_response';
}

/** Why a 2xx body could not be read; names the field, never quotes the value (it could echo the number). */
type BodyProblem = { problem: string };

function problem(field: string, body: Record<string, unknown>): BodyProblem {
  if (!Object.hasOwn(body, field)) return { problem: `2xx body without ${field}` };
  const value = body[field];
  return { problem: `2xx body with ${field} of type ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}` };
}

function readSwappedWithin(body: Record<string, unknown>, maxAge: Minutes): SwapObservation | BodyProblem {
  return typeof body.swapped === 'boolean'
    ? { swappedWithin: { swapped: body.swapped, maxAgeMinutes: Number(maxAge) } }
    : problem('swapped', body);
}

/**
 * null is "never swapped"; a string must be a strict RFC 3339 date-time (seconds, zone, a day that exists).
 * Date.parse would read "0" as the year 2000 and "Nov 21" as 2001, both long ago: a clean answer made up from
 * garbage. A date-only or zone-less value is ambiguous by hours, which the 24-hour band cannot afford.
 */
function readLatestChange(body: Record<string, unknown>, field: string): SwapObservation | BodyProblem {
  if (!Object.hasOwn(body, field)) return problem(field, body);
  const value = body[field];
  if (value === null) return { latestChange: null };
  if (typeof value !== 'string') return problem(field, body);
  if (parseRfc3339DateTime(value) === undefined) return { problem: `2xx body with ${field} that is not an RFC 3339 date-time` };
  return { latestChange: value };
}

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy?: () => void }, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy?.();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
