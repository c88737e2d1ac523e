import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';

const dir = mkdtempSync(join(tmpdir(), 'riskwire-security-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
let ca: string;
let cert: string;
let key: string;

beforeAll(() => {
  ca = file('ca.crt', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  cert = file('tls.crt', '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n');
  key = file('tls.key', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
});

function problems(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('Kafka TLS and SASL settings', () => {
  it('defaults to PLAINTEXT without SASL', () => {
    expect(loadConfig({}).kafka.security).toEqual({ tls: false });
  });

  it('builds TLS with a CA, a client certificate and SCRAM credentials', () => {
    const c = loadConfig({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SSL_CERT_FILE: cert,
      KAFKA_SSL_KEY_FILE: key,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'riskwire',
      KAFKA_SASL_PASSWORD: 'pw',
    });
    expect(c.kafka.security).toEqual({
      tls: { caFile: ca, certFile: cert, keyFile: key },
      sasl: { mechanism: 'scram-sha-512', username: 'riskwire', password: 'pw', passwordFrom: 'KAFKA_SASL_PASSWORD' },
    });
  });

  it('reads the password from KAFKA_SASL_PASSWORD_FILE, without the trailing newline of a mounted Secret', () => {
    const c = loadConfig({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD_FILE: file('pw', 's3cret\n') });
    expect(c.kafka.security.sasl).toEqual({
      mechanism: 'plain',
      username: 'u',
      password: 's3cret',
      passwordFrom: 'KAFKA_SASL_PASSWORD_FILE',
    });
  });

  it('TLS without a CA file trusts the system store (the name check stays on either way)', () => {
    expect(loadConfig({ KAFKA_SSL: 'yes' }).kafka.security.tls).toEqual({ caFile: undefined, certFile: undefined, keyFile: undefined });
  });

  it.each([
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.crt' }, 'KAFKA_SSL_CA_FILE', /cannot read \/nonexistent\/ca.crt \(ENOENT\)/],
    [{ KAFKA_SSL_CA_FILE: '/any/ca.crt' }, 'KAFKA_SSL_CA_FILE', /KAFKA_SSL is off/],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/x.crt' }, 'KAFKA_SSL_KEY_FILE', /needs both/],
    [{ KAFKA_SSL: 'maybe' }, 'KAFKA_SSL', /boolean/],
    [{ KAFKA_SASL_MECHANISM: 'gssapi' }, 'KAFKA_SASL_MECHANISM', /one of the following values/],
    [
      { KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_PASSWORD: 'pw' },
      'KAFKA_SASL_USERNAME',
      /required with KAFKA_SASL_MECHANISM=scram-sha-256/,
    ],
    [
      { KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u' },
      'KAFKA_SASL_PASSWORD',
      /KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE is required/,
    ],
    [{ KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_USERNAME', /KAFKA_SASL_MECHANISM is none/],
    [
      { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'a', KAFKA_SASL_PASSWORD_FILE: '/pw' },
      'KAFKA_SASL_PASSWORD_FILE',
      /not both/,
    ],
    [
      { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD_FILE: '/nonexistent/pw' },
      'KAFKA_SASL_PASSWORD_FILE',
      /cannot read/,
    ],
    [
      { RISKWIRE_ENV: 'production', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' },
      'KAFKA_SASL_MECHANISM',
      /clear text/,
    ],
  ])('refuses %j naming %s', (env, variable, message) => {
    const found = problems(env as Record<string, string>);
    expect(found.map((p) => p.variable)).toContain(variable);
    expect(found.find((p) => p.variable === variable)?.message).toMatch(message);
  });

  it('refuses a CA file that holds no certificate', () => {
    const found = problems({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: key });
    expect(found).toEqual([
      { variable: 'KAFKA_SSL_CA_FILE', message: `${key} does not hold a PEM certificate (-----BEGIN CERTIFICATE-----)` },
    ]);
  });

  it.each([
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'hunter2-secret' }, 'KAFKA_SASL_USERNAME'],
    [{ REDIS_URL: 'redis://:hunter2-secret@host:notaport' }, 'REDIS_URL'],
    [{ REDIS_URL: 'ftp://:hunter2-secret@host:6379' }, 'REDIS_URL'],
  ])('never repeats a password in an error (%j)', (env, variable) => {
    let message = '';
    try {
      loadConfig(env);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(variable);
    expect(message).not.toContain('hunter2');
  });
});

describe('Redis connection settings', () => {
  it('keeps a password file and a CA for rediss://', () => {
    const c = loadConfig({
      REDIS_URL: 'rediss://redis.internal:6380',
      REDIS_PASSWORD_FILE: file('redis-pw', 'pw\n'),
      REDIS_TLS_CA_FILE: ca,
    });
    expect(c.store.redisSecurity).toEqual({ password: 'pw', tlsCaFile: ca });
  });

  it.each([
    [{ REDIS_PASSWORD_FILE: '/pw' }, 'REDIS_PASSWORD_FILE', /REDIS_URL is not/],
    [{ REDIS_URL: 'redis://:inline@h:6379', REDIS_PASSWORD_FILE: '/pw' }, 'REDIS_PASSWORD_FILE', /carries a password already/],
    [{ REDIS_URL: 'redis://h:6379', REDIS_TLS_CA_FILE: '/ca' }, 'REDIS_TLS_CA_FILE', /not a rediss:\/\//],
  ])('refuses %j naming %s', (env, variable, message) => {
    const found = problems(env as Record<string, string>);
    expect(found.find((p) => p.variable === variable)?.message).toMatch(message);
  });
});
