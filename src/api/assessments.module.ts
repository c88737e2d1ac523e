import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { RedisModule } from '../redis/redis.module.js';
import { apiStateStoreProvider } from './api-state.store.js';
import { AssessmentsService } from './assessments.service.js';
import { CallbacksModule } from './callbacks/callbacks.module.js';
import { IdempotencyService } from './idempotency.service.js';

/**
 * The use cases every transport of the API calls: assess (now or with a callback), read a decision, and
 * idempotent replays, over the API state store. `imports` supplies RiskEngine, DECISION_STORE and DecisionIds
 * (DecisionsModule in the app, a fake in the API specs).
 */
@Module({})
export class AssessmentsModule {
  static forRoot(options: { imports: NonNullable<ModuleMetadata['imports']> }): DynamicModule {
    return {
      module: AssessmentsModule,
      imports: [...options.imports, RedisModule, CallbacksModule],
      providers: [AssessmentsService, IdempotencyService, apiStateStoreProvider],
      exports: [AssessmentsService, IdempotencyService],
    };
  }
}
