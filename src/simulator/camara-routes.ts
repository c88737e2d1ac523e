import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiErrorFor, type ApiErrorBody } from './api-error-catalogue.js';
import type { CamaraAuthority } from './camara-authority.js';
import type { FaultInjector } from './fault-injector.js';
import type { HeldRequests } from './held-requests.js';
import { parseJsonObject, prepareError, prepareJson, readBody, type PreparedResponse } from './http-io.js';
import { injectedError } from './network-signal-routes.js';
import type { RequestStats } from './request-stats.js';
import type { SimulatedSignal } from './simulated-signal.js';
import type { StoredSubscriber, SubscriberRegistry } from './subscriber-registry.js';

export const CAMARA_PREFIX = '/camara';
export const CAMARA_TOKEN_PATH = `${CAMARA_PREFIX}/oauth2/token`;
/** CAMARA counts maxAge in hours, 1-2400, default 240. */
export const CAMARA_DEFAULT_MAX_AGE_HOURS = 240;
export const CAMARA_MAX_AGE_LIMIT_HOURS = 2400;
const BODY_LIMIT_BYTES = 16 * 1024;
/** CAMARA's phoneNumber pattern (wider than tyntec's: 5 to 15 digits). */
const CAMARA_PHONE_NUMBER = /^\+[1-9][0-9]{4,14}$/;
/** The XCorrelator schema of every CAMARA spec. */
const X_CORRELATOR = /^[a-zA-Z0-9-_:;./<>{}]{0,256}$/;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Operator-wide CAMARA behaviour the admin API changes. */
export interface CamaraOperatorSettings {
  /** maxAge above this many hours is OUT_OF_RANGE (a restricted monitored period); unset: only the 2400 limit. */
  maxAgeCapHours?: number;
  /** The token endpoint answers this status instead of a token (its outage). */
  tokenErrorStatus?: number;
}

export interface CamaraRouteContext {
  registry: SubscriberRegistry;
  faults: FaultInjector;
  stats: RequestStats;
  held: HeldRequests;
  authority: CamaraAuthority;
  settings: CamaraOperatorSettings;
  now: () => number;
}

type Answer = (subscriber: Readonly<StoredSubscriber>, body: Record<string, unknown>, ctx: CamaraRouteContext) => PreparedResponse;

interface CamaraEndpoint {
  path: string;
  signal: SimulatedSignal;
  /** Any one of them lets a token in. */
  scopes: readonly string[];
  takesMaxAge: boolean;
  /** r4.1 refuses unknown request properties. */
  strictBody: boolean;
  answer: Answer;
}

function camaraError(status: number, code: string, message: string): PreparedResponse {
  return prepareError({ status, code, message } satisfies ApiErrorBody);
}

const UNAUTHENTICATED = camaraError(401, 'UNAUTHENTICATED', 'Request not authenticated due to missing, invalid, or expired credentials.');
const PERMISSION_DENIED = camaraError(403, 'PERMISSION_DENIED', 'Client does not have sufficient permissions to perform this action.');
const INVALID_ARGUMENT = camaraError(400, 'INVALID_ARGUMENT', 'Client specified an invalid argument, request body or query param.');
const INVALID_CORRELATOR = camaraError(400, 'INVALID_ARGUMENT', 'x-correlator does not match the XCorrelator schema.');
const OUT_OF_RANGE = camaraError(400, 'OUT_OF_RANGE', 'Client specified an invalid range.');
const IDENTIFIER_NOT_FOUND = camaraError(404, 'IDENTIFIER_NOT_FOUND', 'Device identifier not found.');
const MISSING_IDENTIFIER = camaraError(422, 'MISSING_IDENTIFIER', 'The device cannot be identified.');
const SERVICE_NOT_APPLICABLE = camaraError(422, 'SERVICE_NOT_APPLICABLE', 'The service is not available for the provided identifier.');
const NOT_IMPLEMENTED = camaraError(501, 'NOT_IMPLEMENTED', 'This functionality is not implemented yet.');
const METHOD_NOT_ALLOWED = prepareError(apiErrorFor(405));
METHOD_NOT_ALLOWED.headers.push('Allow', 'POST');
const PAYLOAD_TOO_LARGE = prepareError(apiErrorFor(413));
const SWAPPED = prepareJson(200, { swapped: true });
const NOT_SWAPPED = prepareJson(200, { swapped: false });
const FORWARDING_ACTIVE = prepareJson(200, { active: true });
const FORWARDING_INACTIVE = prepareJson(200, { active: false });

function swappedWithinHours(changedAtMs: number | null, body: Record<string, unknown>, now: number): boolean {
  const maxAge = (body.maxAge as number | undefined) ?? CAMARA_DEFAULT_MAX_AGE_HOURS;
  return changedAtMs !== null && now - changedAtMs <= maxAge * HOUR_MS;
}

/** The date, or null with monitoredPeriod when the operator may not disclose a change that old (or none). */
function latestChange(
  field: string,
  changedAt: string | null,
  changedAtMs: number | null,
  subscriber: Readonly<StoredSubscriber>,
  now: number,
) {
  const period = subscriber.monitoredPeriodDays;
  if (period === undefined) return prepareJson(200, { [field]: changedAt });
  const visible = changedAtMs !== null && now - changedAtMs <= period * DAY_MS;
  return prepareJson(200, visible ? { [field]: changedAt } : { [field]: null, monitoredPeriod: period });
}

const forwarding: Answer = (subscriber) => (subscriber.callForwardingActive ? FORWARDING_ACTIVE : FORWARDING_INACTIVE);

const ENDPOINTS: CamaraEndpoint[] = [
  {
    path: '/sim-swap/v2/check',
    signal: 'simSwap',
    scopes: ['sim-swap:check', 'sim-swap'],
    takesMaxAge: true,
    strictBody: false,
    answer: (s, body, ctx) => (swappedWithinHours(s.simSwappedAtMs, body, ctx.now()) ? SWAPPED : NOT_SWAPPED),
  },
  {
    path: '/sim-swap/v2/retrieve-date',
    signal: 'simSwap',
    scopes: ['sim-swap:retrieve-date', 'sim-swap'],
    takesMaxAge: false,
    strictBody: false,
    answer: (s, _body, ctx) => latestChange('latestSimChange', s.simSwappedAt, s.simSwappedAtMs, s, ctx.now()),
  },
  {
    path: '/device-swap/v1/check',
    signal: 'deviceSwap',
    scopes: ['device-swap:check', 'device-swap'],
    takesMaxAge: true,
    strictBody: false,
    answer: (s, body, ctx) => (swappedWithinHours(s.deviceSwappedAtMs, body, ctx.now()) ? SWAPPED : NOT_SWAPPED),
  },
  {
    path: '/device-swap/v1/retrieve-date',
    signal: 'deviceSwap',
    scopes: ['device-swap:retrieve-date', 'device-swap'],
    takesMaxAge: false,
    strictBody: false,
    answer: (s, _body, ctx) => latestChange('latestDeviceChange', s.deviceSwappedAt, s.deviceSwappedAtMs, s, ctx.now()),
  },
  {
    path: '/call-forwarding-signal/v0.4/unconditional-call-forwardings',
    signal: 'callForwarding',
    scopes: ['call-forwarding-signal:unconditional-call-forwardings:read'],
    takesMaxAge: false,
    strictBody: false,
    answer: forwarding,
  },
  // The renamed release (r4.1, 0.5.0-rc.1): same answer, new path and scope, strict request body.
  {
    path: '/call-forwarding-signal/v0.5rc1/check-unconditional-forwarding',
    signal: 'callForwarding',
    scopes: ['call-forwarding-signal:unconditional-forwarding:check'],
    takesMaxAge: false,
    strictBody: true,
    answer: forwarding,
  },
];

/** Every scope the simulated operator grants. */
export const CAMARA_SCOPES: ReadonlySet<string> = new Set(ENDPOINTS.flatMap((e) => e.scopes));
export const CAMARA_ENDPOINT_PATHS: readonly string[] = ENDPOINTS.map((e) => CAMARA_PREFIX + e.path);

/** Writes a prepared answer, echoing the request's x-correlator as every CAMARA API does. */
function sendWithCorrelator(res: ServerResponse, prepared: PreparedResponse, correlator: string | undefined): void {
  if (res.destroyed) return;
  res.writeHead(prepared.status, correlator === undefined ? prepared.headers : [...prepared.headers, 'x-correlator', correlator]);
  res.end(prepared.body);
}

function maxAgeProblem(body: Record<string, unknown>, settings: CamaraOperatorSettings): PreparedResponse | undefined {
  if (body.maxAge === undefined) return undefined;
  const maxAge = body.maxAge;
  // int32 in the schema: anything else is a schema violation, not a range problem.
  if (typeof maxAge !== 'number' || !Number.isInteger(maxAge)) return INVALID_ARGUMENT;
  if (maxAge < 1 || maxAge > CAMARA_MAX_AGE_LIMIT_HOURS) return OUT_OF_RANGE;
  const cap = settings.maxAgeCapHours;
  if (cap !== undefined && maxAge > cap) {
    return camaraError(400, 'OUT_OF_RANGE', `maxAge is above the supported monitored period (at most ${cap} hours).`);
  }
  return undefined;
}

/** Returns a handler for the CAMARA paths under /camara (and its token endpoint); false for any other path. */
export function createCamaraRoutes(ctx: CamaraRouteContext) {
  const byPath = new Map(ENDPOINTS.map((endpoint) => [CAMARA_PREFIX + endpoint.path, endpoint]));

  function finish(res: ServerResponse, path: string, prepared: PreparedResponse, correlator: string | undefined): void {
    ctx.stats.record(path, prepared.status);
    sendWithCorrelator(res, prepared, correlator);
  }

  function respond(endpoint: CamaraEndpoint, path: string, req: IncomingMessage, res: ServerResponse, raw: Buffer, correlator?: string) {
    if (res.destroyed) return;
    const token = ctx.authority.check(req.headers.authorization);
    if (!token.ok) return finish(res, path, UNAUTHENTICATED, correlator);
    if (!endpoint.scopes.some((scope) => token.scopes.has(scope))) return finish(res, path, PERMISSION_DENIED, correlator);
    const body = parseJsonObject(raw);
    if (body === undefined) return finish(res, path, INVALID_ARGUMENT, correlator);
    if (endpoint.strictBody && Object.keys(body).some((key) => key !== 'phoneNumber'))
      return finish(res, path, INVALID_ARGUMENT, correlator);
    // Two-legged tokens identify no subscriber: the number must be in the body.
    if (body.phoneNumber === undefined) return finish(res, path, MISSING_IDENTIFIER, correlator);
    if (typeof body.phoneNumber !== 'string' || !CAMARA_PHONE_NUMBER.test(body.phoneNumber)) {
      return finish(res, path, INVALID_ARGUMENT, correlator);
    }
    if (endpoint.takesMaxAge) {
      const problem = maxAgeProblem(body, ctx.settings);
      if (problem !== undefined) return finish(res, path, problem, correlator);
    }
    const fault = ctx.faults.decide(endpoint.signal);
    if (fault.kind === 'timeout') {
      ctx.stats.record(path, 'timeout');
      ctx.held.hold(res);
      return;
    }
    if (fault.kind === 'error') return finish(res, path, injectedError(fault.status, fault.code), correlator);
    const subscriber = ctx.registry.lookup(body.phoneNumber);
    if (!subscriber.known) return finish(res, path, IDENTIFIER_NOT_FOUND, correlator);
    if (subscriber.serviceNotApplicable) return finish(res, path, SERVICE_NOT_APPLICABLE, correlator);
    if (subscriber.notImplemented) return finish(res, path, NOT_IMPLEMENTED, correlator);
    finish(res, path, endpoint.answer(subscriber, body, ctx), correlator);
  }

  function handleToken(req: IncomingMessage, res: ServerResponse): void {
    const oauthError = (status: number, error: string, extra: string[] = []) => {
      ctx.stats.record(CAMARA_TOKEN_PATH, status);
      const prepared = prepareJson(status, { error }, ['Cache-Control', 'no-store', ...extra]);
      sendWithCorrelator(res, prepared, undefined);
    };
    if (req.method !== 'POST') return oauthError(405, 'invalid_request', ['Allow', 'POST']);
    readBody(req, BODY_LIMIT_BYTES, (result) => {
      if (!result.ok) return result.reason === 'too_large' ? oauthError(413, 'invalid_request') : undefined;
      if (ctx.settings.tokenErrorStatus !== undefined) return oauthError(ctx.settings.tokenErrorStatus, 'temporarily_unavailable');
      const form = new URLSearchParams(result.body.toString('utf8'));
      const client = clientCredentials(req.headers.authorization, form);
      if (client === undefined || !ctx.authority.authenticates(client.id, client.secret)) {
        return oauthError(401, 'invalid_client', ['WWW-Authenticate', 'Basic realm="camara"']);
      }
      if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type');
      const scopes = (form.get('scope') ?? '').split(' ').filter((s) => s !== '');
      if (scopes.some((scope) => !CAMARA_SCOPES.has(scope))) return oauthError(400, 'invalid_scope');
      const issued = ctx.authority.issue(scopes);
      ctx.stats.record(CAMARA_TOKEN_PATH, 200);
      const prepared = prepareJson(
        200,
        { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresInS, scope: scopes.join(' ') },
        ['Cache-Control', 'no-store'],
      );
      sendWithCorrelator(res, prepared, undefined);
    });
  }

  return function handleCamaraRequest(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (path === CAMARA_TOKEN_PATH) {
      handleToken(req, res);
      return true;
    }
    const endpoint = byPath.get(path);
    if (endpoint === undefined) return false;
    const rawCorrelator = req.headers['x-correlator'];
    const correlator = typeof rawCorrelator === 'string' && X_CORRELATOR.test(rawCorrelator) ? rawCorrelator : undefined;
    if (rawCorrelator !== undefined && correlator === undefined) {
      finish(res, path, INVALID_CORRELATOR, undefined);
      return true;
    }
    if (req.method !== 'POST') {
      finish(res, path, METHOD_NOT_ALLOWED, correlator);
      return true;
    }
    readBody(req, BODY_LIMIT_BYTES, (result) => {
      if (!result.ok) {
        if (result.reason === 'too_large') finish(res, path, PAYLOAD_TOO_LARGE, correlator);
        return;
      }
      const delay = ctx.faults.delayMs(endpoint.signal);
      if (delay === 0) return respond(endpoint, path, req, res, result.body, correlator);
      setTimeout(respond, delay, endpoint, path, req, res, result.body, correlator).unref();
    });
    return true;
  };
}

/** client_secret_basic (form-urlencoded parts, RFC 6749 §2.3.1) or client_secret_post. */
function clientCredentials(authorization: string | undefined, form: URLSearchParams): { id: string; secret: string } | undefined {
  const basic = authorization === undefined ? null : /^Basic ([A-Za-z0-9+/=]+)$/i.exec(authorization.trim());
  if (basic !== null) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    try {
      const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
      return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
    } catch {
      return undefined;
    }
  }
  const id = form.get('client_id');
  const secret = form.get('client_secret');
  return id !== null && secret !== null ? { id, secret } : undefined;
}
