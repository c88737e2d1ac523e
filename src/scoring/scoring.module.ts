import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { loadPolicy, type RiskPolicy } from './risk-policy.js';
import { RISK_POLICY } from './risk-policy.token.js';
import { ScoringService } from './scoring.service.js';

export { RISK_POLICY } from './risk-policy.token.js';

/** Loads the policy once at start-up (a bad file fails the boot, naming the file and every invalid path). */
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
