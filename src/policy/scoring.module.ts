import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { RiskPolicy } from '../scoring/risk-policy.js';
import { RISK_POLICY } from '../scoring/risk-policy.token.js';
import { ScoringService } from '../scoring/scoring.service.js';
import { loadPolicy } from './policy-file.js';

export { RISK_POLICY } from '../scoring/risk-policy.token.js';

/**
 * The scoring capability's wiring, outside the pure src/scoring: loads the policy once at start-up
 * from AppConfig's POLICY_FILE (a bad file fails the boot, naming the file and every invalid path).
 */
@Module({
  providers: [
    {
      provide: RISK_POLICY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): RiskPolicy =>
        loadPolicy(config.policy.file, { highValueThreshold: config.policy.highValueThreshold }),
    },
    ScoringService,
  ],
  exports: [RISK_POLICY, ScoringService],
})
export class ScoringModule {}
