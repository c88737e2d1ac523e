import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvironmentSchema } from './environment.schema.js';

export interface AppConfig {
  env: 'development' | 'production';
  kafka: {
    brokers: string[];
    clientId: string;
    groupId: string;
    topics: { login: string; transaction: string; decisions: string; dlq: string };
    maxPayloadBytes: number;
    maxInFlight: number;
    perKeyOrdering: boolean;
    shutdownTimeoutMs: number;
    processingRetries: number;
    createTopics: boolean;
    topicPartitions: number;
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
  policy: { file?: string; highValueThreshold?: number };
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
  };
  store: { redisUrl?: string; retentionSeconds: number; maxEntries: number };
  decisions: { idSecret?: string };
  log: { level: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid configuration: ' + problems.map((p) => `${p.variable}: ${p.message}`).join('; '),
    );
    this.name = 'ConfigError';
  }
}

/** Validates the environment once and groups it; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.keys(new EnvironmentSchema());
  const relevant: Record<string, string> = {};
  for (const key of [...known, 'POLICY_FILE', 'HIGH_VALUE_THRESHOLD', 'API_KEYS', 'API_KEYS_FILE', 'REDIS_URL', 'CALLBACK_SIGNING_SECRET', 'DECISION_ID_SECRET']) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const e = plainToInstance(EnvironmentSchema, relevant, { exposeDefaultValues: true });
  const errors = validateSync(e, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((err) => ({
        variable: err.property,
        message: `${Object.values(err.constraints ?? {}).join(', ')} (got ${JSON.stringify(relevant[err.property] ?? '')})`,
      })),
    );
  }
  return {
    env: e.RISKWIRE_ENV as AppConfig['env'],
    kafka: {
      brokers: e.KAFKA_BROKERS.split(','),
      clientId: e.KAFKA_CLIENT_ID,
      groupId: e.KAFKA_GROUP_ID,
      topics: { login: e.TOPIC_LOGIN, transaction: e.TOPIC_TRANSACTION, decisions: e.TOPIC_DECISIONS, dlq: e.TOPIC_DLQ },
      maxPayloadBytes: e.MAX_PAYLOAD_BYTES,
      maxInFlight: e.MAX_IN_FLIGHT,
      perKeyOrdering: e.PER_KEY_ORDERING,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      processingRetries: e.PROCESSING_RETRIES,
      createTopics: e.KAFKA_CREATE_TOPICS,
      topicPartitions: e.KAFKA_TOPIC_PARTITIONS,
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
    policy: { file: e.POLICY_FILE, highValueThreshold: e.HIGH_VALUE_THRESHOLD },
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
    },
    store: { redisUrl: e.REDIS_URL, retentionSeconds: e.DECISION_RETENTION_SECONDS, maxEntries: e.DECISION_STORE_MAX_ENTRIES },
    decisions: { idSecret: e.DECISION_ID_SECRET },
    log: { level: e.LOG_LEVEL },
  };
}
