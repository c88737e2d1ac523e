/**
 * What our code needs to know about a kafkajs error, without importing kafkajs outside this folder.
 * kafkajs wraps errors (KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded) and keeps the
 * original as `cause`, so every test looks down the whole chain.
 */
/** The fields of a kafkajs (or socket, or TLS) error that tell what went wrong. */
export interface KafkaishError {
  name?: string;
  type?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  /** kafkajs' connection errors keep the socket's error here rather than in `cause` */
  originalError?: unknown;
}

/** The error and everything it wraps, outermost first. */
export function kafkaErrorChain(error: unknown): KafkaishError[] {
  const seen: KafkaishError[] = [];
  let e: unknown = error;
  while (e !== null && typeof e === 'object' && seen.length < 10 && !seen.includes(e as KafkaishError)) {
    seen.push(e as KafkaishError);
    e = (e as KafkaishError).cause ?? (e as KafkaishError).originalError;
  }
  return seen;
}

const TOO_LARGE_TYPES = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
const AUTH_TYPES = new Set([
  'SASL_AUTHENTICATION_FAILED',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

/** The broker refused a record (or record batch) because it is bigger than the topic accepts. */
export function isRecordTooLarge(error: unknown): boolean {
  return kafkaErrorChain(error).some((e) => (e.type !== undefined && TOO_LARGE_TYPES.has(e.type)) || e.name === RecordTooLargeError.name);
}

/** Wrong credentials or missing ACLs: retrying does not help, an operator must act. */
export function isAuthFailure(error: unknown): boolean {
  return kafkaErrorChain(error).some(
    (e) => e.name === 'KafkaJSSASLAuthenticationError' || (e.type !== undefined && AUTH_TYPES.has(e.type)),
  );
}

/** One record the broker rejects as too large even when sent alone. */
export class RecordTooLargeError extends Error {
  override name = 'RecordTooLargeError';

  constructor(
    readonly topic: string,
    readonly bytes: number,
    options?: { cause?: unknown },
  ) {
    super(`record of ${bytes} bytes was rejected by the broker as too large for ${topic}`, options);
  }
}
