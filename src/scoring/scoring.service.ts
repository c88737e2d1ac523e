import { Inject, Injectable } from '@nestjs/common';
import type { Assessment } from '../domain/decision.js';
import type { ListMatches } from '../domain/list-match.js';
import type { RiskEvent } from '../domain/risk-event.js';
import type { SignalRequest, SignalSet } from '../domain/signal-result.js';
import { RISK_POLICY } from './risk-policy.token.js';
import type { RiskPolicy } from './risk-policy.js';
import { scoreEvent } from './score-event.js';
import { signalsNeeded } from './signals-needed.js';

/** Nest-facing wrapper around the pure scoring functions, bound to the loaded policy. */
@Injectable()
export class ScoringService {
  constructor(@Inject(RISK_POLICY) private readonly policy: RiskPolicy) {}

  get policyVersion(): string {
    return this.policy.version;
  }

  needs(event: RiskEvent): SignalRequest {
    return signalsNeeded(event, this.policy);
  }

  score(event: RiskEvent, signals: SignalSet, now: Date, lists?: ListMatches): Assessment {
    return scoreEvent(event, signals, this.policy, now, lists);
  }
}
