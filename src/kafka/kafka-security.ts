import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { KafkaSecurity } from '../config/connection-security.js';
import { kafkaErrorChain, type KafkaishError } from './kafka-errors.js';

/**
 * kafkajs's `ssl` and `sasl` options for our settings. TLS always verifies the broker's certificate
 * and its name (Node's defaults); there is deliberately no switch that turns either off.
 */
export function kafkaConnectionOptions(security: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security.tls) {
    const { caFile, certFile, keyFile } = security.tls;
    options.ssl = {
      ...(caFile ? { ca: [readFileSync(caFile, 'utf8')] } : {}),
      ...(certFile && keyFile ? { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') } : {}),
    };
  }
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl;
    options.sasl = { mechanism, username, password } as SASLOptions;
  }
  return options;
}

/** Node's codes for a broker certificate that does not chain to a CA we trust. */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

/**
 * One sentence naming the cause of a Kafka connection failure and the setting to fix, for the
 * failures a secured cluster produces (credentials, trust, name check, listener mismatch, ACLs);
 * undefined when the error is none of them.
 */
export function explainKafkaError(error: unknown, security: KafkaSecurity, brokers: string[]): string | undefined {
  const errors = kafkaErrorChain(error);
  const find = (test: (e: KafkaishError) => boolean) => errors.find(test);
  const user = security.sasl?.username;
  const saslVariables = `KAFKA_SASL_USERNAME/${security.sasl?.passwordFrom ?? 'KAFKA_SASL_PASSWORD'}`;

  const sasl = find((e) => e.name === 'KafkaJSSASLAuthenticationError' || e.type === 'SASL_AUTHENTICATION_FAILED');
  if (sasl) return `Kafka SASL authentication failed for user ${user ?? '(none)'} (${saslVariables}): ${sasl.message}`;
  const mechanism = find((e) => e.type === 'UNSUPPORTED_SASL_MECHANISM');
  if (mechanism)
    return `Kafka brokers ${brokers.join(',')} do not accept SASL mechanism ${security.sasl?.mechanism ?? 'none'} (KAFKA_SASL_MECHANISM): ${mechanism.message}`;

  const tlsCode = find(
    (e) =>
      typeof e.code === 'string' &&
      (UNTRUSTED_CERTIFICATE.has(e.code) || e.code === 'ERR_TLS_CERT_ALTNAME_INVALID' || e.code === 'CERT_HAS_EXPIRED'),
  );
  if (tlsCode?.code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `Kafka broker certificate does not name the host in KAFKA_BROKERS (${brokers.join(',')}); the server name check stays on: use a host name the certificate carries: ${tlsCode.message}`;
  if (tlsCode?.code === 'CERT_HAS_EXPIRED') return `Kafka broker certificate has expired: ${tlsCode.message}`;
  if (tlsCode)
    return `Kafka broker certificate is not trusted (${tlsCode.code}): set KAFKA_SSL_CA_FILE to the CA that signed it${security.tls && security.tls.caFile ? ` (now ${security.tls.caFile})` : ''}`;
  const handshake = find((e) =>
    /wrong version number|packet length too long|unknown protocol|EPROTO/i.test(`${e.code ?? ''} ${e.message ?? ''}`),
  );
  if (handshake)
    return `TLS handshake with Kafka brokers ${brokers.join(',')} failed: the listener does not speak TLS; check KAFKA_SSL and the port (${handshake.message})`;

  const topic = find((e) => e.type === 'TOPIC_AUTHORIZATION_FAILED');
  if (topic) return `Kafka user ${user ?? '(client principal)'} is not authorized for a topic: ${topic.message}`;
  const group = find((e) => e.type === 'GROUP_AUTHORIZATION_FAILED');
  if (group) return `Kafka user ${user ?? '(client principal)'} is not authorized for consumer group (KAFKA_GROUP_ID): ${group.message}`;
  const cluster = find((e) => e.type === 'CLUSTER_AUTHORIZATION_FAILED');
  if (cluster) return `Kafka user ${user ?? '(client principal)'} is not authorized for a cluster operation: ${cluster.message}`;

  // A plaintext client on a TLS/SASL listener (or the other way round) sees the broker hang up mid-handshake.
  const closed = find(
    (e) => e.name === 'KafkaJSConnectionClosedError' || /Closed connection|ECONNRESET|socket hang up/i.test(e.message ?? ''),
  );
  if (closed && (!security.tls || !security.sasl))
    return `Kafka brokers ${brokers.join(',')} closed the connection during the handshake: if the listener is SASL_SSL, set KAFKA_SSL=true and KAFKA_SASL_MECHANISM/USERNAME/PASSWORD (now KAFKA_SSL=${security.tls ? 'true' : 'false'}, KAFKA_SASL_MECHANISM=${security.sasl?.mechanism ?? 'none'})`;
  return undefined;
}
