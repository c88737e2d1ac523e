import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { redisErrorMessage } from '../redis/redis-client.js';
import { POLICY_MODES, type PolicyMode, type PolicyModeRecord } from './policy-mode.js';
import { POLICY_MODE_STORE, type PolicyModeStore } from './policy-mode.store.js';

/** How often a replica re-reads a shared mode: another replica's switch is followed within this. */
export const SHARED_MODE_REFRESH_MS = 1_000;

/**
 * The policy mode this replica applies. Read on every decision from memory (no I/O on the hot path); with Redis
 * the record there is the truth, re-read every second, so a switch made through any replica reaches all of them
 * within a second (the replica that took the PUT at once). Every change is logged and shown by riskwire_policy_mode.
 */
@Injectable()
export class PolicyModeService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('PolicyMode');
  private record: PolicyModeRecord = { mode: 'enforce', changedAt: new Date(0).toISOString(), changedBy: 'default' };
  private timer?: NodeJS.Timeout;
  private refreshFailing = false;

  constructor(
    @Inject(POLICY_MODE_STORE) private readonly store: PolicyModeStore,
    private readonly metrics: RiskwireMetrics,
  ) {}

  get mode(): PolicyMode {
    return this.record.mode;
  }

  get current(): PolicyModeRecord & { shared: boolean } {
    return { ...this.record, shared: this.store.shared };
  }

  async onModuleInit(): Promise<void> {
    if (!this.store.shared) return this.show();
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), SHARED_MODE_REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Sets the mode for every replica sharing the store; `by` is the API key id. */
  async set(mode: PolicyMode, by: string): Promise<PolicyModeRecord & { shared: boolean }> {
    const previous = this.record.mode;
    const record: PolicyModeRecord = { mode, changedAt: new Date().toISOString(), changedBy: by };
    await this.store.set(record);
    this.record = record;
    this.logger.warn(
      `Policy mode set to ${mode} (was ${previous}) by API key ${by}` +
        (mode === 'monitor' ? ': every decision is published as ALLOW, the policy outcome in proposedOutcome' : ''),
    );
    this.show();
    return this.current;
  }

  /** Follows the shared record; keeps the last known mode while Redis cannot be read. */
  async refresh(): Promise<void> {
    try {
      const record = await this.store.get();
      this.refreshFailing = false;
      if (!record || (record.mode === this.record.mode && record.changedAt === this.record.changedAt)) return;
      if (record.mode !== this.record.mode) {
        this.logger.warn(`Policy mode is now ${record.mode} (set by API key ${record.changedBy} at ${record.changedAt})`);
      }
      this.record = record;
      this.show();
    } catch (err) {
      if (!this.refreshFailing)
        this.logger.warn(`cannot read the shared policy mode, keeping ${this.record.mode}: ${redisErrorMessage(err)}`);
      this.refreshFailing = true;
    }
  }

  private show(): void {
    for (const mode of POLICY_MODES) this.metrics.policyMode.set({ mode }, mode === this.record.mode ? 1 : 0);
  }
}
