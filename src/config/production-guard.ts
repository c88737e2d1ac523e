import { ApiKeySourceError, loadApiKeys } from '../credentials/api-key-sources.js';
import { MIN_SIGNING_KEY_BYTES, SigningSecretError, parseSigningSecrets } from '../credentials/callback-signature.js';
import type { AppConfig, ConfigProblem } from './app-config.js';
import { EnvironmentSchema } from './environment.schema.js';

/** Shortest DECISION_ID_SECRET and callback signing key production accepts: the HMAC-SHA256 output size. */
export const MIN_PRODUCTION_SECRET_BYTES = MIN_SIGNING_KEY_BYTES;

const DEVELOPMENT_SIGNALS_API_KEY = new EnvironmentSchema().SIGNALS_API_KEY;

/**
 * The one place that decides what the service needs before it takes traffic, run by loadConfig before anything
 * connects. In every environment: the credentials given must parse (a mistyped API key, an unreadable key file or a
 * malformed signing secret stops the start naming its variable). With RISKWIRE_ENV=production, also nothing may be
 * open or left at a development default: API keys (unless API_AUTH=disabled says the API is open on purpose), a real
 * upstream key, a signing secret for enabled callbacks and a decision-id secret, both of at least 32 bytes.
 * Returns every problem at once, so one restart shows all that is missing.
 */
export function startupProblems(config: AppConfig): ConfigProblem[] {
  const production = config.env === 'production';
  return [
    ...apiKeyProblems(config, production),
    ...callbackProblems(config, production),
    ...(production ? productionOnlyProblems(config) : []),
  ];
}

function apiKeyProblems(config: AppConfig, production: boolean): ConfigProblem[] {
  let keyCount: number;
  try {
    keyCount = loadApiKeys(config.api).length;
  } catch (err) {
    if (err instanceof ApiKeySourceError) return [{ variable: err.variable, message: err.message }];
    throw err;
  }
  if (config.api.auth === 'disabled' && keyCount > 0) {
    return [
      { variable: 'API_AUTH', message: 'is disabled, yet API_KEYS / API_KEYS_FILE hold keys: remove the keys or drop API_AUTH=disabled' },
    ];
  }
  if (production && config.api.auth === 'keys' && keyCount === 0) {
    return [
      {
        variable: 'API_KEYS',
        message:
          'no API key is configured (API_KEYS or API_KEYS_FILE): set at least one id:secret:scope key, or API_AUTH=disabled to run the API open on purpose',
      },
    ];
  }
  return [];
}

function callbackProblems(config: AppConfig, production: boolean): ConfigProblem[] {
  const variable = 'CALLBACK_SIGNING_SECRET';
  const spec = config.api.callbackSigningSecret;
  const enabled = config.api.callbacks === 'enabled';
  if (spec === undefined) {
    if (production && enabled) {
      return [
        {
          variable,
          message: `is required when CALLBACKS=enabled (at least ${MIN_PRODUCTION_SECRET_BYTES} bytes, so receivers can verify callbacks), or set CALLBACKS=disabled`,
        },
      ];
    }
    return [];
  }
  try {
    const keys = parseSigningSecrets(spec);
    if (!production || !enabled) return [];
    const short = keys.filter((k) => k.bytes.length < MIN_PRODUCTION_SECRET_BYTES);
    return short.map((k) => ({
      variable,
      message: `the ${k.label} secret has ${k.bytes.length} bytes; production needs at least ${MIN_PRODUCTION_SECRET_BYTES}`,
    }));
  } catch (err) {
    if (err instanceof SigningSecretError) return [{ variable, message: err.message }];
    throw err;
  }
}

function productionOnlyProblems(config: AppConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  // With a providers file SIGNALS_API_KEY is unused: the file's secrets are checked instead.
  if (config.signalProviders.file === undefined && config.signals.apiKey === DEVELOPMENT_SIGNALS_API_KEY) {
    problems.push({ variable: 'SIGNALS_API_KEY', message: 'is unset or the development default; set the Network Signals API key' });
  }
  problems.push(...developmentProviderSecrets(config));
  const idSecret = config.decisions.idSecret;
  if (idSecret === undefined) {
    problems.push({
      variable: 'DECISION_ID_SECRET',
      message: `is required (at least ${MIN_PRODUCTION_SECRET_BYTES} bytes): it keys the decision ids`,
    });
  } else if (Buffer.byteLength(idSecret, 'utf8') < MIN_PRODUCTION_SECRET_BYTES) {
    problems.push({
      variable: 'DECISION_ID_SECRET',
      message: `has ${Buffer.byteLength(idSecret, 'utf8')} bytes; production needs at least ${MIN_PRODUCTION_SECRET_BYTES}`,
    });
  }
  problems.push(...listHashSecretProblems(config.lists.hashSecret));
  return problems;
}

// --- Policy lists: the list entries' HMAC key, like DECISION_ID_SECRET (a public key would let anyone test values)
function listHashSecretProblems(secret: string | undefined): ConfigProblem[] {
  const variable = 'LIST_HASH_SECRET';
  if (secret === undefined) {
    return [{ variable, message: `is required (at least ${MIN_PRODUCTION_SECRET_BYTES} bytes): it keys the hashes of the list entries` }];
  }
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_PRODUCTION_SECRET_BYTES)
    return [{ variable, message: `has ${bytes} bytes; production needs at least ${MIN_PRODUCTION_SECRET_BYTES}` }];
  return [];
}

/** The development secrets the simulator accepts: a providers file holding one would send them to a real network. */
const DEVELOPMENT_PROVIDER_SECRETS: ReadonlySet<string> = new Set([DEVELOPMENT_SIGNALS_API_KEY, 'riskwire-dev-secret']);

function developmentProviderSecrets(config: AppConfig): ConfigProblem[] {
  if (config.signalProviders.file === undefined) return [];
  return config.signalProviders.providers.flatMap((provider) => {
    const [field, secret] = provider.type === 'tyntec' ? ['apiKey', provider.apiKey] : ['clientSecret', provider.clientSecret];
    if (!DEVELOPMENT_PROVIDER_SECRETS.has(secret)) return [];
    return [
      {
        variable: 'SIGNAL_PROVIDERS_FILE',
        message: `providers.${provider.id}.${field} is a development default; give the provider's real secret (${field}File or ${field}Env)`,
      },
    ];
  });
}
