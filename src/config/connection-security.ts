import { readFileSync } from 'node:fs';
import type { EnvironmentSchema } from './environment.schema.js';

export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** How riskwire authenticates to Kafka and checks the brokers: built once at start-up, from validated variables. */
export interface KafkaSecurity {
  /** false: PLAINTEXT. Otherwise TLS with the server name check on; no CA file means the system's trust store. */
  tls: false | { caFile?: string; certFile?: string; keyFile?: string };
  sasl?: {
    mechanism: KafkaSaslMechanism;
    username: string;
    password: string;
    passwordFrom: 'KAFKA_SASL_PASSWORD' | 'KAFKA_SASL_PASSWORD_FILE';
  };
}

export interface RedisSecurity {
  /** from REDIS_PASSWORD_FILE; a password in REDIS_URL is used as it is */
  password?: string;
  tlsCaFile?: string;
}

export interface SecurityProblem {
  variable: string;
  message: string;
}

type Env = Pick<
  EnvironmentSchema,
  | 'RISKWIRE_ENV'
  | 'KAFKA_SSL'
  | 'KAFKA_SSL_CA_FILE'
  | 'KAFKA_SSL_CERT_FILE'
  | 'KAFKA_SSL_KEY_FILE'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
  | 'KAFKA_SASL_PASSWORD_FILE'
  | 'REDIS_URL'
  | 'REDIS_PASSWORD_FILE'
  | 'REDIS_TLS_CA_FILE'
>;

/** Reads a file the service needs at start-up; a problem naming the variable when it cannot, or it holds the wrong thing. */
function readSetting(
  variable: string,
  path: string,
  problems: SecurityProblem[],
  mustContain?: { text: RegExp; what: string },
): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    problems.push({ variable, message: `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    return undefined;
  }
  if (mustContain && !mustContain.text.test(text)) {
    problems.push({ variable, message: `${path} does not hold ${mustContain.what}` });
    return undefined;
  }
  return text;
}

const PEM_CERTIFICATE = { text: /-----BEGIN CERTIFICATE-----/, what: 'a PEM certificate (-----BEGIN CERTIFICATE-----)' };
const PEM_PRIVATE_KEY = { text: /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/, what: 'a PEM private key' };

export function resolveKafkaSecurity(e: Env, problems: SecurityProblem[]): KafkaSecurity {
  const files = {
    KAFKA_SSL_CA_FILE: e.KAFKA_SSL_CA_FILE,
    KAFKA_SSL_CERT_FILE: e.KAFKA_SSL_CERT_FILE,
    KAFKA_SSL_KEY_FILE: e.KAFKA_SSL_KEY_FILE,
  };
  for (const [variable, value] of Object.entries(files)) {
    if (value !== undefined && !e.KAFKA_SSL)
      problems.push({ variable, message: 'is set but KAFKA_SSL is off: set KAFKA_SSL=true to use TLS' });
  }
  if ((e.KAFKA_SSL_CERT_FILE === undefined) !== (e.KAFKA_SSL_KEY_FILE === undefined)) {
    const missing = e.KAFKA_SSL_CERT_FILE === undefined ? 'KAFKA_SSL_CERT_FILE' : 'KAFKA_SSL_KEY_FILE';
    problems.push({ variable: missing, message: 'a client certificate (mTLS) needs both KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE' });
  }
  if (e.KAFKA_SSL) {
    if (e.KAFKA_SSL_CA_FILE !== undefined) readSetting('KAFKA_SSL_CA_FILE', e.KAFKA_SSL_CA_FILE, problems, PEM_CERTIFICATE);
    if (e.KAFKA_SSL_CERT_FILE !== undefined) readSetting('KAFKA_SSL_CERT_FILE', e.KAFKA_SSL_CERT_FILE, problems, PEM_CERTIFICATE);
    if (e.KAFKA_SSL_KEY_FILE !== undefined) readSetting('KAFKA_SSL_KEY_FILE', e.KAFKA_SSL_KEY_FILE, problems, PEM_PRIVATE_KEY);
  }
  const tls: KafkaSecurity['tls'] = e.KAFKA_SSL
    ? { caFile: e.KAFKA_SSL_CA_FILE, certFile: e.KAFKA_SSL_CERT_FILE, keyFile: e.KAFKA_SSL_KEY_FILE }
    : false;

  const mechanism = e.KAFKA_SASL_MECHANISM as 'none' | KafkaSaslMechanism;
  if (mechanism === 'none') {
    for (const variable of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE'] as const) {
      if (e[variable] !== undefined)
        problems.push({ variable, message: 'is set but KAFKA_SASL_MECHANISM is none: set it to plain, scram-sha-256 or scram-sha-512' });
    }
    return { tls };
  }
  if (e.KAFKA_SASL_USERNAME === undefined)
    problems.push({ variable: 'KAFKA_SASL_USERNAME', message: `is required with KAFKA_SASL_MECHANISM=${mechanism}` });
  let password: string | undefined;
  let passwordFrom: 'KAFKA_SASL_PASSWORD' | 'KAFKA_SASL_PASSWORD_FILE' = 'KAFKA_SASL_PASSWORD';
  if (e.KAFKA_SASL_PASSWORD !== undefined && e.KAFKA_SASL_PASSWORD_FILE !== undefined) {
    problems.push({
      variable: 'KAFKA_SASL_PASSWORD_FILE',
      message: 'set either KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both',
    });
  } else if (e.KAFKA_SASL_PASSWORD_FILE !== undefined) {
    passwordFrom = 'KAFKA_SASL_PASSWORD_FILE';
    // a Secret mounted as a file often ends with a newline that is not part of the password
    password = readSetting('KAFKA_SASL_PASSWORD_FILE', e.KAFKA_SASL_PASSWORD_FILE, problems)?.replace(/\r?\n$/, '');
    if (password === '') problems.push({ variable: 'KAFKA_SASL_PASSWORD_FILE', message: `${e.KAFKA_SASL_PASSWORD_FILE} is empty` });
  } else if (e.KAFKA_SASL_PASSWORD !== undefined) {
    password = e.KAFKA_SASL_PASSWORD;
  } else {
    problems.push({
      variable: 'KAFKA_SASL_PASSWORD',
      message: `KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE is required with KAFKA_SASL_MECHANISM=${mechanism}`,
    });
  }
  if (mechanism === 'plain' && !e.KAFKA_SSL && e.RISKWIRE_ENV === 'production') {
    problems.push({
      variable: 'KAFKA_SASL_MECHANISM',
      message: 'plain without KAFKA_SSL sends the password in clear text; turn KAFKA_SSL on in production',
    });
  }
  if (e.KAFKA_SASL_USERNAME === undefined || !password) return { tls };
  return { tls, sasl: { mechanism, username: e.KAFKA_SASL_USERNAME, password, passwordFrom } };
}

export function resolveRedisSecurity(e: Env, problems: SecurityProblem[]): RedisSecurity {
  const security: RedisSecurity = {};
  if (e.REDIS_PASSWORD_FILE !== undefined) {
    if (e.REDIS_URL === undefined) problems.push({ variable: 'REDIS_PASSWORD_FILE', message: 'is set but REDIS_URL is not' });
    else if (/^rediss?:\/\/[^/@]*:[^/@]*@/.test(e.REDIS_URL))
      problems.push({ variable: 'REDIS_PASSWORD_FILE', message: 'REDIS_URL carries a password already: keep the password in one place' });
    security.password = readSetting('REDIS_PASSWORD_FILE', e.REDIS_PASSWORD_FILE, problems)?.replace(/\r?\n$/, '');
  }
  if (e.REDIS_TLS_CA_FILE !== undefined) {
    if (!e.REDIS_URL?.startsWith('rediss://'))
      problems.push({ variable: 'REDIS_TLS_CA_FILE', message: 'is set but REDIS_URL is not a rediss:// (TLS) URL' });
    else if (readSetting('REDIS_TLS_CA_FILE', e.REDIS_TLS_CA_FILE, problems, PEM_CERTIFICATE) !== undefined)
      security.tlsCaFile = e.REDIS_TLS_CA_FILE;
  }
  return security;
}
