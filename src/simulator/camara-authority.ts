import { randomBytes, timingSafeEqual } from 'node:crypto';

export const DEFAULT_CAMARA_CLIENT_ID = 'riskwire';
export const DEFAULT_CAMARA_CLIENT_SECRET = 'riskwire-dev-secret';
export const DEFAULT_CAMARA_TOKEN_TTL_S = 3600;

export interface CamaraClient {
  clientId: string;
  clientSecret: string;
  tokenTtlS: number;
}

export type TokenCheck = { ok: true; scopes: ReadonlySet<string> } | { ok: false };

interface IssuedToken {
  scopes: ReadonlySet<string>;
  expiresAtMs: number;
}

/**
 * The simulated operator's authorisation server: one client, opaque bearer tokens with scopes and a lifetime.
 * An unknown or expired token is refused like a real one (401).
 */
export class CamaraAuthority {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    readonly client: CamaraClient,
    private readonly now: () => number,
  ) {}

  authenticates(clientId: string, clientSecret: string): boolean {
    return sameText(clientId, this.client.clientId) && sameText(clientSecret, this.client.clientSecret);
  }

  issue(scopes: readonly string[]): { token: string; expiresInS: number } {
    this.dropExpired();
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { scopes: new Set(scopes), expiresAtMs: this.now() + this.client.tokenTtlS * 1000 });
    return { token, expiresInS: this.client.tokenTtlS };
  }

  /** The scopes of a live token from an `Authorization: Bearer` header. */
  check(authorization: string | undefined): TokenCheck {
    const match = authorization === undefined ? null : /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization.trim());
    if (match === null) return { ok: false };
    const issued = this.tokens.get(match[1]!);
    if (issued === undefined || this.now() >= issued.expiresAtMs) return { ok: false };
    return { ok: true, scopes: issued.scopes };
  }

  /** Every token issued so far stops working (the test's "expired mid-stream"). */
  revokeAll(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    return count;
  }

  get liveTokens(): number {
    this.dropExpired();
    return this.tokens.size;
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [token, issued] of this.tokens) if (now >= issued.expiresAtMs) this.tokens.delete(token);
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
