import { Module } from '@nestjs/common';
import { DecisionsModule } from '../../decisions/decisions.module.js';
import { ApiModule } from '../api.module.js';
import { ApiKeyGuard } from '../auth/api-key.guard.js';
import { ListsController } from './lists.controller.js';
import { PolicyModeController } from './policy-mode.controller.js';

/**
 * The policy administration's HTTP endpoints, scope admin: the deny/allow/watch lists (/v1/lists) and the policy
 * mode (/v1/policy/mode), on DecisionsModule's ListsModule and EnforcementModule. Beside the assessment API, on
 * its authenticator (imported from ApiModule, so keys and rate limits are shared).
 */
@Module({
  imports: [ApiModule, DecisionsModule],
  controllers: [ListsController, PolicyModeController],
  providers: [ApiKeyGuard],
})
export class PolicyListsApiModule {}
