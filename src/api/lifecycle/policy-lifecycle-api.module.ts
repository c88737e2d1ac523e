import { Module } from '@nestjs/common';
import { DecisionsModule } from '../../decisions/decisions.module.js';
import { LabelsModule } from '../../labels/labels.module.js';
import { ApiModule } from '../api.module.js';
import { ApiKeyGuard } from '../auth/api-key.guard.js';
import { LabelsController } from './labels.controller.js';
import { PolicyController } from './policy.controller.js';

/**
 * The policy lifecycle's HTTP endpoints: GET /v1/policy (scope admin) and POST /v1/labels (scope label). Beside the
 * assessment API, on its authenticator (imported from ApiModule, so keys and rate limits are shared).
 */
@Module({
  imports: [ApiModule, DecisionsModule, LabelsModule],
  controllers: [PolicyController, LabelsController],
  providers: [ApiKeyGuard],
})
export class PolicyLifecycleApiModule {}
