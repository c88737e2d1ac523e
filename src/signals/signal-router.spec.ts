import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../config/app-config.js';
import type { SignalProvidersSettings } from '../config/signal-providers-file.js';
import { createProviders, type ProviderFactories } from './providers/provider-registry.js';
import type { SignalProvider } from './providers/signal-provider.js';
import { TyntecProvider } from './providers/tyntec/tyntec-provider.js';
import { SignalRouter } from './signal-router.js';

const provider = (id: string) => ({ id, close: async () => {} }) as unknown as SignalProvider;
const [de, tyntec, fr, uk] = ['camara-de', 'tyntec', 'orange-fr', 'uk'].map(provider);

describe('SignalRouter', () => {
  const router = new SignalRouter(
    [de, tyntec, fr, uk],
    [
      { prefix: '', provider: 'tyntec' },
      { prefix: '+49', provider: 'camara-de', fallback: 'tyntec' },
      { prefix: '+4917', provider: 'orange-fr' },
      { prefix: '+33', provider: 'orange-fr', fallback: 'camara-de' },
    ],
  );

  it.each<[string, string, string | undefined, string]>([
    ['+491701234567', 'orange-fr', undefined, 'the longest prefix wins (+4917 over +49)'],
    ['+491521234567', 'camara-de', 'tyntec', 'a shorter prefix, with its fallback'],
    ['+33612345678', 'orange-fr', 'camara-de', 'another country'],
    ['+447700900123', 'tyntec', undefined, 'no prefix matches: the empty prefix is the default'],
  ])('%s goes to %s (fallback %s): %s', (number, primary, fallback) => {
    const route = router.routeFor(number);
    expect(route?.primary.id).toBe(primary);
    expect(route?.fallback?.id).toBe(fallback);
  });

  it('without an empty prefix, a number no route matches has no provider', () => {
    const only = new SignalRouter([de], [{ prefix: '+49', provider: 'camara-de' }]);
    expect(only.routeFor('+33612345678')).toBeUndefined();
    expect(only.routeFor('+4930123456')?.primary).toBe(de);
  });

  it('single() routes every number to one provider', () => {
    expect(SignalRouter.single(uk).routeFor('+12025550100')).toEqual({ prefix: '', primary: uk });
  });
});

describe('createProviders (the provider registry)', () => {
  const settings: SignalProvidersSettings = {
    file: '/etc/riskwire/providers.json',
    providers: [
      { type: 'tyntec', id: 'tyntec-eu', baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'k', callForwardingPath: '/cf', maxConnections: 2 },
      {
        type: 'camara',
        id: 'camara-de',
        baseUrl: 'http://127.0.0.1:1',
        tokenUrl: 'http://127.0.0.1:1/t',
        clientId: 'c',
        clientSecret: 's',
        maxConnections: 2,
      },
    ],
    routes: [{ prefix: '', provider: 'tyntec-eu' }],
  };

  it('builds each provider with its factory and its id from the file', async () => {
    const built: string[] = [];
    const factories: ProviderFactories = {
      tyntec: (s) => {
        built.push(`tyntec:${s.id}`);
        return provider(s.id);
      },
      camara: (s) => {
        built.push(`camara:${s.id}:${s.tokenUrl}`);
        return provider(s.id);
      },
    };
    expect(createProviders(settings, { timeoutMs: 100 }, factories).map((p) => p.id)).toEqual(['tyntec-eu', 'camara-de']);
    expect(built).toEqual(['tyntec:tyntec-eu', 'camara:camara-de:http://127.0.0.1:1/t']);
  });

  it('the default registry makes a TyntecProvider named by the file', async () => {
    const [made] = createProviders({ ...settings, providers: [settings.providers[0]] }, { timeoutMs: 100 });
    expect(made).toBeInstanceOf(TyntecProvider);
    expect(made.id).toBe('tyntec-eu');
    await made.close();
  });

  it('a provider type this build has no factory for stops the start, naming the entry', () => {
    expect(() => createProviders(settings, { timeoutMs: 100 }, { tyntec: (s) => provider(s.id) })).toThrow(
      new ConfigError([
        { variable: 'SIGNAL_PROVIDERS_FILE', message: 'providers.camara-de: provider type camara is not available in this build' },
      ]),
    );
  });
});
