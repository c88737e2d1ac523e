import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import * as kafkajs from 'kafkajs';
import type { KafkaSecurity } from '../config/connection-security.js';
import { explainKafkaError, kafkaConnectionOptions } from './kafka-security.js';

const secured: KafkaSecurity = {
  tls: { caFile: '/etc/riskwire/kafka/ca.crt' },
  sasl: { mechanism: 'scram-sha-512', username: 'riskwire', password: 'pw', passwordFrom: 'KAFKA_SASL_PASSWORD' },
};
const brokers = ['kafka-0.bank:9093'];

// kafkajs's real error classes; its type declarations leave some out and type others' constructors loosely
type ErrorClass = new (...args: unknown[]) => Error;
const {
  KafkaJSConnectionClosedError,
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
} = kafkajs as unknown as Record<string, ErrorClass>;

const protocolError = (type: string, message: string) => new KafkaJSProtocolError({ type, message, code: 0, retriable: false });

describe('explainKafkaError', () => {
  it('names the user and the variables when SASL authentication fails, also under retries', () => {
    const sasl = new KafkaJSSASLAuthenticationError('SASL SCRAM SHA512 authentication failed: invalid credentials');
    expect(explainKafkaError(new KafkaJSNumberOfRetriesExceeded(sasl, { retryCount: 2, retryTime: 100 }), secured, brokers)).toBe(
      'Kafka SASL authentication failed for user riskwire (KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD): SASL SCRAM SHA512 authentication failed: invalid credentials',
    );
    const fromFile: KafkaSecurity = { ...secured, sasl: { ...secured.sasl!, passwordFrom: 'KAFKA_SASL_PASSWORD_FILE' } };
    expect(explainKafkaError(sasl, fromFile, brokers)).toContain('(KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD_FILE)');
  });

  it('tells an untrusted certificate to KAFKA_SSL_CA_FILE', () => {
    const error = new KafkaJSConnectionError('Connection error: self-signed certificate in certificate chain', {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    expect(explainKafkaError(error, secured, brokers)).toBe(
      'Kafka broker certificate is not trusted (SELF_SIGNED_CERT_IN_CHAIN): set KAFKA_SSL_CA_FILE to the CA that signed it (now /etc/riskwire/kafka/ca.crt)',
    );
  });

  it('keeps the server name check and says which host the certificate does not name', () => {
    const error = new KafkaJSConnectionError("Hostname/IP does not match certificate's altnames", { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(explainKafkaError(error, secured, brokers)).toMatch(
      /^Kafka broker certificate does not name the host in KAFKA_BROKERS \(kafka-0.bank:9093\); the server name check stays on/,
    );
  });

  it('recognises TLS spoken to a plaintext listener', () => {
    const error = new KafkaJSConnectionError('Connection error: 40E8:error:0A00010B:SSL routines:ssl3_get_record:wrong version number', {
      code: 'EPROTO',
    });
    expect(explainKafkaError(error, secured, brokers)).toMatch(/the listener does not speak TLS; check KAFKA_SSL and the port/);
  });

  it('tells a plaintext client that the listener wants TLS and SASL', () => {
    const closed = new KafkaJSConnectionClosedError('Closed connection', { host: 'kafka-0.bank', port: 9093 });
    expect(
      explainKafkaError(new KafkaJSNumberOfRetriesExceeded(closed, { retryCount: 2, retryTime: 100 }), { tls: false }, brokers),
    ).toContain('set KAFKA_SSL=true and KAFKA_SASL_MECHANISM/USERNAME/PASSWORD (now KAFKA_SSL=false, KAFKA_SASL_MECHANISM=none)');
    // a secured client whose connection closes is a network problem, not a settings one
    expect(explainKafkaError(closed, secured, brokers)).toBeUndefined();
  });

  it('names authorization failures with the user', () => {
    expect(explainKafkaError(protocolError('TOPIC_AUTHORIZATION_FAILED', 'Not authorized to access topics'), secured, brokers)).toBe(
      'Kafka user riskwire is not authorized for a topic: Not authorized to access topics',
    );
    expect(explainKafkaError(protocolError('GROUP_AUTHORIZATION_FAILED', 'Not authorized to access group'), secured, brokers)).toContain(
      'consumer group (KAFKA_GROUP_ID)',
    );
    expect(explainKafkaError(protocolError('UNSUPPORTED_SASL_MECHANISM', 'not enabled'), secured, brokers)).toContain(
      'do not accept SASL mechanism scram-sha-512',
    );
  });

  it('leaves other errors alone', () => {
    expect(explainKafkaError(new Error('boom'), secured, brokers)).toBeUndefined();
    expect(explainKafkaError(protocolError('NOT_LEADER_FOR_PARTITION', 'moved'), secured, brokers)).toBeUndefined();
  });
});

describe('kafkaConnectionOptions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'riskwire-kafka-tls-'));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('is PLAINTEXT without settings', () => {
    expect(kafkaConnectionOptions({ tls: false })).toEqual({});
  });

  it('reads the CA, certificate and key and never turns verification off', () => {
    const options = kafkaConnectionOptions({
      tls: { caFile: write('ca.crt', 'CA'), certFile: write('tls.crt', 'CERT'), keyFile: write('tls.key', 'KEY') },
      sasl: { mechanism: 'scram-sha-256', username: 'u', password: 'p', passwordFrom: 'KAFKA_SASL_PASSWORD' },
    });
    expect(options.ssl).toEqual({ ca: ['CA'], cert: 'CERT', key: 'KEY' });
    expect(options.ssl).not.toHaveProperty('rejectUnauthorized');
    expect(options.ssl).not.toHaveProperty('checkServerIdentity');
    expect(options.sasl).toEqual({ mechanism: 'scram-sha-256', username: 'u', password: 'p' });
  });

  it('uses the system trust store when no CA file is given', () => {
    expect(kafkaConnectionOptions({ tls: {} }).ssl).toEqual({});
  });
});
