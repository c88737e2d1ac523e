import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';
import { ProvidersFileError, loadProvidersFile, parseProviders, type ProvidersFileContext } from './signal-providers-file.js';

const context: ProvidersFileContext = { env: {}, defaultMaxConnections: 800, readFile: () => 'unused' };

/** The example file. */
const EXAMPLE = {
  providers: {
    tyntec: { type: 'tyntec', baseUrl: 'http://127.0.0.1:8090/network-signal/v1', apiKey: 'riskwire-dev-key' },
    'camara-de': {
      type: 'camara',
      baseUrl: 'http://127.0.0.1:8090/camara',
      tokenUrl: 'http://127.0.0.1:8090/camara/oauth2/token',
      clientId: 'riskwire',
      clientSecret: 'riskwire-dev-secret',
    },
  },
  routes: [
    { prefix: '+49', provider: 'camara-de', fallback: 'tyntec' },
    { prefix: '', provider: 'tyntec' },
  ],
};

function problemsOf(json: unknown, ctx: ProvidersFileContext = context): string[] {
  try {
    parseProviders(json, ctx);
  } catch (error) {
    if (error instanceof ProvidersFileError) return error.problems;
    throw error;
  }
  return [];
}

const withProvider = (id: string, entry: unknown) => ({ providers: { [id]: entry }, routes: [{ prefix: '', provider: id }] });

describe('the providers file (SIGNAL_PROVIDERS_FILE)', () => {
  it('reads the example of the issue: a tyntec and a CAMARA provider, a routed prefix with a fallback, a default', () => {
    expect(parseProviders(EXAMPLE, context)).toEqual({
      providers: [
        {
          type: 'tyntec',
          id: 'tyntec',
          baseUrl: 'http://127.0.0.1:8090/network-signal/v1',
          apiKey: 'riskwire-dev-key',
          callForwardingPath: '/call-forwarding/check',
          maxConnections: 800,
        },
        {
          type: 'camara',
          id: 'camara-de',
          baseUrl: 'http://127.0.0.1:8090/camara',
          tokenUrl: 'http://127.0.0.1:8090/camara/oauth2/token',
          clientId: 'riskwire',
          clientSecret: 'riskwire-dev-secret',
          maxConnections: 800,
        },
      ],
      routes: EXAMPLE.routes,
    });
  });

  it('names the JSON path of every problem at once', () => {
    const broken = {
      providers: {
        tyntec: { type: 'tyntec', baseUrl: 'ftp://example', apiKey: 'k', apikey: 'typo', maxConnections: 0 },
        'camara-de': { type: 'camara', baseUrl: 'not a url', clientId: '', scopes: 'sim-swap', callForwardingPath: 'no-slash' },
        'Bad Id': { type: 'tyntec', baseUrl: 'http://x', apiKey: 'k' },
        other: { type: 'kore' },
      },
      routes: [
        { prefix: '49', provider: 'tyntec' },
        { prefix: '+49', provider: 'nobody', fallback: 'camara-de' },
        { prefix: '+49', provider: 'tyntec', fallback: 'tyntec' },
        'x',
      ],
      extra: true,
    };
    expect(problemsOf(broken)).toEqual([
      'extra: unknown field',
      'providers.tyntec.apikey: unknown field for type tyntec',
      'providers.tyntec.baseUrl: must be an http(s) URL',
      'providers.tyntec.maxConnections: must be an integer from 1 to 8192',
      'providers.camara-de.baseUrl: must be an http(s) URL',
      'providers.camara-de.tokenUrl: is required',
      'providers.camara-de.clientId: must be a non-empty string',
      'providers.camara-de.clientSecret: give exactly one of clientSecret, clientSecretFile, clientSecretEnv',
      'providers.camara-de.scopes: must map operations (sim-swap-check, sim-swap-retrieve-date, device-swap-check, device-swap-retrieve-date, call-forwarding) to scope names',
      'providers.camara-de.callForwardingPath: must be a path such as /call-forwarding/check',
      'providers.Bad Id: a provider id is 1-32 of a-z, 0-9, "_", "-", starting with a letter or digit',
      'providers.other.type: must be one of tyntec, camara',
      'routes[0].prefix: must be "" (every number) or an E.164 prefix such as "+49"',
      'routes[1].provider: must name a provider of "providers"',
      'routes[2].prefix: "+49" is already routed by routes[1]',
      'routes[2].fallback: must be another provider than tyntec',
      'routes[3]: must be an object, not string',
    ]);
  });

  it('wants at least one provider and one route', () => {
    expect(problemsOf({ providers: {}, routes: [] })).toEqual([
      'providers: must be an object naming at least one provider',
      'routes: must be an array of at least one route ({"prefix": "", "provider": "..."} routes every number)',
    ]);
    expect(problemsOf([])).toEqual(['the file must hold a JSON object, not an array']);
  });

  it('takes a secret from a file (final newline dropped) or from a variable the file names', () => {
    const files: Record<string, string> = { '/run/secrets/tyntec': 'from-file\n' };
    const ctx: ProvidersFileContext = {
      env: { CAMARA_SECRET: 'from-env' },
      defaultMaxConnections: 8,
      readFile: (path) => {
        if (!(path in files)) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
        return files[path];
      },
    };
    const settings = parseProviders(
      {
        providers: {
          tyntec: { type: 'tyntec', baseUrl: 'http://a', apiKeyFile: '/run/secrets/tyntec', maxConnections: 3 },
          camara: {
            type: 'camara',
            baseUrl: 'http://b',
            tokenUrl: 'http://b/t',
            clientId: 'c',
            clientSecretEnv: 'CAMARA_SECRET',
            scopes: { 'sim-swap-check': 'x:y' },
          },
        },
        routes: [{ prefix: '', provider: 'tyntec', fallback: 'camara' }],
      },
      ctx,
    );
    expect(settings.providers).toMatchObject([
      { id: 'tyntec', apiKey: 'from-file', maxConnections: 3 },
      { id: 'camara', clientSecret: 'from-env', scopes: { 'sim-swap-check': 'x:y' }, maxConnections: 8 },
    ]);
    expect(problemsOf(withProvider('t', { type: 'tyntec', baseUrl: 'http://a', apiKeyFile: '/missing' }), ctx)).toEqual([
      'providers.t.apiKeyFile: cannot read /missing (ENOENT)',
    ]);
    expect(problemsOf(withProvider('t', { type: 'tyntec', baseUrl: 'http://a', apiKeyEnv: 'UNSET_ONE' }), ctx)).toEqual([
      'providers.t.apiKeyEnv: the variable UNSET_ONE is not set',
    ]);
    expect(problemsOf(withProvider('t', { type: 'tyntec', baseUrl: 'http://a', apiKey: 'k', apiKeyEnv: 'X' }), ctx)).toEqual([
      'providers.t.apiKey: give exactly one of apiKey, apiKeyFile, apiKeyEnv',
    ]);
  });

  it('never quotes a secret in a problem', () => {
    const problems = problemsOf(withProvider('t', { type: 'tyntec', baseUrl: 'http://a', apiKey: 42, token: 's3cr3t-value' }));
    expect(problems).toEqual(['providers.t.token: unknown field for type tyntec', 'providers.t.apiKey: must be a non-empty string']);
    expect(problems.join()).not.toContain('s3cr3t');
  });

  it('reports an unreadable or non-JSON file by name', () => {
    expect(() => loadProvidersFile('/nowhere/providers.json', { env: {}, defaultMaxConnections: 1 })).toThrow(
      'cannot read /nowhere/providers.json (ENOENT)',
    );
    expect(() => loadProvidersFile('p.json', { ...context, readFile: () => '{"providers":' })).toThrow(/^p\.json is not JSON/);
  });

  describe('through loadConfig', () => {
    it('without the file, SIGNALS_* make the one provider "tyntec" that every number is routed to', () => {
      const config = loadConfig({ SIGNALS_BASE_URL: 'http://127.0.0.1:9/x/', SIGNALS_API_KEY: 'key-1', SIGNALS_MAX_CONNECTIONS: '5' });
      expect(config.signalProviders).toEqual({
        providers: [
          {
            type: 'tyntec',
            id: 'tyntec',
            baseUrl: 'http://127.0.0.1:9/x',
            apiKey: 'key-1',
            callForwardingPath: '/call-forwarding/check',
            maxConnections: 5,
          },
        ],
        routes: [{ prefix: '', provider: 'tyntec' }],
      });
    });

    it('a bad file stops the start naming SIGNAL_PROVIDERS_FILE and the path in the file', () => {
      let error: unknown;
      try {
        loadConfig({ SIGNAL_PROVIDERS_FILE: '/nowhere/providers.json' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe(
        'Invalid configuration: SIGNAL_PROVIDERS_FILE: cannot read /nowhere/providers.json (ENOENT)',
      );
    });
  });
});
