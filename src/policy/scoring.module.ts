import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ActivePolicies } from './active-policies.js';
import { readPolicyFile } from './policy-file.js';
import { PolicyReloadService } from './policy-reload.service.js';

/**
 * The scoring capability's wiring, outside the pure src/scoring: loads the live policy (POLICY_FILE) and the
 * optional shadow policy (SHADOW_POLICY_FILE) at start-up (a bad file fails the boot, naming the file and every
 * invalid path), then keeps them in step with their files (PolicyReloadService). Callers read
 * ActivePolicies.current() once per event and score with the pure functions of src/scoring.
 */
@Module({
  providers: [
    {
      provide: ActivePolicies,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ActivePolicies => {
        const overrides = { highValueThreshold: config.policy.highValueThreshold };
        const shadowFile = config.policyLifecycle.shadowFile;
        return new ActivePolicies(
          readPolicyFile(config.policy.file, overrides),
          shadowFile ? readPolicyFile(shadowFile, overrides) : undefined,
        );
      },
    },
    PolicyReloadService,
  ],
  exports: [ActivePolicies, PolicyReloadService],
})
export class ScoringModule {}
