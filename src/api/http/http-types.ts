import type { IncomingMessage, ServerResponse } from 'node:http';

/* The few Express request/response members the API uses (the project has no @types/express). */

export interface HttpRequest extends IncomingMessage {
  method: string;
  path: string;
  originalUrl: string;
  baseUrl: string;
  body?: unknown;
  route?: { path?: unknown };
  is(types: string | string[]): string | false | null;
}

export interface HttpResponse extends ServerResponse {
  status(code: number): this;
  json(body: unknown): this;
}
