import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { OPEN_API_TENANT } from '../../common/tenant.js';
import { ApiError } from '../errors/api-error.js';
import { loadApiKeys } from '../../credentials/api-key-sources.js';
import { API_SCOPES, type ApiKeyEntry, type ApiScope, findKey } from '../../credentials/api-keys.js';

export interface ApiPrincipal {
  /** the key id (never the secret); 'anonymous' when the API runs open */
  keyId: string;
  /** whose decisions the caller makes and reads; never another tenant's */
  tenant: string;
  scopes: readonly ApiScope[];
}

const OPEN_PRINCIPAL: ApiPrincipal = { keyId: 'anonymous', tenant: OPEN_API_TENANT, scopes: API_SCOPES };

/**
 * Bearer-key authentication, shared by HTTP and gRPC (through ApiGate, which adds the scope check and the rate
 * limits) and the /metrics door.
 * The API runs open only with API_AUTH=disabled, or in development with no key configured; both are said loudly.
 * (In production, no keys without API_AUTH=disabled never gets here: src/config/production-guard.ts refuses to start.)
 */
@Injectable()
export class ApiAuthenticator {
  private readonly logger = new Logger('ApiAuthenticator');
  private readonly keys: ApiKeyEntry[];
  readonly open: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keys = config.api.auth === 'disabled' ? [] : loadApiKeys(config.api);
    this.open = this.keys.length === 0;
    if (config.api.auth === 'disabled') {
      this.logger.warn(
        `API_AUTH=disabled (RISKWIRE_ENV=${config.env}): the HTTP and gRPC API accept UNAUTHENTICATED requests with every scope. Only behind a gateway that authenticates!`,
      );
    } else if (this.keys.length === 0) {
      this.logger.warn(
        'NO API KEYS CONFIGURED (API_KEYS / API_KEYS_FILE): the HTTP and gRPC API accept unauthenticated requests. Development only!',
      );
    } else {
      this.logger.log(
        `${this.keys.length} API key(s) loaded: ${this.keys.map((k) => `${k.id}[${k.scopes.join('|')}@${k.tenant}]`).join(', ')}`,
      );
      const kafkaTenant = config.tenancy.kafkaTenant;
      for (const key of this.keys.filter((k) => k.tenant === kafkaTenant)) {
        // Meant for operators reading Kafka's decisions; an assess key there shares event ids with the Kafka events.
        this.logger.warn(
          `API key ${key.id} is in the Kafka tenant ${kafkaTenant}: it reads the Kafka decisions` +
            (key.scopes.includes('assess')
              ? ', and what it assesses takes event ids the Kafka events may need (a later Kafka event with that id and other content is dead-lettered EVENT_ID_CONFLICT)'
              : ''),
        );
      }
    }
  }

  /** Checks the credentials only; the scope and the rate limits are ApiGate's. */
  identify(authorization: string | undefined): ApiPrincipal {
    if (this.open) return OPEN_PRINCIPAL;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match)
      throw unauthorized(authorization ? 'Authorization must be "Bearer <api key>"' : 'Missing API key (Authorization: Bearer <api key>)');
    const key = findKey(this.keys, match[1]!);
    if (!key) throw unauthorized('Invalid API key');
    return { keyId: key.id, tenant: key.tenant, scopes: key.scopes };
  }
}

function unauthorized(message: string): ApiError {
  return new ApiError('UNAUTHORIZED', message, [], { 'WWW-Authenticate': 'Bearer realm="riskwire"' });
}
