import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiErrorFor, type ApiErrorBody } from './api-error-catalogue.js';

const EMPTY_BODY = Buffer.alloc(0);

/** A JSON response serialised once; hot-path answers reuse these instead of stringifying per request. */
export interface PreparedResponse {
  status: number;
  body: Buffer;
  headers: string[];
}

export function prepareJson(status: number, payload: unknown, extraHeaders: string[] = []): PreparedResponse {
  const body = Buffer.from(JSON.stringify(payload));
  return {
    status,
    body,
    headers: ['Content-Type', 'application/json', 'Content-Length', String(body.length), ...extraHeaders],
  };
}

export function prepareError(error: ApiErrorBody): PreparedResponse {
  // Clients are expected to back off on 429; one second keeps retry loops in tests short.
  const extra = error.status === 429 ? ['Retry-After', '1'] : [];
  return prepareJson(error.status, error, extra);
}

export function sendPrepared(res: ServerResponse, prepared: PreparedResponse): void {
  if (res.destroyed) return;
  res.writeHead(prepared.status, prepared.headers);
  res.end(prepared.body);
}

export function sendJson(res: ServerResponse, status: number, payload: unknown, extraHeaders: string[] = []): void {
  sendPrepared(res, prepareJson(status, payload, extraHeaders));
}

export function sendError(res: ServerResponse, status: number, message?: string, extraHeaders: string[] = []): void {
  const prepared = prepareError(apiErrorFor(status, message));
  if (extraHeaders.length > 0) prepared.headers.push(...extraHeaders);
  sendPrepared(res, prepared);
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' | 'aborted' };

/** Collects the request body without streams machinery; bodies here are tiny and usually arrive in one chunk. */
export function readBody(req: IncomingMessage, limitBytes: number, done: (result: BodyResult) => void): void {
  let first: Buffer | null = null;
  let rest: Buffer[] | null = null;
  let size = 0;
  let finished = false;
  req.on('data', (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > limitBytes) {
      finished = true;
      done({ ok: false, reason: 'too_large' });
      return;
    }
    if (first === null) first = chunk;
    else (rest ??= []).push(chunk);
  });
  req.on('end', () => {
    if (finished) return;
    finished = true;
    if (first === null) done({ ok: true, body: EMPTY_BODY });
    else done({ ok: true, body: rest === null ? first : Buffer.concat([first, ...rest]) });
  });
  req.on('error', () => {
    if (finished) return;
    finished = true;
    done({ ok: false, reason: 'aborted' });
  });
}

/** Parses a JSON object body; anything else (invalid JSON, arrays, scalars) is undefined. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
