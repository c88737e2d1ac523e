import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { TENANT_PATTERN } from '../common/tenant.js';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toNumber = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  const v = String(value).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return value;
};
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * Every environment variable the service reads, with its default. The only place that knows
 * variable names; the rest of the code sees the grouped, typed AppConfig built from it.
 */
export class EnvironmentSchema {
  // --- Kafka
  @IsString()
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS = '127.0.0.1:9092';
  @IsString() @MinLength(1) KAFKA_CLIENT_ID = 'riskwire';
  @IsString() @MinLength(1) KAFKA_GROUP_ID = 'riskwire';
  @Matches(TOPIC) TOPIC_LOGIN = 'risk.login.v1';
  @Matches(TOPIC) TOPIC_TRANSACTION = 'risk.transaction.v1';
  @Matches(TOPIC) TOPIC_DECISIONS = 'risk.decisions.v1';
  @Matches(TOPIC) TOPIC_DLQ = 'risk.dlq.v1';
  @Transform(toInt) @IsInt() @Min(1024) @Max(1048576) MAX_PAYLOAD_BYTES = 65536;
  // Little's law: in flight = rate x latency. 256 events at ~70 ms is ~3,600 events/s, more than the 2-core
  // reference machine can score; more in flight only queues upstream calls until they time out.
  @Transform(toInt) @IsInt() @Min(1) @Max(100000) MAX_IN_FLIGHT = 256;
  @Transform(toBool) @IsBoolean() PER_KEY_ORDERING = false;
  @Transform(toInt) @IsInt() @Min(1000) @Max(600000) SHUTDOWN_TIMEOUT_MS = 20000;
  @Transform(toInt) @IsInt() @Min(1) @Max(20) PROCESSING_RETRIES = 3;
  @Transform(toBool) @IsBoolean() KAFKA_CREATE_TOPICS = true;
  @Transform(toInt) @IsInt() @Min(1) @Max(1000) KAFKA_TOPIC_PARTITIONS = 6;

  // --- Kafka security: TLS and SASL (cross-checked and files read in connection-security.ts)
  @Transform(toBool) @IsBoolean() KAFKA_SSL = false;
  @IsOptional() @IsString() KAFKA_SSL_CA_FILE?: string;
  @IsOptional() @IsString() KAFKA_SSL_CERT_FILE?: string;
  @IsOptional() @IsString() KAFKA_SSL_KEY_FILE?: string;
  @IsIn(['none', 'plain', 'scram-sha-256', 'scram-sha-512']) KAFKA_SASL_MECHANISM = 'none';
  @IsOptional() @IsString() KAFKA_SASL_USERNAME?: string;
  @IsOptional() @IsString() KAFKA_SASL_PASSWORD?: string;
  @IsOptional() @IsString() KAFKA_SASL_PASSWORD_FILE?: string;

  // --- Kafka resilience: hostile records, dead-letter size, transient faults, consumer liveness
  // JSON nesting is bounded before JSON.parse and class-transformer see it (both recurse per level).
  @Transform(toInt) @IsInt() @Min(2) @Max(256) KAFKA_MAX_JSON_DEPTH = 32;
  // Record keys are account ids (128 characters at most); a longer key is dead-lettered and cut there.
  @Transform(toInt) @IsInt() @Min(128) @Max(65536) KAFKA_MAX_KEY_BYTES = 1024;
  @Transform(toInt) @IsInt() @Min(1024) @Max(524288) DEAD_LETTER_MAX_PAYLOAD_BYTES = 65536;
  // Bytes per produce request, below the broker's default message.max.bytes (1 MiB).
  @Transform(toInt) @IsInt() @Min(65536) @Max(104857600) PRODUCER_MAX_BATCH_BYTES = 524288;
  @Transform(toInt) @IsInt() @Min(100) @Max(600000) KAFKA_RETRY_MAX_BACKOFF_MS = 30000;
  @Transform(toInt) @IsInt() @Min(10000) @Max(86400000) KAFKA_CONSUMER_DOWN_LIVENESS_MS = 300000;

  // --- perf: adaptive concurrency (src/kafka/adaptive-concurrency.ts); MAX_IN_FLIGHT stays the hard cap
  @Transform(toBool) @IsBoolean() ADAPTIVE_CONCURRENCY = true;

  // --- Operations: broker-side lag readings, gRPC connection age, shared rate limit (issue 13)
  // how often the group's committed and log-end offsets are read from the broker
  @Transform(toInt) @IsInt() @Min(1000) @Max(600000) KAFKA_LAG_INTERVAL_MS = 15000;
  // clients reconnect after this long, so pods added by scaling get gRPC traffic (grpc.max_connection_age_ms)
  @Transform(toInt) @IsInt() @Min(1000) @Max(86400000) GRPC_MAX_CONNECTION_AGE_MS = 300000;
  // failed authentications allowed per client address and minute before 429
  @Transform(toInt) @IsInt() @Min(1) @Max(1000000) AUTH_FAILURES_PER_MINUTE = 30;

  // --- Network Signals upstream
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SIGNALS_BASE_URL = 'http://127.0.0.1:8090/network-signal/v1';
  @IsString() @MinLength(1) SIGNALS_API_KEY = 'riskwire-dev-key';
  @Transform(toInt) @IsInt() @Min(10) @Max(60000) SIGNALS_TIMEOUT_MS = 1500;
  @Matches(/^\/[A-Za-z0-9/_-]+$/) SIGNALS_CALL_FORWARDING_PATH = '/call-forwarding/check';
  // every in-flight event may hold three calls at once: keep a connection for each, so none waits for a socket
  @Transform(toInt) @IsInt() @Min(1) @Max(8192) SIGNALS_MAX_CONNECTIONS = 800;
  @Transform(toInt) @IsInt() @Min(0) @Max(5) SIGNALS_RETRIES = 1;
  @Transform(toInt) @IsInt() @Min(1) @Max(100000) SIGNALS_BULKHEAD = 2000;
  @IsIn(['memory', 'redis', 'off']) SIGNAL_CACHE = 'memory';
  @Transform(toInt) @IsInt() @Min(100) @Max(10000000) SIGNAL_CACHE_MAX_ENTRIES = 100000;

  // --- Signal providers: several telco sources routed by number prefix (format: README "Providers"); without the
  // file, the SIGNALS_* variables above configure the one tyntec provider, id "tyntec"
  @IsOptional() @IsString() SIGNAL_PROVIDERS_FILE?: string;

  // --- Policy
  @IsOptional() @IsString() POLICY_FILE?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) HIGH_VALUE_THRESHOLD?: number;

  // --- Policy lifecycle: hot reload of the policy files, the shadow policy, fraud labels
  @IsIn(['watch', 'poll', 'off']) POLICY_RELOAD = 'watch';
  @Transform(toInt) @IsInt() @Min(200) @Max(3600000) POLICY_RELOAD_POLL_MS = 5000;
  @IsOptional() @IsString() SHADOW_POLICY_FILE?: string;
  @Matches(TOPIC) TOPIC_SHADOW_DECISIONS = 'risk.decisions.shadow.v1';
  @Matches(TOPIC) TOPIC_LABELS = 'risk.labels.v1';

  // --- API
  @IsString() HTTP_HOST = '0.0.0.0';
  @Transform(toInt) @IsInt() @Min(0) @Max(65535) HTTP_PORT = 8080;
  @Transform(toInt) @IsInt() @Min(0) @Max(65535) GRPC_PORT = 50051;
  @IsOptional() @IsString() API_KEYS?: string;
  @IsOptional() @IsString() API_KEYS_FILE?: string;
  @IsIn(['none', 'key']) METRICS_AUTH = 'none';
  @Transform(toInt) @IsInt() @Min(1) @Max(1000000) RATE_LIMIT_PER_MINUTE = 6000;
  @IsOptional() @IsString() CALLBACK_SIGNING_SECRET?: string;
  @Transform(toBool) @IsBoolean() CALLBACK_ALLOW_PRIVATE = false;

  // --- Decision store and shared cache
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['redis', 'rediss'] }) REDIS_URL?: string;
  @Transform(toInt) @IsInt() @Min(60) DECISION_RETENTION_SECONDS = 86400;
  @Transform(toInt) @IsInt() @Min(100) DECISION_STORE_MAX_ENTRIES = 50000;
  // the in-process store's memory bound (MiB, counted from each decision's JSON): 50,000 decisions held ~120 MB
  @Transform(toInt) @IsInt() @Min(1) @Max(65536) DECISION_STORE_MAX_MB = 32;

  // --- Redis connection security: a password kept out of REDIS_URL, the CA of a rediss:// server
  @IsOptional() @IsString() REDIS_PASSWORD_FILE?: string;
  @IsOptional() @IsString() REDIS_TLS_CA_FILE?: string;

  // --- Deployment: 'production' fails closed (src/config is the only place that decides what that requires)
  @IsIn(['development', 'production']) RISKWIRE_ENV = 'development';

  // --- Decisions: HMAC key of the deterministic decision ids (development falls back to a fixed key)
  @IsOptional() @IsString() DECISION_ID_SECRET?: string;

  // --- Production trust: what must be explicit before the service takes traffic (rules in production-guard.ts)
  // 'disabled' runs the HTTP and gRPC API open on purpose (behind a gateway that authenticates); never implied
  @IsIn(['keys', 'disabled']) API_AUTH = 'keys';
  // async assessments (callbackUrl); when disabled such a request gets a 400
  @IsIn(['enabled', 'disabled']) CALLBACKS = 'enabled';

  // --- Tenancy: the owner of the decisions made from Kafka events (an API decision belongs to its key's tenant)
  @Matches(TENANT_PATTERN, { message: 'must be a tenant id: 1-63 of a-z, 0-9, ".", "_", "-", starting with a letter or digit' })
  KAFKA_TENANT = 'kafka';

  // --- Policy lists: HMAC key of the deny/allow/watch list entries (development falls back to a fixed key)
  @IsOptional() @IsString() LIST_HASH_SECRET?: string;

  // --- Logs
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';

  // --- Tracing: the standard OpenTelemetry variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/).
  // Off unless OTEL_TRACES_EXPORTER names an exporter or an OTLP endpoint is set (app-config.ts resolves which);
  // the exporter itself also reads OTEL_EXPORTER_OTLP_(TRACES_)HEADERS / _TIMEOUT / _COMPRESSION / _CERTIFICATE.
  @Transform(toBool) @IsBoolean() OTEL_SDK_DISABLED = false;
  @IsOptional() @IsIn(['otlp', 'console', 'none']) OTEL_TRACES_EXPORTER?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  // grpc is the one standard protocol not offered: the HTTP exporters cover every collector
  @IsOptional()
  @IsIn(['http/protobuf', 'http/json'], { message: 'must be http/protobuf or http/json (grpc is not supported)' })
  OTEL_EXPORTER_OTLP_PROTOCOL?: string;
  @IsOptional()
  @IsIn(['http/protobuf', 'http/json'], { message: 'must be http/protobuf or http/json (grpc is not supported)' })
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?: string;
  @IsString() @MinLength(1) OTEL_SERVICE_NAME = 'riskwire';
  @IsIn(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
  OTEL_TRACES_SAMPLER = 'parentbased_always_on';
  @IsOptional() @Transform(toNumber) @IsNumber() @Min(0) @Max(1) OTEL_TRACES_SAMPLER_ARG?: number;
}
