import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

/**
 * The key of decision ids when DECISION_ID_SECRET is unset: development only. It is public (it is in
 * this file), so ids made with it can be computed offline; production refuses to start without a secret.
 */
export const DEVELOPMENT_DECISION_ID_SECRET = 'riskwire-development-decision-id-secret';

/**
 * Deterministic, so a replayed or re-submitted event (Kafka redelivery, HTTP retry, gRPC) gets the same
 * decision id and consumers can de-duplicate on it; keyed with the server's secret, so nobody can compute
 * it from an event id. The tenant is part of the input: one event id in two tenants is two decisions.
 * NUL separates tenant and event id: it cannot occur in a tenant (key ids refuse control characters,
 * explicit tenants are [a-z0-9._-]), so no two (tenant, eventId) pairs share an input.
 */
export function decisionIdFor(secret: string, tenant: string, eventId: string): string {
  const mac = createHmac('sha256', secret).update(`riskwire/decision/v2\0${tenant}\0${eventId}`, 'utf8').digest('base64url');
  return 'dec_' + mac.slice(0, 26);
}

let warnedDevelopmentKey = false;

/** decisionIdFor with the configured secret. */
@Injectable()
export class DecisionIds {
  private readonly secret: string;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'decisions'>) {
    if (config.decisions.idSecret) {
      this.secret = config.decisions.idSecret;
    } else {
      this.secret = DEVELOPMENT_DECISION_ID_SECRET;
      if (warnedDevelopmentKey) return;
      warnedDevelopmentKey = true;
      new Logger('DecisionIds').warn(
        'DECISION_ID_SECRET is not set: decision ids use the public development key and can be computed offline. Development only!',
      );
    }
  }

  idFor(tenant: string, eventId: string): string {
    return decisionIdFor(this.secret, tenant, eventId);
  }
}
