import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/app-config.js';
import { ApiAuthenticator } from './api-authenticator.js';
import { ApiError } from '../errors/api-error.js';
import { ApiKeyConfigError, findKey, hashSecret, parseApiKeys } from '../../credentials/api-keys.js';
import { canonicalJson } from '../../common/canonical-json.js';
import { requireKeyForMetrics } from './metrics-auth.js';

describe('parseApiKeys', () => {
  it('parses id:secret:scopes entries separated by commas and lines, keeping only hashes', () => {
    const keys = parseApiKeys('ops:s3cret:assess|read, # comment\nreader:r:e:a:d:read\n\n# only a comment');
    expect(keys.map((k) => [k.id, k.scopes])).toEqual([
      ['ops', ['assess', 'read']],
      ['reader', ['read']],
    ]);
    expect(keys[0]!.secretHash).toEqual(hashSecret('s3cret'));
    expect(keys[1]!.secretHash).toEqual(hashSecret('r:e:a:d'));
    expect(JSON.stringify(keys)).not.toContain('s3cret');
  });

  it('reads an optional tenant after the scopes; without one the tenant is the key id', () => {
    const keys = parseApiKeys('ops:s3cret:assess|read:acme,bot:b:o:t:read:acme.eu-1,plain:p:read');
    expect(keys.map((k) => [k.id, k.scopes, k.tenant])).toEqual([
      ['ops', ['assess', 'read'], 'acme'],
      ['bot', ['read'], 'acme.eu-1'],
      ['plain', ['read'], 'plain'],
    ]);
    expect(keys[1]!.secretHash).toEqual(hashSecret('b:o:t'));
  });

  it.each([
    // every entry of the 3-part form keeps its meaning: the last part is a scope list, never a tenant
    ['old:x:read:assess', 'x:read', ['assess'], 'old'],
    ['old:x:assess:read', 'x:assess', ['read'], 'old'],
    ['old:x:read:assess|read', 'x:read', ['assess', 'read'], 'old'],
    ['old:x:y:read', 'x:y', ['read'], 'old'],
    // a tenant needs a scope list before it; otherwise the colon belongs to the secret
    ['new:x:y:read:acme', 'x:y', ['read'], 'acme'],
    ['new:x:read: read', 'x:read', ['read'], 'new'],
    // admin is a scope (lists, policy mode), so it is never a tenant
    ['ops:x:admin', 'x', ['admin'], 'ops'],
    ['ops:x:read|admin:acme', 'x', ['read', 'admin'], 'acme'],
    ['ops:x:read:admin', 'x:read', ['admin'], 'ops'],
  ])('parses %s unambiguously', (spec, secret, scopes, tenant) => {
    const [key] = parseApiKeys(spec);
    expect(key).toMatchObject({ scopes, tenant });
    expect(key!.secretHash).toEqual(hashSecret(secret));
  });

  it.each([
    ['ops:hunter2:read:Acme', /unknown scope Acme \(a tenant after the scopes must be/],
    ['ops:hunter2:acme', /unknown scope acme/],
    ['ops:hunter2:read:-acme', /unknown scope -acme/],
    ['ops:hunter2:read:' + 'a'.repeat(64), /unknown scope a{64}/],
    ['o\u0000ps:hunter2:read', /control characters/],
  ])('rejects %s (not a tenant: the entry reads as id:secret:scopes)', (spec, message) => {
    expect(() => parseApiKeys(spec)).toThrow(message);
    expect(() => parseApiKeys(spec)).not.toThrow(/hunter2/);
  });

  it.each([
    ['ops', /expected id:secret:scope/],
    ['ops:hunter2', /expected id:secret:scope/],
    ['ops::read', /empty secret/],
    ['ops:hunter2:', /no scope/],
    ['ops:hunter2:superuser', /unknown scope superuser/],
    ['a:hunter2:read,a:y:read', /duplicate key id a/],
  ])('rejects %s without naming the secret', (spec, message) => {
    expect(() => parseApiKeys(spec)).toThrow(message);
    try {
      parseApiKeys(spec);
    } catch (err) {
      expect(err).toBeInstanceOf(ApiKeyConfigError);
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('findKey matches the exact secret only', () => {
    const keys = parseApiKeys('a:alpha:read,b:beta:assess');
    expect(findKey(keys, 'beta')?.id).toBe('b');
    expect(findKey(keys, 'bet')).toBeUndefined();
    expect(findKey(keys, 'betaa')).toBeUndefined();
  });
});

describe('ApiAuthenticator', () => {
  it('reads keys from API_KEYS_FILE as well as API_KEYS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskwire-keys-'));
    const file = join(dir, 'keys');
    writeFileSync(file, '# ops team\nfile-key:from-file:read\n');
    const auth = new ApiAuthenticator(loadConfig({ API_KEYS: 'env-key:from-env:assess', API_KEYS_FILE: file }));
    expect(auth.identify('Bearer from-file').keyId).toBe('file-key');
    expect(auth.identify('Bearer from-env').keyId).toBe('env-key');
    expect(auth.identify('Bearer from-file').scopes).toEqual(['read']);
  });

  it('runs open with no key configured, in the one tenant "default"', () => {
    const auth = new ApiAuthenticator(loadConfig({}));
    expect(auth.open).toBe(true);
    expect(auth.identify(undefined)).toMatchObject({ keyId: 'anonymous', tenant: 'default' });
  });

  it("gives the principal its key's tenant", () => {
    const auth = new ApiAuthenticator(loadConfig({ API_KEYS: 'a:alpha:read:acme,b:beta:assess' }));
    expect(auth.identify('Bearer alpha')).toMatchObject({ keyId: 'a', tenant: 'acme' });
    expect(auth.identify('Bearer beta')).toMatchObject({ keyId: 'b', tenant: 'b' });
  });

  it("401 carries WWW-Authenticate (429 and its Retry-After are ApiGate's: api-gate.spec.ts)", () => {
    const auth = new ApiAuthenticator(loadConfig({ API_KEYS: 'k:secret:read' }));
    let error: unknown;
    try {
      auth.identify(undefined);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('UNAUTHORIZED');
    expect((error as ApiError).headers['WWW-Authenticate']).toMatch(/^Bearer/);
    expect(auth.identify('Bearer secret').keyId).toBe('k');
  });
});

describe('canonicalJson', () => {
  it('is independent of key order at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(canonicalJson({ a: { c: null, d: [2, 1] }, b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
  });
});

describe('requireKeyForMetrics', () => {
  const run = (metricsAuth: 'none' | 'key', authorization?: string) => {
    const config = loadConfig({ API_KEYS: 'dash:d-secret:read,writer:w-secret:assess', METRICS_AUTH: metricsAuth });
    const middleware = requireKeyForMetrics(config, new ApiAuthenticator(config));
    let passed: unknown = 'not called';
    middleware({ headers: authorization ? { authorization } : {} } as never, {} as never, (err?: unknown) => (passed = err));
    return passed;
  };

  it('lets everything through with METRICS_AUTH=none', () => {
    expect(run('none')).toBeUndefined();
  });

  it('with METRICS_AUTH=key wants a valid key with the read scope', () => {
    expect(run('key', 'Bearer d-secret')).toBeUndefined();
    expect(run('key')).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(run('key', 'Bearer w-secret')).toMatchObject({ code: 'FORBIDDEN' });
  });
});
