import { Module } from '@nestjs/common';
import { RedisModule } from '../../redis/redis.module.js';
import { ApiAuthenticator } from './api-authenticator.js';
import { ApiGate } from './api-gate.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { RateLimits } from './rate-limits.js';

/**
 * API keys, scopes, tenants and the rate limits, for every transport: the HTTP guard, the gate the gRPC handlers
 * call (authentication, the per-key limit shared by replicas through Redis when configured, the failed-authentication
 * throttle per client address), and the authenticator the /metrics door (src/bootstrap.ts) calls. APP_CONFIG is global.
 */
@Module({
  imports: [RedisModule],
  providers: [ApiAuthenticator, RateLimits, ApiGate, ApiKeyGuard],
  exports: [ApiAuthenticator, ApiGate, ApiKeyGuard],
})
export class ApiAuthModule {}
