import { ConfigError } from '../../config/app-config.js';
import type { ProviderSettings, ProviderType, SignalProvidersSettings } from '../../config/signal-providers-file.js';
import type { RiskwireMetrics } from '../../metrics/riskwire-metrics.js';
import { camaraMetricsFrom } from './camara/camara-metrics.js';
import { createCamaraProvider } from './camara/camara-provider.js';
import type { SignalProvider } from './signal-provider.js';
import { TyntecProvider } from './tyntec/tyntec-provider.js';

/** What every provider shares from the environment (SIGNALS_TIMEOUT_MS: the backstop of a call left behind). */
export interface SharedProviderSettings {
  timeoutMs: number;
  /** The service's registry, for a provider's own counters (CAMARA: token requests, problems an operator must fix). */
  metrics?: RiskwireMetrics;
}

export type ProviderFactory<T extends ProviderType> = (
  settings: Extract<ProviderSettings, { type: T }>,
  shared: SharedProviderSettings,
) => SignalProvider;

export type ProviderFactories = { [T in ProviderType]?: ProviderFactory<T> };

/**
 * One entry per provider `type` of the providers file: adding a dialect is its folder under providers/ and one line
 * here. Scoring, the cache and the routing do not change.
 */
export const PROVIDER_FACTORIES: ProviderFactories = {
  tyntec: (settings, shared) =>
    new TyntecProvider({
      id: settings.id,
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      timeoutMs: shared.timeoutMs,
      callForwardingPath: settings.callForwardingPath,
      maxConnections: settings.maxConnections,
    }),
  camara: (settings, shared) =>
    createCamaraProvider(
      settings.id,
      {
        baseUrl: settings.baseUrl,
        tokenUrl: settings.tokenUrl,
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        ...(settings.scopes ? { scopes: settings.scopes } : {}),
        ...(settings.callForwardingPath ? { callForwardingPath: settings.callForwardingPath } : {}),
        maxConnections: settings.maxConnections,
        timeoutMs: shared.timeoutMs,
      },
      shared.metrics ? { metrics: camaraMetricsFrom(shared.metrics) } : {},
    ),
};

/**
 * Throws a ConfigError naming each entry whose type has no factory in this build. Called by startApp before Nest
 * builds anything (so the start stops with exit code 2, like any bad setting) and again by createProviders.
 */
export function assertProvidersAvailable(settings: SignalProvidersSettings, factories: ProviderFactories = PROVIDER_FACTORIES): void {
  const missing = settings.providers.filter((p) => factories[p.type] === undefined);
  if (missing.length === 0) return;
  throw new ConfigError(
    missing.map((p) => ({
      variable: 'SIGNAL_PROVIDERS_FILE',
      message: `providers.${p.id}: provider type ${p.type} is not available in this build`,
    })),
  );
}

/** Builds every provider of the settings; a type without a factory in this build stops the start, naming the entry. */
export function createProviders(
  settings: SignalProvidersSettings,
  shared: SharedProviderSettings,
  factories: ProviderFactories = PROVIDER_FACTORIES,
): SignalProvider[] {
  assertProvidersAvailable(settings, factories);
  return settings.providers.map((p) => (factories[p.type] as ProviderFactory<typeof p.type>)(p as never, shared));
}
