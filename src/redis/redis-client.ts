import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisSecurity } from '../config/connection-security.js';
import { redactRedisUrl, redactRedisUrlsIn } from '../common/redis-url.js';

/** REDIS_URL alone, or with what REDIS_PASSWORD_FILE / REDIS_TLS_CA_FILE added (AppConfig['store']). */
export type RedisConnection = string | { redisUrl: string; redisSecurity?: RedisSecurity };

/**
 * Opens a Redis client (RedisConnections, the service's one owner of them, is the only caller): REDIS_URL (redis:// or rediss://, a password in it works), plus
 * REDIS_PASSWORD_FILE and REDIS_TLS_CA_FILE. TLS keeps the server name check on.
 */
export function createRedisClient(connection: RedisConnection, purpose: string, options: RedisOptions = {}): Redis {
  const { redisUrl, redisSecurity = {} } = typeof connection === 'string' ? { redisUrl: connection } : connection;
  const { password, tlsCaFile } = redisSecurity;
  const tls = redisUrl.startsWith('rediss://') ? { ...(tlsCaFile ? { ca: readFileSync(tlsCaFile) } : {}) } : undefined;
  const redis = new Redis(redisUrl, { ...options, ...(password !== undefined ? { password } : {}), ...(tls ? { tls } : {}) });
  new Logger('Redis').log(`${purpose}: ${redactRedisUrl(redisUrl)}${tls ? ' (TLS)' : ''}`);
  return redis;
}

/** An error's message as it may be logged: never with a Redis password in it. */
export function redisErrorMessage(error: unknown): string {
  return redactRedisUrlsIn(error instanceof Error ? error.message : String(error));
}
