import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config.js';

/** A production environment that passes every rule; each test breaks one thing. */
const PRODUCTION: Record<string, string> = {
  RISKWIRE_ENV: 'production',
  API_KEYS: 'bank-app:k7Qm2vX9pL4sT8wZ1nR6yB3cF5hJ0dGe:assess|read',
  SIGNALS_API_KEY: 'tyntec-live-key-0f3a9c',
  CALLBACK_SIGNING_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
  DECISION_ID_SECRET: 'decision-id-hmac-key-0123456789abcdef',
  LIST_HASH_SECRET: 'list-hash-hmac-key-0123456789abcdefgh',
};

function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loadConfig accepted the environment');
}

const variables = (err: ConfigError) => err.problems.map((p) => p.variable).sort();

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'riskwire-guard-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('RISKWIRE_ENV=production', () => {
  it('accepts a complete production environment', () => {
    const config = loadConfig(PRODUCTION);
    expect(config.env).toBe('production');
    expect(config.api).toMatchObject({ auth: 'keys', callbacks: 'enabled' });
  });

  it('refuses to start without API keys, naming API_KEYS', () => {
    const err = refusal({ ...PRODUCTION, API_KEYS: undefined });
    expect(variables(err)).toEqual(['API_KEYS']);
    expect(err.message).toMatch(/^Refusing to start with RISKWIRE_ENV=production: API_KEYS: no API key is configured/);
    expect(err.message).toContain('API_AUTH=disabled');
  });

  it('runs without keys only when API_AUTH=disabled says so', () => {
    expect(loadConfig({ ...PRODUCTION, API_KEYS: undefined, API_AUTH: 'disabled' }).api.auth).toBe('disabled');
  });

  it('refuses API_AUTH=disabled next to configured keys (which one is meant?)', () => {
    expect(variables(refusal({ ...PRODUCTION, API_AUTH: 'disabled' }))).toEqual(['API_AUTH']);
  });

  it('refuses an empty or commented-out key file, naming API_KEYS', () => {
    const file = join(dir, 'empty-keys');
    writeFileSync(file, '# keys go here\n');
    expect(variables(refusal({ ...PRODUCTION, API_KEYS: undefined, API_KEYS_FILE: file }))).toEqual(['API_KEYS']);
  });

  it('accepts keys from API_KEYS_FILE alone', () => {
    const file = join(dir, 'keys');
    writeFileSync(file, 'ops:Zr8uN2qW5eT1yU4iO7pA0sD3fG6hJ9kL:read\n');
    expect(loadConfig({ ...PRODUCTION, API_KEYS: undefined, API_KEYS_FILE: file }).api.apiKeysFile).toBe(file);
  });

  it('refuses the development upstream key, set or defaulted, naming SIGNALS_API_KEY', () => {
    expect(variables(refusal({ ...PRODUCTION, SIGNALS_API_KEY: undefined }))).toEqual(['SIGNALS_API_KEY']);
    expect(variables(refusal({ ...PRODUCTION, SIGNALS_API_KEY: 'riskwire-dev-key' }))).toEqual(['SIGNALS_API_KEY']);
  });

  it('refuses enabled callbacks without a signing secret, naming CALLBACK_SIGNING_SECRET', () => {
    const err = refusal({ ...PRODUCTION, CALLBACK_SIGNING_SECRET: undefined });
    expect(variables(err)).toEqual(['CALLBACK_SIGNING_SECRET']);
    expect(err.message).toContain('CALLBACKS=disabled');
  });

  it('refuses a signing secret under 32 bytes, the previous one of a rotation included', () => {
    expect(variables(refusal({ ...PRODUCTION, CALLBACK_SIGNING_SECRET: 'x'.repeat(31) }))).toEqual(['CALLBACK_SIGNING_SECRET']);
    expect(variables(refusal({ ...PRODUCTION, CALLBACK_SIGNING_SECRET: `whsec_${Buffer.alloc(31).toString('base64')}` }))).toEqual([
      'CALLBACK_SIGNING_SECRET',
    ]);
    const rotating = refusal({ ...PRODUCTION, CALLBACK_SIGNING_SECRET: `${'n'.repeat(32)} short-old-secret` });
    expect(rotating.problems).toEqual([
      { variable: 'CALLBACK_SIGNING_SECRET', message: expect.stringContaining('previous secret has 16 bytes') },
    ]);
    expect(loadConfig({ ...PRODUCTION, CALLBACK_SIGNING_SECRET: `${'n'.repeat(32)} ${'o'.repeat(32)}` }).env).toBe('production');
  });

  it('needs no signing secret when CALLBACKS=disabled', () => {
    expect(loadConfig({ ...PRODUCTION, CALLBACK_SIGNING_SECRET: undefined, CALLBACKS: 'disabled' }).api.callbacks).toBe('disabled');
  });

  it('refuses a missing or short DECISION_ID_SECRET, naming it', () => {
    expect(variables(refusal({ ...PRODUCTION, DECISION_ID_SECRET: undefined }))).toEqual(['DECISION_ID_SECRET']);
    const short = refusal({ ...PRODUCTION, DECISION_ID_SECRET: 'too-short' });
    expect(short.problems).toEqual([{ variable: 'DECISION_ID_SECRET', message: expect.stringContaining('has 9 bytes') }]);
  });

  it('refuses a missing or short LIST_HASH_SECRET, naming it', () => {
    expect(variables(refusal({ ...PRODUCTION, LIST_HASH_SECRET: undefined }))).toEqual(['LIST_HASH_SECRET']);
    const short = refusal({ ...PRODUCTION, LIST_HASH_SECRET: 'short-list-key' });
    expect(short.problems).toEqual([{ variable: 'LIST_HASH_SECRET', message: expect.stringContaining('has 14 bytes') }]);
    expect(short.message).not.toContain('short-list-key');
  });

  it('lists every refusal at once, never a secret value', () => {
    const err = refusal({ RISKWIRE_ENV: 'production', CALLBACK_SIGNING_SECRET: 'short-callback-secret' });
    expect(variables(err)).toEqual(['API_KEYS', 'CALLBACK_SIGNING_SECRET', 'DECISION_ID_SECRET', 'LIST_HASH_SECRET', 'SIGNALS_API_KEY']);
    expect(err.message).not.toContain('short-callback-secret');
    expect(err.message).not.toContain('riskwire-dev-key');
  });

  it('treats empty values (a Secret key left blank) as unset', () => {
    const blank = Object.fromEntries(Object.keys(PRODUCTION).map((k) => [k, k === 'RISKWIRE_ENV' ? 'production' : '']));
    expect(variables(refusal(blank))).toEqual([
      'API_KEYS',
      'CALLBACK_SIGNING_SECRET',
      'DECISION_ID_SECRET',
      'LIST_HASH_SECRET',
      'SIGNALS_API_KEY',
    ]);
  });
});

describe('in every environment', () => {
  it('development runs with nothing set (open API, development key, random callback secret)', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.api).toMatchObject({ auth: 'keys', callbacks: 'enabled', apiKeys: undefined, callbackSigningSecret: undefined });
  });

  it('a mistyped API_KEYS entry stops the start naming API_KEYS', () => {
    for (const RISKWIRE_ENV of ['development', 'production']) {
      const err = refusal({ ...PRODUCTION, RISKWIRE_ENV, API_KEYS: 'riskwire-dev-key' });
      expect(err.problems).toEqual([{ variable: 'API_KEYS', message: expect.stringContaining('expected id:secret:scope') }]);
    }
  });

  it('an unreadable or mistyped key file stops the start naming API_KEYS_FILE', () => {
    const missing = refusal({ API_KEYS_FILE: join(dir, 'no-such-file') });
    expect(missing.problems).toEqual([{ variable: 'API_KEYS_FILE', message: 'cannot read the file: ENOENT' }]);
    const file = join(dir, 'bad-keys');
    writeFileSync(file, 'ops:secret:superuser\n');
    expect(refusal({ API_KEYS_FILE: file }).problems).toEqual([
      { variable: 'API_KEYS_FILE', message: expect.stringContaining('unknown scope superuser') },
    ]);
  });

  it('a malformed signing secret stops the start naming CALLBACK_SIGNING_SECRET', () => {
    expect(variables(refusal({ CALLBACK_SIGNING_SECRET: 'whsec_%%%' }))).toEqual(['CALLBACK_SIGNING_SECRET']);
  });

  it('rejects unknown API_AUTH and CALLBACKS values', () => {
    expect(variables(refusal({ API_AUTH: 'none', CALLBACKS: 'yes' }))).toEqual(['API_AUTH', 'CALLBACKS']);
  });
});

describe('RISKWIRE_ENV=production with a providers file', () => {
  const providersFile = (providers: Record<string, unknown>) => {
    const file = join(dir, `providers-${Object.keys(providers).join('-')}.json`);
    writeFileSync(file, JSON.stringify({ providers, routes: [{ prefix: '', provider: Object.keys(providers)[0] }] }));
    return file;
  };
  const camara = { type: 'camara', baseUrl: 'https://op.example/camara', tokenUrl: 'https://op.example/token', clientId: 'riskwire' };

  it('refuses development secrets in the file, naming each entry (SIGNALS_API_KEY is not used then)', () => {
    const file = providersFile({
      tyntec: { type: 'tyntec', baseUrl: 'https://api.tyntec.com/network-signal/v1', apiKey: 'riskwire-dev-key' },
      'camara-de': { ...camara, clientSecret: 'riskwire-dev-secret' },
    });
    const err = refusal({ ...PRODUCTION, SIGNALS_API_KEY: undefined, SIGNAL_PROVIDERS_FILE: file });
    expect(err.problems).toEqual([
      {
        variable: 'SIGNAL_PROVIDERS_FILE',
        message: "providers.tyntec.apiKey is a development default; give the provider's real secret (apiKeyFile or apiKeyEnv)",
      },
      {
        variable: 'SIGNAL_PROVIDERS_FILE',
        message:
          "providers.camara-de.clientSecret is a development default; give the provider's real secret (clientSecretFile or clientSecretEnv)",
      },
    ]);
  });

  it('accepts real secrets from a mounted file and an environment variable, with SIGNALS_API_KEY left unset', () => {
    const secretFile = join(dir, 'tyntec-key');
    writeFileSync(secretFile, 'tyntec-live-key-7c1d\n');
    const file = providersFile({
      tyntec: { type: 'tyntec', baseUrl: 'https://api.tyntec.com/network-signal/v1', apiKeyFile: secretFile },
      'camara-fr': { ...camara, clientSecretEnv: 'CAMARA_FR_SECRET' },
    });
    const config = loadConfig({
      ...PRODUCTION,
      SIGNALS_API_KEY: undefined,
      SIGNAL_PROVIDERS_FILE: file,
      CAMARA_FR_SECRET: 'live-secret-1',
    });
    expect(config.signalProviders.providers).toMatchObject([{ apiKey: 'tyntec-live-key-7c1d' }, { clientSecret: 'live-secret-1' }]);
  });
});
