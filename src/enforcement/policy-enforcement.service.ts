import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Assessment } from '../domain/decision.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { ActivePolicies } from '../policy/active-policies.js';
import { applyDeclineRateGuard, guardActive, type DeclineRateGuardSettings } from '../scoring/rules/decline-rate-guard.rule.js';
import { DeclineRateWindow } from './decline-rate-window.js';
import { applyPolicyMode } from './policy-mode.js';
import { PolicyModeService } from './policy-mode.service.js';

/**
 * What happens to the policy's outcome after scoring, in order: the decline-rate guard (a DENY becomes REVIEW
 * while this replica's DENY share is above the policy's threshold), then the mode (monitor publishes ALLOW with
 * the outcome in proposedOutcome). The window counts the policy's own outcomes, before either step, so the guard
 * stays on for as long as the policy keeps wanting to deny too much, instead of flapping once it has held DENYs back.
 */
@Injectable()
export class PolicyEnforcement implements OnModuleInit, OnModuleDestroy {
  private readonly window: DeclineRateWindow;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly policies: ActivePolicies,
    private readonly mode: PolicyModeService,
    private readonly metrics: RiskwireMetrics,
  ) {
    this.window = new DeclineRateWindow(this.settings().windowSeconds);
  }

  /** The gauges follow the window as it slides, also when no decision comes to move them. */
  onModuleInit(): void {
    this.timer = setInterval(() => this.show(Date.now()), 5_000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * `settings`: the guard of the live policy the event was scored with (read once per event by the caller);
   * without it, the live policy in force now.
   */
  enforce(assessment: Assessment, now: Date, settings: DeclineRateGuardSettings = this.settings()): Assessment {
    this.window.resize(settings.windowSeconds);
    this.window.record(assessment.outcome === 'DENY', now.getTime());
    const share = this.show(now.getTime(), settings);
    return applyPolicyMode(applyDeclineRateGuard(assessment, share, settings), this.mode.mode);
  }

  /** The live policy's guard: a hot reload applies from the next decision on. */
  private settings(): DeclineRateGuardSettings {
    return this.policies.current().live.policy.declineRateGuard;
  }

  private show(now: number, settings: DeclineRateGuardSettings = this.settings()) {
    const share = this.window.share(now);
    this.metrics.declineRateDenyShare.set(share.decisions > 0 ? share.denies / share.decisions : 0);
    this.metrics.declineRateGuardActive.set(guardActive(share, settings) ? 1 : 0);
    return share;
  }
}
