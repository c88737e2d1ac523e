import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedSignal } from './simulated-signal.js';
import { apiErrorFor, OUT_OF_RANGE_ERROR } from './api-error-catalogue.js';
import type { FaultInjector } from './fault-injector.js';
import type { HeldRequests } from './held-requests.js';
import { parseJsonObject, prepareError, prepareJson, readBody, sendPrepared, type PreparedResponse } from './http-io.js';
import { isE164 } from './phone-number.js';
import type { RequestStats } from './request-stats.js';
import type { StoredSubscriber, SubscriberRegistry } from './subscriber-registry.js';

export const DEFAULT_MAX_AGE_MINUTES = 240;
export const MAX_AGE_LIMIT_MINUTES = 2400;
const BODY_LIMIT_BYTES = 16 * 1024;

export interface SignalRouteContext {
  basePath: string;
  apiKey: string;
  registry: SubscriberRegistry;
  faults: FaultInjector;
  stats: RequestStats;
  held: HeldRequests;
  now: () => number;
}

type Answer = (subscriber: Readonly<StoredSubscriber>, body: Record<string, unknown>, ctx: SignalRouteContext) => PreparedResponse;

interface SignalEndpoint {
  /** Path below the base path; also the stats key. */
  path: string;
  signal: SimulatedSignal;
  /** Check endpoints take maxAge; it is validated before any fault is injected, like the real API would. */
  takesMaxAge: boolean;
  answer: Answer;
}

const SWAPPED = prepareJson(200, { swapped: true });
const NOT_SWAPPED = prepareJson(200, { swapped: false });
const FORWARDING_ACTIVE = prepareJson(200, { active: true });
const FORWARDING_INACTIVE = prepareJson(200, { active: false });
const NO_SIM_CHANGE = prepareJson(200, { latestSimChange: null });
const NO_DEVICE_CHANGE = prepareJson(200, { latestDeviceChange: null });
const UNAUTHENTICATED = prepareError(apiErrorFor(401));
const INVALID_ARGUMENT = prepareError(apiErrorFor(400));
const OUT_OF_RANGE = prepareError(OUT_OF_RANGE_ERROR);
const NOT_FOUND = prepareError(apiErrorFor(404));
const METHOD_NOT_ALLOWED = prepareError(apiErrorFor(405));
METHOD_NOT_ALLOWED.headers.push('Allow', 'POST');
const PAYLOAD_TOO_LARGE = prepareError(apiErrorFor(413));

const injectedErrors = new Map<string, PreparedResponse>();
/** The error body of an injected fault, prepared once per status and code. */
export function injectedError(status: number, code?: string): PreparedResponse {
  const key = `${status}:${code ?? ''}`;
  let prepared = injectedErrors.get(key);
  if (prepared === undefined) {
    const error = apiErrorFor(status);
    prepared = prepareError(code === undefined ? error : { ...error, code });
    injectedErrors.set(key, prepared);
  }
  return prepared;
}

function swappedWithin(changedAtMs: number | null, body: Record<string, unknown>, now: number): boolean {
  const maxAge = (body.maxAge as number | undefined) ?? DEFAULT_MAX_AGE_MINUTES;
  return changedAtMs !== null && now - changedAtMs <= maxAge * 60_000;
}

const forwardingCheck: Answer = (subscriber) => (subscriber.callForwardingActive ? FORWARDING_ACTIVE : FORWARDING_INACTIVE);

const ENDPOINTS: SignalEndpoint[] = [
  {
    path: '/sim-swap/check',
    signal: 'simSwap',
    takesMaxAge: true,
    answer: (subscriber, body, ctx) => (swappedWithin(subscriber.simSwappedAtMs, body, ctx.now()) ? SWAPPED : NOT_SWAPPED),
  },
  {
    path: '/sim-swap/retrieve-date',
    signal: 'simSwap',
    takesMaxAge: false,
    answer: (subscriber) =>
      subscriber.simSwappedAt === null ? NO_SIM_CHANGE : prepareJson(200, { latestSimChange: subscriber.simSwappedAt }),
  },
  {
    path: '/device-swap/check',
    signal: 'deviceSwap',
    takesMaxAge: true,
    answer: (subscriber, body, ctx) => (swappedWithin(subscriber.deviceSwappedAtMs, body, ctx.now()) ? SWAPPED : NOT_SWAPPED),
  },
  {
    path: '/device-swap/retrieve-date',
    signal: 'deviceSwap',
    takesMaxAge: false,
    answer: (subscriber, _body, ctx) => {
      const field = subscriber.deviceSwapDateField ?? ctx.registry.deviceSwapDateField;
      if (subscriber.deviceSwappedAt === null && field === 'latestDeviceChange') return NO_DEVICE_CHANGE;
      return prepareJson(200, { [field]: subscriber.deviceSwappedAt });
    },
  },
  // The provider renamed this path; clients configured with either must keep working.
  { path: '/call-forwarding/check', signal: 'callForwarding', takesMaxAge: false, answer: forwardingCheck },
  { path: '/call-forwarding/unconditional/check', signal: 'callForwarding', takesMaxAge: false, answer: forwardingCheck },
];

export const SIGNAL_ENDPOINT_PATHS: readonly string[] = ENDPOINTS.map((endpoint) => endpoint.path);

/** Returns a handler that answers the Network Signals API paths and reports false for any other path. */
export function createNetworkSignalRoutes(ctx: SignalRouteContext) {
  const byPath = new Map(ENDPOINTS.map((endpoint) => [ctx.basePath + endpoint.path, endpoint]));

  function finish(res: ServerResponse, endpoint: SignalEndpoint, prepared: PreparedResponse): void {
    ctx.stats.record(endpoint.path, prepared.status);
    sendPrepared(res, prepared);
  }

  function respond(endpoint: SignalEndpoint, req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    if (res.destroyed) return;
    if (req.headers.apikey !== ctx.apiKey) return finish(res, endpoint, UNAUTHENTICATED);
    const body = parseJsonObject(raw);
    if (body === undefined || !isE164(body.phoneNumber)) return finish(res, endpoint, INVALID_ARGUMENT);
    if (endpoint.takesMaxAge && body.maxAge !== undefined) {
      const maxAge = body.maxAge;
      if (typeof maxAge !== 'number') return finish(res, endpoint, INVALID_ARGUMENT);
      if (!Number.isInteger(maxAge) || maxAge < 1 || maxAge > MAX_AGE_LIMIT_MINUTES) return finish(res, endpoint, OUT_OF_RANGE);
    }
    const fault = ctx.faults.decide(endpoint.signal);
    if (fault.kind === 'timeout') {
      ctx.stats.record(endpoint.path, 'timeout');
      ctx.held.hold(res);
      return;
    }
    if (fault.kind === 'error') return finish(res, endpoint, injectedError(fault.status, fault.code));
    const subscriber = ctx.registry.lookup(body.phoneNumber);
    if (!subscriber.known) return finish(res, endpoint, NOT_FOUND);
    finish(res, endpoint, endpoint.answer(subscriber, body, ctx));
  }

  return function handleSignalRequest(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const endpoint = byPath.get(path);
    if (endpoint === undefined) return false;
    if (req.method !== 'POST') {
      finish(res, endpoint, METHOD_NOT_ALLOWED);
      return true;
    }
    readBody(req, BODY_LIMIT_BYTES, (result) => {
      if (!result.ok) {
        if (result.reason === 'too_large') finish(res, endpoint, PAYLOAD_TOO_LARGE);
        return;
      }
      const delay = ctx.faults.delayMs(endpoint.signal);
      if (delay === 0) return respond(endpoint, req, res, result.body);
      // Unref'd: the listening server keeps a live simulator running; a closed one must not wait for delayed answers.
      setTimeout(respond, delay, endpoint, req, res, result.body).unref();
    });
    return true;
  };
}
