import { readFile } from 'node:fs/promises';
import { isJsonObject, JsonOverHttp } from '../json-over-http.js';

/** How we prove who we are to the token endpoint (RFC 6749 §2.3.1); basic is the one every server must support. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

export interface ClientCredentialsSettings {
  tokenUrl: string;
  clientId: string;
  /** Exactly one of clientSecret and clientSecretFile (a mounted Secret; read per token request, so rotation needs no restart). */
  clientSecret?: string;
  clientSecretFile?: string;
  authMethod?: ClientAuthMethod;
  /** Per token request. */
  timeoutMs: number;
  /** Tokens are renewed this long before they expire (at most a tenth of their lifetime). Default 30 s. */
  refreshMarginMs?: number;
  /** After a failed token request, calls fail fast for this long instead of hammering a broken endpoint. Default 1 s. */
  failureCooldownMs?: number;
}

export type TokenOutcome = { ok: true; token: string } | { ok: false; detail: string; aborted?: boolean };

export interface TokenRequestObserver {
  tokenRequested(outcome: 'ok' | 'failed'): void;
}

interface CachedToken {
  token: string;
  renewAtMs: number;
}

/** Without expires_in the server gives no lifetime: keep the token a minute, a 401 renews it sooner. */
const DEFAULT_LIFETIME_MS = 60_000;

/**
 * OAuth 2.0 client credentials grant (RFC 6749 §4.4), one access token per scope. Tokens are reused until shortly
 * before they expire; however many calls need a token at once, one request per scope is in flight (no stampede).
 * A token the API refused (401) is dropped with invalidate(), only if it is still the cached one, so many concurrent
 * 401s cause one refresh. Neither the secret nor a token is ever put in a detail, log or error.
 */
export class ClientCredentialsTokens {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<TokenOutcome>>();
  private readonly failedUntil = new Map<string, { untilMs: number; detail: string }>();
  private readonly http: JsonOverHttp;

  constructor(
    private readonly settings: ClientCredentialsSettings,
    private readonly observer: TokenRequestObserver = { tokenRequested: () => undefined },
    private readonly now: () => number = Date.now,
  ) {
    if ((settings.clientSecret === undefined) === (settings.clientSecretFile === undefined)) {
      throw new Error('client credentials need exactly one of clientSecret and clientSecretFile');
    }
    this.http = new JsonOverHttp({ baseUrl: settings.tokenUrl, timeoutMs: settings.timeoutMs, maxConnections: 4, maxBodyBytes: 16 * 1024 });
  }

  /** A valid token for the scope, from the cache or one shared request; the caller's signal stops only its own wait. */
  async token(scope: string, signal?: AbortSignal): Promise<TokenOutcome> {
    const cached = this.cache.get(scope);
    if (cached !== undefined && this.now() < cached.renewAtMs) return { ok: true, token: cached.token };
    const failed = this.failedUntil.get(scope);
    if (failed !== undefined && this.now() < failed.untilMs) return { ok: false, detail: failed.detail };
    let pending = this.inFlight.get(scope);
    if (pending === undefined) {
      pending = this.request(scope).finally(() => this.inFlight.delete(scope));
      this.inFlight.set(scope, pending);
    }
    return signal === undefined ? pending : untilAborted(pending, signal);
  }

  /** The API refused this token: forget it unless a newer one already replaced it. */
  invalidate(scope: string, token: string): void {
    if (this.cache.get(scope)?.token === token) this.cache.delete(scope);
  }

  /** Every token currently held, so error details can be scrubbed of them. */
  heldTokens(): string[] {
    return [...this.cache.values()].map((c) => c.token);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async request(scope: string): Promise<TokenOutcome> {
    const outcome = await this.exchange(scope);
    this.observer.tokenRequested(outcome.ok ? 'ok' : 'failed');
    if (!outcome.ok) {
      this.failedUntil.set(scope, { untilMs: this.now() + (this.settings.failureCooldownMs ?? 1_000), detail: outcome.detail });
      return outcome;
    }
    this.failedUntil.delete(scope);
    return { ok: true, token: outcome.token };
  }

  private async exchange(scope: string): Promise<TokenOutcome> {
    let secret: string;
    try {
      secret = await this.secret();
    } catch (error) {
      return { ok: false, detail: `client secret file unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
    const form = new URLSearchParams({ grant_type: 'client_credentials', scope });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if ((this.settings.authMethod ?? 'client_secret_basic') === 'client_secret_basic') {
      // RFC 6749 §2.3.1: both parts form-urlencoded before base64.
      const pair = `${formEncode(this.settings.clientId)}:${formEncode(secret)}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    } else {
      form.set('client_id', this.settings.clientId);
      form.set('client_secret', secret);
    }
    const startedAt = this.now();
    const answer = await this.http.post({ path: '', headers, body: form.toString() });
    if (answer.kind === 'failed')
      return { ok: false, detail: `token endpoint ${answer.reason}${answer.detail ? ` (${answer.detail})` : ''}` };
    if (answer.status !== 200) {
      // RFC 6749 §5.2: {error, error_description}; the error code is a fixed vocabulary, safe to show.
      const code = isJsonObject(answer.body) && typeof answer.body.error === 'string' ? ` ${answer.body.error.slice(0, 40)}` : '';
      return { ok: false, detail: `token endpoint answered ${answer.status}${code}` };
    }
    const body = answer.body;
    if (!isJsonObject(body) || typeof body.access_token !== 'string' || body.access_token === '') {
      return { ok: false, detail: 'token endpoint answer without access_token' };
    }
    if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer') {
      return { ok: false, detail: 'token endpoint answer is not a bearer token' };
    }
    const expiresIn = body.expires_in;
    const lifetimeMs =
      typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_LIFETIME_MS;
    const marginMs = Math.min(this.settings.refreshMarginMs ?? 30_000, lifetimeMs / 10);
    // Counted from when we asked: the token started ageing before its answer reached us.
    this.cache.set(scope, { token: body.access_token, renewAtMs: startedAt + lifetimeMs - marginMs });
    return { ok: true, token: body.access_token };
  }

  private async secret(): Promise<string> {
    if (this.settings.clientSecret !== undefined) return this.settings.clientSecret;
    // A mounted Secret usually ends with a newline that is not part of the secret.
    return (await readFile(this.settings.clientSecretFile!, 'utf8')).replace(/\r?\n$/, '');
  }
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

function untilAborted(pending: Promise<TokenOutcome>, signal: AbortSignal): Promise<TokenOutcome> {
  if (signal.aborted) return Promise.resolve({ ok: false, detail: 'aborted while waiting for a token', aborted: true });
  return new Promise((resolve) => {
    const onAbort = () => resolve({ ok: false, detail: 'aborted while waiting for a token', aborted: true });
    signal.addEventListener('abort', onAbort, { once: true });
    void pending.then((outcome) => {
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    });
  });
}
