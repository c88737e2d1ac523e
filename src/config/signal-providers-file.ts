import { readFileSync } from 'node:fs';

/** A tyntec Network Signals endpoint (the simulator's default dialect). */
export interface TyntecProviderSettings {
  type: 'tyntec';
  id: string;
  baseUrl: string;
  apiKey: string;
  callForwardingPath: string;
  maxConnections: number;
}

/** The CAMARA operations riskwire calls (bounded: a metrics label); a providers file may name each one's scope. */
export const CAMARA_OPERATIONS = [
  'sim-swap-check',
  'sim-swap-retrieve-date',
  'device-swap-check',
  'device-swap-retrieve-date',
  'call-forwarding',
] as const;
export type CamaraOperation = (typeof CAMARA_OPERATIONS)[number];

/** A CAMARA operator or aggregator (OAuth2 client credentials). Its factory is the camara provider's. */
export interface CamaraProviderSettings {
  type: 'camara';
  id: string;
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Per operation, the scope to ask for instead of the one the CAMARA spec names. */
  scopes?: Partial<Record<CamaraOperation, string>>;
  callForwardingPath?: string;
  maxConnections: number;
}

export type ProviderSettings = TyntecProviderSettings | CamaraProviderSettings;
export type ProviderType = ProviderSettings['type'];

/** Numbers starting with `prefix` (E.164, "" for every number) go to `provider`; `fallback` is asked when it is UNAVAILABLE. */
export interface ProviderRouteSettings {
  prefix: string;
  provider: string;
  fallback?: string;
}

export interface SignalProvidersSettings {
  /** SIGNAL_PROVIDERS_FILE, or undefined when the single-tyntec SIGNALS_* variables configure the one provider. */
  file?: string;
  providers: ProviderSettings[];
  routes: ProviderRouteSettings[];
}

/** Every problem found in the file, each naming its JSON path (`providers.camara-de.baseUrl`). */
export class ProvidersFileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ProvidersFileError';
  }
}

/** What the file may not say itself: the pool size default, and where `...Env` secrets are looked up. */
export interface ProvidersFileContext {
  env: Record<string, string | undefined>;
  defaultMaxConnections: number;
  readFile?: (path: string) => string;
}

/** Bounded: provider ids are metric labels and appear in every decision. */
const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;
/** An E.164 prefix: "+" and up to 15 digits, the first not 0; "" routes every number. */
const E164_PREFIX = /^(?:\+[1-9]\d{0,14})?$/;
const PATH = /^\/[A-Za-z0-9/_-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SCOPE = /^[!-~]+$/;

const FIELDS: Record<ProviderType, readonly string[]> = {
  tyntec: ['type', 'baseUrl', 'apiKey', 'apiKeyFile', 'apiKeyEnv', 'callForwardingPath', 'maxConnections'],
  camara: [
    'type',
    'baseUrl',
    'tokenUrl',
    'clientId',
    'clientSecret',
    'clientSecretFile',
    'clientSecretEnv',
    'scopes',
    'callForwardingPath',
    'maxConnections',
  ],
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

/** Reads and validates SIGNAL_PROVIDERS_FILE; throws ProvidersFileError with every problem at once. */
export function loadProvidersFile(file: string, context: ProvidersFileContext): SignalProvidersSettings {
  const read = context.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  let text: string;
  try {
    text = read(file);
  } catch (error) {
    throw new ProvidersFileError([`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProvidersFileError([`${file} is not JSON: ${(error as Error).message}`]);
  }
  return { file, ...parseProviders(json, { ...context, readFile: read }) };
}

/** Validates the parsed file (exported for the unit specs). */
export function parseProviders(json: unknown, context: ProvidersFileContext): Omit<SignalProvidersSettings, 'file'> {
  const problems: string[] = [];
  if (!isObject(json)) throw new ProvidersFileError([`the file must hold a JSON object, not ${describe(json)}`]);
  for (const key of Object.keys(json)) if (key !== 'providers' && key !== 'routes') problems.push(`${key}: unknown field`);
  const providers: ProviderSettings[] = [];
  if (!isObject(json.providers) || Object.keys(json.providers).length === 0) {
    problems.push('providers: must be an object naming at least one provider');
  } else {
    for (const [id, entry] of Object.entries(json.providers)) {
      const provider = parseProvider(id, entry, context, problems);
      if (provider) providers.push(provider);
    }
  }
  const known = new Set(isObject(json.providers) ? Object.keys(json.providers) : []);
  const routes = parseRoutes(json.routes, known, problems);
  if (problems.length > 0) throw new ProvidersFileError(problems);
  return { providers, routes };
}

function parseProvider(id: string, entry: unknown, context: ProvidersFileContext, problems: string[]): ProviderSettings | undefined {
  const at = `providers.${id}`;
  if (!PROVIDER_ID.test(id)) problems.push(`${at}: a provider id is 1-32 of a-z, 0-9, "_", "-", starting with a letter or digit`);
  if (!isObject(entry)) {
    problems.push(`${at}: must be an object, not ${describe(entry)}`);
    return undefined;
  }
  const type = entry.type;
  if (type !== 'tyntec' && type !== 'camara') {
    problems.push(`${at}.type: must be one of tyntec, camara`);
    return undefined;
  }
  for (const key of Object.keys(entry)) if (!FIELDS[type].includes(key)) problems.push(`${at}.${key}: unknown field for type ${type}`);
  const before = problems.length;
  const field = new Fields(entry, at, problems);
  const baseUrl = field.url('baseUrl');
  const maxConnections = field.positiveInt('maxConnections', 8192) ?? context.defaultMaxConnections;
  if (type === 'tyntec') {
    const apiKey = field.secret('apiKey', context);
    const callForwardingPath = field.path('callForwardingPath') ?? '/call-forwarding/check';
    if (problems.length > before) return undefined;
    return { type, id, baseUrl: baseUrl!, apiKey: apiKey!, callForwardingPath, maxConnections };
  }
  const tokenUrl = field.url('tokenUrl');
  const clientId = field.text('clientId');
  const clientSecret = field.secret('clientSecret', context);
  const scopes = field.scopes('scopes');
  const callForwardingPath = field.path('callForwardingPath');
  if (problems.length > before) return undefined;
  return {
    type,
    id,
    baseUrl: baseUrl!,
    tokenUrl: tokenUrl!,
    clientId: clientId!,
    clientSecret: clientSecret!,
    ...(scopes ? { scopes } : {}),
    ...(callForwardingPath ? { callForwardingPath } : {}),
    maxConnections,
  };
}

function parseRoutes(routes: unknown, known: Set<string>, problems: string[]): ProviderRouteSettings[] {
  if (!Array.isArray(routes) || routes.length === 0) {
    problems.push('routes: must be an array of at least one route ({"prefix": "", "provider": "..."} routes every number)');
    return [];
  }
  const parsed: ProviderRouteSettings[] = [];
  const seen = new Map<string, number>();
  routes.forEach((route: unknown, i) => {
    const at = `routes[${i}]`;
    if (!isObject(route)) return problems.push(`${at}: must be an object, not ${describe(route)}`);
    for (const key of Object.keys(route))
      if (!['prefix', 'provider', 'fallback'].includes(key)) problems.push(`${at}.${key}: unknown field`);
    const { prefix, provider, fallback } = route;
    if (typeof prefix !== 'string' || !E164_PREFIX.test(prefix)) {
      problems.push(`${at}.prefix: must be "" (every number) or an E.164 prefix such as "+49"`);
    } else if (seen.has(prefix)) {
      problems.push(`${at}.prefix: "${prefix}" is already routed by routes[${seen.get(prefix)}]`);
    } else seen.set(prefix, i);
    if (typeof provider !== 'string' || !known.has(provider)) problems.push(`${at}.provider: must name a provider of "providers"`);
    if (fallback !== undefined) {
      if (typeof fallback !== 'string' || !known.has(fallback)) problems.push(`${at}.fallback: must name a provider of "providers"`);
      else if (fallback === provider) problems.push(`${at}.fallback: must be another provider than ${provider}`);
    }
    parsed.push({ prefix: String(prefix), provider: String(provider), ...(typeof fallback === 'string' ? { fallback } : {}) });
  });
  return parsed;
}

/** Reads one provider entry's fields, recording a problem (never a value: it may be a secret) for each bad one. */
class Fields {
  constructor(
    private readonly entry: Json,
    private readonly at: string,
    private readonly problems: string[],
  ) {}

  text(name: string): string | undefined {
    const value = this.entry[name];
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.problems.push(`${this.at}.${name}: ${value === undefined ? 'is required' : 'must be a non-empty string'}`);
    return undefined;
  }

  url(name: string): string | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
    } catch {
      // reported below
    }
    this.problems.push(`${this.at}.${name}: must be an http(s) URL`);
    return undefined;
  }

  path(name: string): string | undefined {
    const value = this.entry[name];
    if (value === undefined) return undefined;
    if (typeof value === 'string' && PATH.test(value)) return value;
    this.problems.push(`${this.at}.${name}: must be a path such as /call-forwarding/check`);
    return undefined;
  }

  positiveInt(name: string, max: number): number | undefined {
    const value = this.entry[name];
    if (value === undefined) return undefined;
    if (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max) return value as number;
    this.problems.push(`${this.at}.${name}: must be an integer from 1 to ${max}`);
    return undefined;
  }

  scopes(name: string): Partial<Record<CamaraOperation, string>> | undefined {
    const value = this.entry[name];
    if (value === undefined) return undefined;
    const valid =
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.entries(value).every(
        ([operation, scope]) =>
          (CAMARA_OPERATIONS as readonly string[]).includes(operation) && typeof scope === 'string' && SCOPE.test(scope),
      );
    if (valid) return value as Partial<Record<CamaraOperation, string>>;
    this.problems.push(`${this.at}.${name}: must map operations (${CAMARA_OPERATIONS.join(', ')}) to scope names`);
    return undefined;
  }

  /** `name`, `nameFile` (a mounted Secret; a final newline is dropped) or `nameEnv` (a variable's name): exactly one. */
  secret(name: string, context: ProvidersFileContext): string | undefined {
    const sources = [name, `${name}File`, `${name}Env`].filter((key) => this.entry[key] !== undefined);
    if (sources.length !== 1) {
      this.problems.push(`${this.at}.${name}: give exactly one of ${name}, ${name}File, ${name}Env`);
      return undefined;
    }
    const [source] = sources;
    const value = this.entry[source];
    const at = `${this.at}.${source}`;
    if (typeof value !== 'string' || value === '') {
      this.problems.push(`${at}: must be a non-empty string`);
      return undefined;
    }
    if (source === name) return value;
    if (source.endsWith('Env')) {
      if (!ENV_NAME.test(value)) this.problems.push(`${at}: must be an environment variable name`);
      else if (!context.env[value]) this.problems.push(`${at}: the variable ${value} is not set`);
      else return context.env[value];
      return undefined;
    }
    try {
      const secret = context.readFile!(value).replace(/\r?\n$/, '');
      if (secret !== '') return secret;
      this.problems.push(`${at}: ${value} is empty`);
    } catch (error) {
      this.problems.push(`${at}: cannot read ${value} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    return undefined;
  }
}
