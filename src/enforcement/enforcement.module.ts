import { Module, type FactoryProvider } from '@nestjs/common';
import { ScoringModule } from '../policy/scoring.module.js';
import { REDIS_CONNECTIONS, type RedisConnections } from '../redis/redis-connections.js';
import { RedisModule } from '../redis/redis.module.js';
import { PolicyEnforcement } from './policy-enforcement.service.js';
import { PolicyModeService } from './policy-mode.service.js';
import { MemoryPolicyModeStore, POLICY_MODE_STORE, RedisPolicyModeStore, type PolicyModeStore } from './policy-mode.store.js';

const policyModeStoreProvider: FactoryProvider<PolicyModeStore> = {
  provide: POLICY_MODE_STORE,
  inject: [REDIS_CONNECTIONS],
  // shared by every replica when REDIS_URL is set (an operator switches the deployment, not one pod)
  useFactory: (connections: RedisConnections) => {
    const redis = connections.forStores();
    return redis ? new RedisPolicyModeStore(redis) : new MemoryPolicyModeStore();
  },
};

/** After scoring: the decline-rate guard and the policy mode (enforce | monitor). */
@Module({
  imports: [ScoringModule, RedisModule],
  providers: [PolicyEnforcement, PolicyModeService, policyModeStoreProvider],
  exports: [PolicyEnforcement, PolicyModeService],
})
export class EnforcementModule {}
