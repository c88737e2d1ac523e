import type { Redis } from 'ioredis';
import type { PolicyModeRecord } from './policy-mode.js';

export const POLICY_MODE_STORE = Symbol('POLICY_MODE_STORE');

/** Where the mode lives: this process alone, or Redis so that every replica follows one switch. */
export interface PolicyModeStore {
  readonly shared: boolean;
  get(): Promise<PolicyModeRecord | undefined>;
  set(record: PolicyModeRecord): Promise<void>;
}

export class MemoryPolicyModeStore implements PolicyModeStore {
  readonly shared = false;
  private record?: PolicyModeRecord;

  async get() {
    return this.record;
  }

  async set(record: PolicyModeRecord) {
    this.record = record;
  }
}

export class RedisPolicyModeStore implements PolicyModeStore {
  readonly shared = true;

  constructor(
    private readonly redis: Redis,
    private readonly key = 'riskwire:policy:mode',
  ) {}

  async get(): Promise<PolicyModeRecord | undefined> {
    const json = await this.redis.get(this.key);
    if (!json) return undefined;
    const record = JSON.parse(json) as PolicyModeRecord;
    return record.mode === 'enforce' || record.mode === 'monitor' ? record : undefined;
  }

  async set(record: PolicyModeRecord): Promise<void> {
    // no expiry: a rollout in monitor mode stays in monitor mode until an operator says otherwise
    await this.redis.set(this.key, JSON.stringify(record));
  }
}
