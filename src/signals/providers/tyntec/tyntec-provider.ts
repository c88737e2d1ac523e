import { parseRfc3339DateTime } from '../../../common/rfc3339.js';
import type { Minutes } from '../../minutes.js';
import type { CallForwardingObservation, SwapObservation, UnavailableReason } from '../../../domain/signal-result.js';
import { describeUpstreamError, redactDetail } from '../../upstream-error-detail.js';
import type { SignalProvider, UpstreamResult } from '../signal-provider.js';
import { fieldProblem as problem, JsonOverHttp, type BodyProblem, type WireAnswer } from '../json-over-http.js';

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

type Unavailable = { status: 'UNAVAILABLE'; reason: UnavailableReason; detail?: string; retryAfterMs?: number };

/**
 * tyntec Network Signals v1 (the simulator's dialect): API key header, maxAge in minutes, answers mapped to our
 * SignalResults. One attempt per call, never throws for upstream problems; retries, breaking and routing live above.
 */
export class TyntecProvider implements SignalProvider {
  readonly id: string;
  private readonly http: JsonOverHttp;

  constructor(private readonly options: TyntecProviderOptions) {
    this.id = options.id ?? 'tyntec';
    this.http = new JsonOverHttp(options);
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

  close(): Promise<void> {
    return this.http.close();
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

  private post(path: string, payload: object, signal?: AbortSignal): Promise<WireAnswer> {
    return this.http.post({
      path,
      headers: { 'content-type': 'application/json', accept: 'application/json', apiKey: this.options.apiKey },
      body: JSON.stringify(payload),
      signal,
    });
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
