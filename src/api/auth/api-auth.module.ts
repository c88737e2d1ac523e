import { Module } from '@nestjs/common';
import { ApiAuthenticator } from './api-authenticator.js';
import { ApiKeyGuard } from './api-key.guard.js';

/**
 * API keys, scopes, tenants and the per-key rate limit, for every transport: the HTTP guard, and the
 * authenticator the gRPC handlers and the /metrics door (src/bootstrap.ts) call. APP_CONFIG is global.
 */
@Module({ providers: [ApiAuthenticator, ApiKeyGuard], exports: [ApiAuthenticator, ApiKeyGuard] })
export class ApiAuthModule {}
