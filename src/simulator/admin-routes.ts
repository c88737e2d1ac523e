import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CamaraAuthority } from './camara-authority.js';
import type { CamaraOperatorSettings } from './camara-routes.js';
import { validateFaultConfig, type FaultConfig, type FaultInjector } from './fault-injector.js';
import { DIALECTS, type Dialect } from './simulated-signal.js';
import type { HeldRequests } from './held-requests.js';
import { readBody, sendError, sendJson } from './http-io.js';
import { isE164 } from './phone-number.js';
import type { RequestStats } from './request-stats.js';
import {
  DEVICE_SWAP_DATE_FIELDS,
  validateSubscriberPatch,
  type DeviceSwapDateField,
  type SubscriberPatch,
  type SubscriberRegistry,
} from './subscriber-registry.js';

export const ADMIN_PREFIX = '/_admin';
const ADMIN_BODY_LIMIT_BYTES = 16 * 1024 * 1024;
const SUBSCRIBER_PREFIX = `${ADMIN_PREFIX}/subscribers/`;

export interface AdminRouteContext {
  registry: SubscriberRegistry;
  /** tyntec's */
  faults: FaultInjector;
  camaraFaults: FaultInjector;
  camaraSettings: CamaraOperatorSettings;
  authority: CamaraAuthority;
  stats: RequestStats;
  held: HeldRequests;
}

type AdminHandler = (ctx: AdminRouteContext, res: ServerResponse, body: unknown, param: string) => void;
type MethodTable = Partial<Record<string, AdminHandler>>;

/** Test and demo control plane; no apiKey, since it exists only in the simulator. */
const FIXED_ROUTES: Record<string, MethodTable> = {
  [`${ADMIN_PREFIX}/health`]: {
    GET: (_ctx, res) => sendJson(res, 200, { status: 'ok' }),
  },
  [`${ADMIN_PREFIX}/subscribers`]: {
    GET: (ctx, res) => sendJson(res, 200, { subscribers: ctx.registry.list() }),
    PUT: putSubscribersInBulk,
    DELETE: (ctx, res) => {
      ctx.registry.clear();
      sendNoContent(res);
    },
  },
  [`${ADMIN_PREFIX}/faults`]: {
    GET: (ctx, res) => sendJson(res, 200, ctx.faults.config),
    PUT: putFaults,
    DELETE: (ctx, res) => {
      ctx.faults.reset();
      ctx.camaraFaults.reset();
      sendJson(res, 200, ctx.faults.config);
    },
  },
  [`${ADMIN_PREFIX}/faults/tyntec`]: dialectFaultRoutes('tyntec'),
  [`${ADMIN_PREFIX}/faults/camara`]: dialectFaultRoutes('camara'),
  [`${ADMIN_PREFIX}/camara`]: {
    GET: (ctx, res) => sendJson(res, 200, camaraSettingsView(ctx)),
    PUT: (ctx, res, body) => {
      const problem = applyCamaraSettings(ctx.camaraSettings, body);
      if (problem !== undefined) return sendError(res, 400, problem);
      sendJson(res, 200, camaraSettingsView(ctx));
    },
  },
  [`${ADMIN_PREFIX}/camara/tokens`]: {
    // Every token issued so far becomes unknown (401): a token expiring mid-stream, on demand.
    DELETE: (ctx, res) => sendJson(res, 200, { revoked: ctx.authority.revokeAll() }),
  },
  [`${ADMIN_PREFIX}/settings`]: {
    GET: (ctx, res) => sendJson(res, 200, { deviceSwapDateField: ctx.registry.deviceSwapDateField }),
    PUT: (ctx, res, body) => {
      const field = isObject(body) ? body.deviceSwapDateField : undefined;
      if (!DEVICE_SWAP_DATE_FIELDS.includes(field as DeviceSwapDateField) || Object.keys(body as object).length !== 1) {
        return sendError(res, 400, `body must be {deviceSwapDateField: ${DEVICE_SWAP_DATE_FIELDS.join(' | ')}}`);
      }
      ctx.registry.deviceSwapDateField = field as DeviceSwapDateField;
      sendJson(res, 200, { deviceSwapDateField: ctx.registry.deviceSwapDateField });
    },
  },
  [`${ADMIN_PREFIX}/stats`]: {
    GET: (ctx, res) => sendJson(res, 200, ctx.stats.snapshot()),
    DELETE: (ctx, res) => {
      ctx.stats.clear();
      sendNoContent(res);
    },
  },
  [`${ADMIN_PREFIX}/reset`]: {
    POST: (ctx, res) => {
      ctx.registry.clear();
      ctx.faults.reset();
      ctx.camaraFaults.reset();
      for (const key of Object.keys(ctx.camaraSettings) as (keyof CamaraOperatorSettings)[]) delete ctx.camaraSettings[key];
      ctx.stats.clear();
      ctx.held.releaseAll();
      sendNoContent(res);
    },
  },
};

function injectorFor(ctx: AdminRouteContext, dialect: Dialect): FaultInjector {
  return dialect === 'camara' ? ctx.camaraFaults : ctx.faults;
}

function dialectFaultRoutes(dialect: Dialect): MethodTable {
  return {
    GET: (ctx, res) => sendJson(res, 200, injectorFor(ctx, dialect).config),
    PUT: (ctx, res, body) => {
      const checked = validateFaultConfig(body);
      if (!checked.ok) return sendError(res, 400, `${dialect}: ${checked.message}`);
      injectorFor(ctx, dialect).configure(checked.config);
      sendJson(res, 200, injectorFor(ctx, dialect).config);
    },
    DELETE: (ctx, res) => {
      injectorFor(ctx, dialect).reset();
      sendJson(res, 200, injectorFor(ctx, dialect).config);
    },
  };
}

/**
 * `{"camara": {...}}` and/or `{"tyntec": {...}}` set each dialect's faults (all or nothing); any other body is
 * today's format and means tyntec.
 */
function putFaults(ctx: AdminRouteContext, res: ServerResponse, body: unknown): void {
  const keys = isObject(body) ? Object.keys(body) : [];
  const dialects = keys.filter((key): key is Dialect => (DIALECTS as readonly string[]).includes(key));
  if (dialects.length === 0) {
    const checked = validateFaultConfig(body);
    if (!checked.ok) return sendError(res, 400, checked.message);
    ctx.faults.configure(checked.config);
    return sendJson(res, 200, ctx.faults.config);
  }
  if (dialects.length !== keys.length) return sendError(res, 400, `with a dialect key, every key must be one of ${DIALECTS.join(', ')}`);
  const configs: [Dialect, FaultConfig][] = [];
  for (const dialect of dialects) {
    const checked = validateFaultConfig((body as Record<string, unknown>)[dialect]);
    if (!checked.ok) return sendError(res, 400, `${dialect}: ${checked.message}`);
    configs.push([dialect, checked.config]);
  }
  for (const [dialect, config] of configs) injectorFor(ctx, dialect).configure(config);
  sendJson(res, 200, { tyntec: ctx.faults.config, camara: ctx.camaraFaults.config });
}

function camaraSettingsView(ctx: AdminRouteContext) {
  return {
    maxAgeCapHours: ctx.camaraSettings.maxAgeCapHours ?? null,
    tokenErrorStatus: ctx.camaraSettings.tokenErrorStatus ?? null,
    tokenTtlS: ctx.authority.client.tokenTtlS,
    liveTokens: ctx.authority.liveTokens,
  };
}

/** Merges `{maxAgeCapHours?: 1..2400 | null, tokenErrorStatus?: 400..599 | null}`; null lifts the setting. */
function applyCamaraSettings(settings: CamaraOperatorSettings, body: unknown): string | undefined {
  if (!isObject(body)) return 'body must be {maxAgeCapHours?, tokenErrorStatus?}';
  const next = { ...settings };
  for (const [key, value] of Object.entries(body)) {
    if (key === 'maxAgeCapHours') {
      if (value !== null && (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 2400)) {
        return 'maxAgeCapHours must be an integer in 1..2400 or null';
      }
      if (value === null) delete next.maxAgeCapHours;
      else next.maxAgeCapHours = value as number;
    } else if (key === 'tokenErrorStatus') {
      if (value !== null && (!Number.isInteger(value) || (value as number) < 400 || (value as number) > 599)) {
        return 'tokenErrorStatus must be an HTTP error status in 400..599 or null';
      }
      if (value === null) delete next.tokenErrorStatus;
      else next.tokenErrorStatus = value as number;
    } else {
      return `unknown field "${key}"`;
    }
  }
  delete settings.maxAgeCapHours;
  delete settings.tokenErrorStatus;
  Object.assign(settings, next);
  return undefined;
}

const SUBSCRIBER_ROUTE: MethodTable = {
  GET: (ctx, res, _body, phoneNumber) => sendJson(res, 200, { phoneNumber, ...ctx.registry.get(phoneNumber) }),
  PUT: (ctx, res, body, phoneNumber) => {
    const checked = validateSubscriberPatch(body);
    if (!checked.ok) return sendError(res, 400, checked.message);
    sendJson(res, 200, { phoneNumber, ...ctx.registry.set(phoneNumber, checked.patch) });
  },
  DELETE: (ctx, res, _body, phoneNumber) => {
    ctx.registry.delete(phoneNumber);
    sendNoContent(res);
  },
};

/** `{subscribers: {"+49...": {...}}}`: validated as a whole first, so a bad entry changes nothing. */
function putSubscribersInBulk(ctx: AdminRouteContext, res: ServerResponse, body: unknown): void {
  const entries = isObject(body) ? body.subscribers : undefined;
  if (!isObject(entries)) return sendError(res, 400, 'body must be {subscribers: {"<E.164 number>": {...}}}');
  const patches: [string, SubscriberPatch][] = [];
  for (const [phoneNumber, input] of Object.entries(entries)) {
    if (!isE164(phoneNumber)) return sendError(res, 400, `subscriber #${patches.length + 1}: key must be an E.164 number`);
    const checked = validateSubscriberPatch(input);
    if (!checked.ok) return sendError(res, 400, `subscriber #${patches.length + 1}: ${checked.message}`);
    patches.push([phoneNumber, checked.patch]);
  }
  for (const [phoneNumber, patch] of patches) ctx.registry.set(phoneNumber, patch);
  sendJson(res, 200, { updated: patches.length });
}

function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Phone numbers arrive percent-encoded (%2B) or with a literal plus; in a path a plus is never a space. */
function decodePhoneNumber(segment: string): string | undefined {
  try {
    const decoded = decodeURIComponent(segment);
    return isE164(decoded) ? decoded : undefined;
  } catch {
    return undefined;
  }
}

export function createAdminRoutes(ctx: AdminRouteContext) {
  return function handleAdminRequest(req: IncomingMessage, res: ServerResponse, path: string): void {
    let methods = FIXED_ROUTES[path];
    let param = '';
    if (methods === undefined && path.startsWith(SUBSCRIBER_PREFIX)) {
      const phoneNumber = decodePhoneNumber(path.slice(SUBSCRIBER_PREFIX.length));
      if (phoneNumber === undefined) return sendError(res, 400, 'phone number must be E.164: + then 7-15 digits, first not 0');
      methods = SUBSCRIBER_ROUTE;
      param = phoneNumber;
    }
    if (methods === undefined) return sendError(res, 404);
    const handler = methods[req.method ?? ''];
    if (handler === undefined) return sendError(res, 405, undefined, ['Allow', Object.keys(methods).join(', ')]);
    readBody(req, ADMIN_BODY_LIMIT_BYTES, (result) => {
      if (!result.ok) {
        if (result.reason === 'too_large') sendError(res, 413);
        return;
      }
      let body: unknown;
      if (result.body.length > 0) {
        try {
          body = JSON.parse(result.body.toString('utf8'));
        } catch {
          return sendError(res, 400, 'body is not valid JSON');
        }
      }
      handler(ctx, res, body, param);
    });
  };
}
