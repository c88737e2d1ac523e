import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { parseRfc3339DateTime } from '../../../common/rfc3339.js';
import type { CallForwardingObservation, SignalName, SwapObservation } from '../../../domain/signal-result.js';
import type { Minutes } from '../../minutes.js';
import { describeUpstreamError, redactDetail } from '../../upstream-error-detail.js';
import { fieldProblem, isJsonObject, JsonOverHttp, type BodyProblem, type WireAnswer } from '../json-over-http.js';
import type { SignalProvider, UpstreamResult } from '../signal-provider.js';
import { capFromMessage, meaningOf, readCamaraError, type CamaraProblem } from './camara-errors.js';
import { ClientCredentialsTokens, type ClientAuthMethod } from './client-credentials.js';
import { hours, hoursInMinutes, windowInHours, type Hours } from './hours.js';

import type { CamaraOperation } from '../../../config/signal-providers-file.js';
export type { CamaraOperation } from '../../../config/signal-providers-file.js';

/** The scope each operation needs, as the specs name them (each swap operation also accepts `sim-swap` / `device-swap`). */
export const DEFAULT_CAMARA_SCOPES: Readonly<Record<CamaraOperation, string>> = {
  'sim-swap-check': 'sim-swap:check',
  'sim-swap-retrieve-date': 'sim-swap:retrieve-date',
  'device-swap-check': 'device-swap:check',
  'device-swap-retrieve-date': 'device-swap:retrieve-date',
  'call-forwarding': 'call-forwarding-signal:unconditional-call-forwardings:read',
};

/** CallForwardingSignal v0.4; r4.1 renames it /call-forwarding-signal/v0.5rc1/check-unconditional-forwarding. */
export const DEFAULT_CAMARA_CALL_FORWARDING_PATH = '/call-forwarding-signal/v0.4/unconditional-call-forwardings';

const PATHS = {
  'sim-swap-check': '/sim-swap/v2/check',
  'sim-swap-retrieve-date': '/sim-swap/v2/retrieve-date',
  'device-swap-check': '/device-swap/v1/check',
  'device-swap-retrieve-date': '/device-swap/v1/retrieve-date',
} as const;

export interface CamaraProviderSettings {
  /** The operator's apiRoot, e.g. https://api.operator.example or the simulator's http://127.0.0.1:8090/camara. */
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  /** Exactly one of the two. */
  clientSecret?: string;
  clientSecretFile?: string;
  tokenAuthMethod?: ClientAuthMethod;
  /** Overrides of DEFAULT_CAMARA_SCOPES, per operation. */
  scopes?: Partial<Record<CamaraOperation, string>>;
  callForwardingPath?: string;
  /** Keep-alive connections to the apiRoot. Default 256. */
  maxConnections?: number;
  /** Backstop per request (API and token endpoint) when the caller gives no signal. Default 1500. */
  timeoutMs?: number;
}

/** Counters an operator alerts on; RiskwireMetrics provides them (camaraMetricsFrom). */
export interface CamaraProviderMetrics {
  problem(provider: string, operation: CamaraOperation, problem: CamaraProblem): void;
  tokenRequest(provider: string, outcome: 'ok' | 'failed'): void;
}

export interface CamaraProviderDeps {
  metrics?: CamaraProviderMetrics;
  logger?: Pick<Logger, 'debug' | 'warn'>;
  now?: () => number;
}

type Result<N extends SignalName> = UpstreamResult<N>;

interface Exchange {
  answer: WireAnswer;
  correlator: string;
  token?: string;
}

/** The CAMARA dialect (SimSwap v2, DeviceSwap v1, CallForwardingSignal v0.4) with OAuth2 client credentials. */
export class CamaraProvider implements SignalProvider {
  private readonly http: JsonOverHttp;
  private readonly tokens: ClientCredentialsTokens;
  private readonly scopes: Record<CamaraOperation, string>;
  private readonly callForwardingPath: string;
  /** The operator's maxAge cap per operation, learned from OUT_OF_RANGE. */
  private readonly maxAgeCaps = new Map<CamaraOperation, Hours>();
  private readonly metrics: CamaraProviderMetrics | undefined;
  private readonly logger: Pick<Logger, 'debug' | 'warn'>;

  constructor(
    readonly id: string,
    private readonly settings: CamaraProviderSettings,
    deps: CamaraProviderDeps = {},
  ) {
    const timeoutMs = settings.timeoutMs ?? 1_500;
    this.http = new JsonOverHttp({ baseUrl: settings.baseUrl, timeoutMs, maxConnections: settings.maxConnections ?? 256 });
    this.metrics = deps.metrics;
    this.logger = deps.logger ?? new Logger(`CamaraProvider(${id})`);
    this.tokens = new ClientCredentialsTokens(
      {
        tokenUrl: settings.tokenUrl,
        clientId: settings.clientId,
        ...(settings.clientSecret !== undefined ? { clientSecret: settings.clientSecret } : {}),
        ...(settings.clientSecretFile !== undefined ? { clientSecretFile: settings.clientSecretFile } : {}),
        ...(settings.tokenAuthMethod !== undefined ? { authMethod: settings.tokenAuthMethod } : {}),
        timeoutMs,
      },
      { tokenRequested: (outcome) => this.metrics?.tokenRequest(id, outcome) },
      deps.now,
    );
    this.scopes = { ...DEFAULT_CAMARA_SCOPES, ...settings.scopes };
    this.callForwardingPath = settings.callForwardingPath ?? DEFAULT_CAMARA_CALL_FORWARDING_PATH;
  }

  simSwapCheck(phoneNumber: string, maxAge: Minutes, signal?: AbortSignal): Promise<Result<'simSwap'>> {
    return this.check('sim-swap-check', phoneNumber, maxAge, signal);
  }

  simSwapDate(phoneNumber: string, signal?: AbortSignal): Promise<Result<'simSwap'>> {
    return this.retrieveDate('sim-swap-retrieve-date', 'latestSimChange', phoneNumber, signal);
  }

  deviceSwapCheck(phoneNumber: string, maxAge: Minutes, signal?: AbortSignal): Promise<Result<'deviceSwap'>> {
    return this.check('device-swap-check', phoneNumber, maxAge, signal);
  }

  deviceSwapDate(phoneNumber: string, signal?: AbortSignal): Promise<Result<'deviceSwap'>> {
    return this.retrieveDate('device-swap-retrieve-date', 'latestDeviceChange', phoneNumber, signal);
  }

  async callForwarding(phoneNumber: string, signal?: AbortSignal): Promise<Result<'callForwarding'>> {
    const operation = 'call-forwarding';
    const exchange = await this.exchange(operation, this.callForwardingPath, { phoneNumber }, signal);
    return this.interpret(operation, exchange, phoneNumber, (body): CallForwardingObservation | BodyProblem =>
      typeof body.active === 'boolean' ? { active: body.active } : fieldProblem('active', body),
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.http.close(), this.tokens.close()]);
  }

  /** The cap learned for an operation, if any (for tests and diagnostics). */
  maxAgeCap(operation: CamaraOperation): Hours | undefined {
    return this.maxAgeCaps.get(operation);
  }

  private async check(
    operation: 'sim-swap-check' | 'device-swap-check',
    phoneNumber: string,
    maxAge: Minutes,
    signal?: AbortSignal,
  ): Promise<Result<'simSwap' | 'deviceSwap'>> {
    const asked = windowInHours(maxAge);
    const cap = this.maxAgeCaps.get(operation);
    let window = cap !== undefined && cap < asked ? cap : asked;
    let exchange = await this.exchange(operation, PATHS[operation], { phoneNumber, maxAge: window }, signal);
    if (cap === undefined && isOutOfRange(exchange.answer)) {
      // The operator monitors less than we asked: ask once more within its cap, and remember the cap.
      const learned = capFromMessage(readCamaraError(exchange.answer.body).message, window);
      if (learned !== undefined) {
        window = hours(learned);
        this.maxAgeCaps.set(operation, window);
        this.logger.warn(`${this.id} ${operation}: operator caps maxAge at ${learned} hours; asking within it from now on`);
        exchange = await this.exchange(operation, PATHS[operation], { phoneNumber, maxAge: window }, signal);
      }
    }
    // The window actually answered: at least the one asked, or the operator's cap (which scoring does not read as clean).
    const answeredMinutes = Number(hoursInMinutes(window));
    return this.interpret<'simSwap'>(operation, exchange, phoneNumber, (body): SwapObservation | BodyProblem =>
      typeof body.swapped === 'boolean'
        ? { swappedWithin: { swapped: body.swapped, maxAgeMinutes: answeredMinutes } }
        : fieldProblem('swapped', body),
    );
  }

  private async retrieveDate(
    operation: 'sim-swap-retrieve-date' | 'device-swap-retrieve-date',
    field: 'latestSimChange' | 'latestDeviceChange',
    phoneNumber: string,
    signal?: AbortSignal,
  ): Promise<Result<'simSwap' | 'deviceSwap'>> {
    const exchange = await this.exchange(operation, PATHS[operation], { phoneNumber }, signal);
    return this.interpret<'simSwap'>(operation, exchange, phoneNumber, (body) => readLatestChange(body, field));
  }

  /** One request with a token; a 401 renews the token once and asks once more. */
  private async exchange(operation: CamaraOperation, path: string, payload: object, signal?: AbortSignal): Promise<Exchange> {
    const scope = this.scopes[operation];
    let refused: string | undefined;
    for (let attempt = 0; ; attempt++) {
      const correlator = randomUUID();
      const token = await this.tokens.token(scope, signal);
      if (!token.ok) {
        if (token.aborted) return { correlator, answer: { kind: 'failed', reason: 'timeout', detail: token.detail } };
        return { correlator, answer: { kind: 'failed', reason: 'auth_failed', detail: token.detail } };
      }
      if (token.token === refused) {
        // The endpoint handed back the token just refused: asking again cannot help.
        return { correlator, answer: { kind: 'failed', reason: 'auth_failed', detail: 'token endpoint returned a refused token' } };
      }
      const answer = await this.http.post({
        path,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${token.token}`,
          'x-correlator': correlator,
        },
        body: JSON.stringify(payload),
        signal,
      });
      if (attempt === 0 && answer.kind === 'answered' && answer.status === 401) {
        this.tokens.invalidate(scope, token.token);
        refused = token.token;
        continue;
      }
      return { correlator, answer, token: token.token };
    }
  }

  private interpret<N extends SignalName>(
    operation: CamaraOperation,
    { answer, correlator, token }: Exchange,
    phoneNumber: string,
    readValue: (body: Record<string, unknown>) => UpstreamValue<N> | BodyProblem,
  ): Promise<Result<N>> {
    const result = this.toResult(operation, answer, phoneNumber, token, readValue);
    // The correlator ties our log line to the operator's; the number never appears in either.
    const httpStatus = answer.kind === 'answered' ? answer.status : answer.reason;
    const line = `${this.id} ${operation} x-correlator=${correlator} http=${httpStatus} → ${result.status}${
      result.status === 'UNAVAILABLE' ? ` ${result.reason}${result.detail ? `: ${result.detail}` : ''}` : ''
    }`;
    if (result.status === 'UNAVAILABLE' && (result.reason === 'auth_failed' || result.reason === 'configuration_error')) {
      this.logger.warn(line);
    } else {
      this.logger.debug(line);
    }
    return Promise.resolve(result);
  }

  private toResult<N extends SignalName>(
    operation: CamaraOperation,
    answer: WireAnswer,
    phoneNumber: string,
    token: string | undefined,
    readValue: (body: Record<string, unknown>) => UpstreamValue<N> | BodyProblem,
  ): Result<N> {
    if (answer.kind === 'failed') {
      if (answer.reason === 'auth_failed') this.metrics?.problem(this.id, operation, 'auth_failed');
      return { status: 'UNAVAILABLE', reason: answer.reason, ...(answer.detail ? { detail: answer.detail } : {}) };
    }
    const { status, body } = answer;
    if (status >= 200 && status < 300) {
      const value = isJsonObject(body) ? readValue(body) : { problem: `${status} body is not a JSON object` };
      // A 200 we cannot read is not a "no": unknown must never turn into false.
      return 'problem' in value
        ? { status: 'UNAVAILABLE', reason: 'invalid_response', detail: value.problem }
        : ({ status: 'OK', value } as Result<N>);
    }
    const meaning = meaningOf(status, readCamaraError(body).code);
    if (meaning.status !== 'UNAVAILABLE') return meaning;
    if (meaning.problem !== undefined) this.metrics?.problem(this.id, operation, meaning.problem);
    const upstreamSays = describeUpstreamError(body);
    const secrets = {
      phoneNumber,
      others: [...(token ? [token] : []), ...(this.settings.clientSecret ? [this.settings.clientSecret] : [])],
    };
    const retry = answer.retryAfterMs !== undefined ? ` (retry after ${answer.retryAfterMs} ms)` : '';
    const result: Result<N> = {
      status: 'UNAVAILABLE',
      reason: meaning.reason,
      detail: `${status}${upstreamSays ? ' ' + redactDetail(upstreamSays, secrets) : ''}${retry}`,
    };
    if (answer.retryAfterMs !== undefined) result.retryAfterMs = answer.retryAfterMs;
    return result;
  }
}

type UpstreamValue<N extends SignalName> = Extract<Result<N>, { status: 'OK' }>['value'];

function isOutOfRange(answer: WireAnswer): answer is WireAnswer & { kind: 'answered' } {
  return answer.kind === 'answered' && answer.status === 400 && readCamaraError(answer.body).code === 'OUT_OF_RANGE';
}

/**
 * A strict RFC 3339 date-time with zone, or null; with null, an optional monitoredPeriod (whole days) says how far
 * back the operator looked. A date in a shape Date.parse would guess at is unreadable, never a clean answer.
 */
function readLatestChange(body: Record<string, unknown>, field: string): SwapObservation | BodyProblem {
  if (!Object.hasOwn(body, field)) return fieldProblem(field, body);
  const value = body[field];
  if (value === null) {
    const period = body.monitoredPeriod;
    if (period === undefined || period === null) return { latestChange: null };
    if (typeof period !== 'number' || !Number.isInteger(period) || period < 0)
      return { problem: '2xx body with an invalid monitoredPeriod' };
    return { latestChange: null, monitoredPeriodDays: period };
  }
  if (typeof value !== 'string') return fieldProblem(field, body);
  if (parseRfc3339DateTime(value) === undefined) return { problem: `2xx body with ${field} that is not an RFC 3339 date-time` };
  return { latestChange: value };
}

/** The factory the providers registry calls for `"type": "camara"`. */
export function createCamaraProvider(id: string, settings: CamaraProviderSettings, deps: CamaraProviderDeps = {}): CamaraProvider {
  return new CamaraProvider(id, settings, deps);
}
