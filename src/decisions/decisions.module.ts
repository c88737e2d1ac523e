import { Module } from '@nestjs/common';
import { EnforcementModule } from '../enforcement/enforcement.module.js';
import { ListsModule } from '../lists/lists.module.js';
import { ScoringModule } from '../policy/scoring.module.js';
import { RedisModule } from '../redis/redis.module.js';
import { SignalsModule } from '../signals/signals.module.js';
import { DecisionIds } from './decision-id.js';
import { decisionStoreProvider } from './decision-store.provider.js';
import { DECISION_STORE } from './decision-store.js';
import { RiskEngine } from './risk-engine.js';
import { ShadowDecisionPublisher } from './shadow-decision-publisher.js';

@Module({
  imports: [SignalsModule, ScoringModule, RedisModule, ListsModule, EnforcementModule],
  providers: [RiskEngine, DecisionIds, decisionStoreProvider, ShadowDecisionPublisher],
  exports: [RiskEngine, DecisionIds, DECISION_STORE, ShadowDecisionPublisher, ScoringModule, ListsModule, EnforcementModule],
})
export class DecisionsModule {}
