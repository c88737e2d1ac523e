import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { redactRedisUrl } from '../common/redis-url.js';
import {
  resolveKafkaSecurity,
  resolveRedisSecurity,
  type KafkaSecurity,
  type RedisSecurity,
  type SecurityProblem,
} from './connection-security.js';
import { EnvironmentSchema } from './environment.schema.js';
import { startupProblems } from './production-guard.js';
import { ProvidersFileError, loadProvidersFile, type SignalProvidersSettings } from './signal-providers-file.js';

export interface AppConfig {
  env: 'development' | 'production';
  kafka: {
    brokers: string[];
    clientId: string;
    groupId: string;
    topics: { login: string; transaction: string; decisions: string; dlq: string };
    maxPayloadBytes: number;
    maxInFlight: number;
    /** learn the in-flight limit from in-service latency, up to maxInFlight (ADAPTIVE_CONCURRENCY) */
    adaptiveConcurrency: boolean;
    perKeyOrdering: boolean;
    shutdownTimeoutMs: number;
    processingRetries: number;
    createTopics: boolean;
    topicPartitions: number;
    /** TLS and SASL (KAFKA_SSL*, KAFKA_SASL_*) */
    security: KafkaSecurity;
  };
  kafkaResilience: {
    maxJsonDepth: number;
    maxKeyBytes: number;
    deadLetterMaxPayloadBytes: number;
    producerMaxBatchBytes: number;
    retryMaxBackoffMs: number;
    consumerDownLivenessMs: number;
  };
  signals: {
    baseUrl: string;
    apiKey: string;
    timeoutMs: number;
    callForwardingPath: string;
    maxConnections: number;
    retries: number;
    bulkhead: number;
    cache: 'memory' | 'redis' | 'off';
    cacheMaxEntries: number;
  };
  /** Who answers the signals: SIGNAL_PROVIDERS_FILE, or the one tyntec provider of SIGNALS_* (id "tyntec"). */
  signalProviders: SignalProvidersSettings;
  policy: { file?: string; highValueThreshold?: number };
  /** hot reload (watch: file events plus polling as the fallback), the shadow policy and the labels topic */
  policyLifecycle: {
    reload: 'watch' | 'poll' | 'off';
    reloadPollMs: number;
    shadowFile?: string;
    topics: { shadowDecisions: string; labels: string };
  };
  api: {
    host: string;
    httpPort: number;
    grpcPort: number;
    apiKeys?: string;
    apiKeysFile?: string;
    metricsAuth: 'none' | 'key';
    rateLimitPerMinute: number;
    callbackSigningSecret?: string;
    callbackAllowPrivate: boolean;
    /** 'disabled': the API is open on purpose (API_AUTH) */
    auth: 'keys' | 'disabled';
    /** async assessments with callbackUrl (CALLBACKS) */
    callbacks: 'enabled' | 'disabled';
  };
  /** maxEntries and maxBytes bound the in-process store (no REDIS_URL), whichever is reached first */
  store: { redisUrl?: string; retentionSeconds: number; maxEntries: number; maxBytes: number; redisSecurity: RedisSecurity };
  decisions: { idSecret?: string };
  tenancy: { kafkaTenant: string };
  /** deny/allow/watch lists: entries are stored as HMACs under this key (LIST_HASH_SECRET) */
  lists: { hashSecret?: string };
  log: { level: string };
  tracing: TracingConfig;
  /** operations (issue 13): broker-side lag readings, gRPC connection age, failed-authentication throttle */
  ops: { kafkaLagIntervalMs: number; grpcMaxConnectionAgeMs: number; authFailuresPerMinute: number };
}

/** OpenTelemetry tracing, from the standard OTEL_* variables; `enabled: false` costs nothing on the hot path. */
export interface TracingConfig {
  enabled: boolean;
  exporter: 'otlp' | 'console';
  /** the full OTLP/HTTP traces URL (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces) */
  endpoint: string;
  protocol: 'http/protobuf' | 'http/json';
  serviceName: string;
  sampler: 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';
  /** the ratio of the traceidratio samplers (OTEL_TRACES_SAMPLER_ARG, default 1) */
  samplerRatio: number;
}

export interface ConfigProblem {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly problems: ConfigProblem[],
    summary = 'Invalid configuration',
  ) {
    super(`${summary}: ` + problems.map((p) => `${p.variable}: ${p.message}`).join('; '));
    this.name = 'ConfigError';
  }
}

// Variables whose value never goes into an error message (they may be passwords or keys).
const SECRET_VARIABLE = /PASSWORD|SECRET|API_KEY/;

function shown(variable: string, value: string | undefined): string {
  if (value === undefined) return '""';
  if (variable === 'REDIS_URL') return JSON.stringify(redactRedisUrl(value));
  return SECRET_VARIABLE.test(variable) ? '(value hidden)' : JSON.stringify(value);
}

/**
 * Validates the environment once and groups it; throws ConfigError naming every bad variable, and, with
 * RISKWIRE_ENV=production, every setting that would leave the service open (production-guard.ts).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const config = parseEnvironment(env);
  const problems = startupProblems(config);
  if (problems.length > 0) {
    throw new ConfigError(
      problems,
      config.env === 'production' ? 'Refusing to start with RISKWIRE_ENV=production' : 'Invalid configuration',
    );
  }
  return config;
}

function parseEnvironment(env: Record<string, string | undefined>): AppConfig {
  const known = Object.keys(new EnvironmentSchema());
  const relevant: Record<string, string> = {};
  const optional = [
    'POLICY_FILE',
    'HIGH_VALUE_THRESHOLD',
    'API_KEYS',
    'API_KEYS_FILE',
    'REDIS_URL',
    'CALLBACK_SIGNING_SECRET',
    'DECISION_ID_SECRET',
  ];
  // --- Policy lists
  optional.push('LIST_HASH_SECRET');
  // --- Policy lifecycle
  optional.push('SHADOW_POLICY_FILE');
  // --- Kafka and Redis connection security
  optional.push(
    'KAFKA_SSL_CA_FILE',
    'KAFKA_SSL_CERT_FILE',
    'KAFKA_SSL_KEY_FILE',
    'KAFKA_SASL_USERNAME',
    'KAFKA_SASL_PASSWORD',
    'KAFKA_SASL_PASSWORD_FILE',
  );
  optional.push('REDIS_PASSWORD_FILE', 'REDIS_TLS_CA_FILE');
  // --- Signal providers
  optional.push('SIGNAL_PROVIDERS_FILE');
  // --- Tracing
  optional.push(
    'OTEL_TRACES_EXPORTER',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    'OTEL_EXPORTER_OTLP_PROTOCOL',
    'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    'OTEL_TRACES_SAMPLER_ARG',
  );
  for (const key of [...known, ...optional]) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const e = plainToInstance(EnvironmentSchema, relevant, { exposeDefaultValues: true });
  const errors = validateSync(e, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((err) => ({
        variable: err.property,
        message: `${Object.values(err.constraints ?? {}).join(', ')} (got ${shown(err.property, relevant[err.property])})`,
      })),
    );
  }
  const securityProblems: SecurityProblem[] = [];
  const kafkaSecurity = resolveKafkaSecurity(e, securityProblems);
  const redisSecurity = resolveRedisSecurity(e, securityProblems);
  if (securityProblems.length > 0) throw new ConfigError(securityProblems);
  const signalProviders = resolveSignalProviders(e, env);
  return {
    env: e.RISKWIRE_ENV as AppConfig['env'],
    kafka: {
      brokers: e.KAFKA_BROKERS.split(','),
      clientId: e.KAFKA_CLIENT_ID,
      groupId: e.KAFKA_GROUP_ID,
      topics: { login: e.TOPIC_LOGIN, transaction: e.TOPIC_TRANSACTION, decisions: e.TOPIC_DECISIONS, dlq: e.TOPIC_DLQ },
      maxPayloadBytes: e.MAX_PAYLOAD_BYTES,
      maxInFlight: e.MAX_IN_FLIGHT,
      adaptiveConcurrency: e.ADAPTIVE_CONCURRENCY,
      perKeyOrdering: e.PER_KEY_ORDERING,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      processingRetries: e.PROCESSING_RETRIES,
      createTopics: e.KAFKA_CREATE_TOPICS,
      topicPartitions: e.KAFKA_TOPIC_PARTITIONS,
      security: kafkaSecurity,
    },
    kafkaResilience: {
      maxJsonDepth: e.KAFKA_MAX_JSON_DEPTH,
      maxKeyBytes: e.KAFKA_MAX_KEY_BYTES,
      deadLetterMaxPayloadBytes: e.DEAD_LETTER_MAX_PAYLOAD_BYTES,
      producerMaxBatchBytes: e.PRODUCER_MAX_BATCH_BYTES,
      retryMaxBackoffMs: e.KAFKA_RETRY_MAX_BACKOFF_MS,
      consumerDownLivenessMs: e.KAFKA_CONSUMER_DOWN_LIVENESS_MS,
    },
    signals: {
      baseUrl: e.SIGNALS_BASE_URL.replace(/\/+$/, ''),
      apiKey: e.SIGNALS_API_KEY,
      timeoutMs: e.SIGNALS_TIMEOUT_MS,
      callForwardingPath: e.SIGNALS_CALL_FORWARDING_PATH,
      maxConnections: e.SIGNALS_MAX_CONNECTIONS,
      retries: e.SIGNALS_RETRIES,
      bulkhead: e.SIGNALS_BULKHEAD,
      cache: e.SIGNAL_CACHE as AppConfig['signals']['cache'],
      cacheMaxEntries: e.SIGNAL_CACHE_MAX_ENTRIES,
    },
    signalProviders,
    policy: { file: e.POLICY_FILE, highValueThreshold: e.HIGH_VALUE_THRESHOLD },
    policyLifecycle: {
      reload: e.POLICY_RELOAD as AppConfig['policyLifecycle']['reload'],
      reloadPollMs: e.POLICY_RELOAD_POLL_MS,
      shadowFile: e.SHADOW_POLICY_FILE,
      topics: { shadowDecisions: e.TOPIC_SHADOW_DECISIONS, labels: e.TOPIC_LABELS },
    },
    api: {
      host: e.HTTP_HOST,
      httpPort: e.HTTP_PORT,
      grpcPort: e.GRPC_PORT,
      apiKeys: e.API_KEYS,
      apiKeysFile: e.API_KEYS_FILE,
      metricsAuth: e.METRICS_AUTH as AppConfig['api']['metricsAuth'],
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      callbackSigningSecret: e.CALLBACK_SIGNING_SECRET,
      callbackAllowPrivate: e.CALLBACK_ALLOW_PRIVATE,
      auth: e.API_AUTH as AppConfig['api']['auth'],
      callbacks: e.CALLBACKS as AppConfig['api']['callbacks'],
    },
    store: {
      redisUrl: e.REDIS_URL,
      retentionSeconds: e.DECISION_RETENTION_SECONDS,
      maxEntries: e.DECISION_STORE_MAX_ENTRIES,
      maxBytes: e.DECISION_STORE_MAX_MB * 1024 * 1024,
      redisSecurity,
    },
    decisions: { idSecret: e.DECISION_ID_SECRET },
    tenancy: { kafkaTenant: e.KAFKA_TENANT },
    lists: { hashSecret: e.LIST_HASH_SECRET },
    log: { level: e.LOG_LEVEL },
    tracing: tracingConfig(e),
    ops: {
      kafkaLagIntervalMs: e.KAFKA_LAG_INTERVAL_MS,
      grpcMaxConnectionAgeMs: e.GRPC_MAX_CONNECTION_AGE_MS,
      authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    },
  };
}

/**
 * The specification's defaults, except one: an exporter must be asked for (OTEL_TRACES_EXPORTER=otlp or
 * console, or an OTLP endpoint set), so a service started without OTEL_* variables does not trace.
 */
function tracingConfig(e: EnvironmentSchema): TracingConfig {
  const endpointSet = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined || e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined;
  const exporter = e.OTEL_TRACES_EXPORTER ?? (endpointSet ? 'otlp' : 'none');
  const base = (e.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/+$/, '');
  return {
    enabled: !e.OTEL_SDK_DISABLED && exporter !== 'none',
    exporter: exporter === 'console' ? 'console' : 'otlp',
    endpoint: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${base}/v1/traces`,
    protocol: (e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf') as TracingConfig['protocol'],
    serviceName: e.OTEL_SERVICE_NAME,
    sampler: e.OTEL_TRACES_SAMPLER as TracingConfig['sampler'],
    samplerRatio: e.OTEL_TRACES_SAMPLER_ARG ?? 1,
  };
}

/** The providers file when given (every problem named by its JSON path), else today's one tyntec provider. */
function resolveSignalProviders(e: EnvironmentSchema, env: Record<string, string | undefined>): SignalProvidersSettings {
  if (e.SIGNAL_PROVIDERS_FILE === undefined) {
    return {
      providers: [
        {
          type: 'tyntec',
          id: 'tyntec',
          baseUrl: e.SIGNALS_BASE_URL.replace(/\/+$/, ''),
          apiKey: e.SIGNALS_API_KEY,
          callForwardingPath: e.SIGNALS_CALL_FORWARDING_PATH,
          maxConnections: e.SIGNALS_MAX_CONNECTIONS,
        },
      ],
      routes: [{ prefix: '', provider: 'tyntec' }],
    };
  }
  try {
    return loadProvidersFile(e.SIGNAL_PROVIDERS_FILE, { env, defaultMaxConnections: e.SIGNALS_MAX_CONNECTIONS });
  } catch (error) {
    if (error instanceof ProvidersFileError) {
      throw new ConfigError(error.problems.map((message) => ({ variable: 'SIGNAL_PROVIDERS_FILE', message })));
    }
    throw error;
  }
}
