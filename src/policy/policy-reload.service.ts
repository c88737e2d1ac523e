import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BUILD_VERSION } from '../common/build-version.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { ActivePolicies, type LoadedPolicy, type PolicyRole } from './active-policies.js';
import { policyPath } from './policy-file.js';
import { PolicyReloader, type ReloadResult } from './policy-reloader.js';

/** Runs the PolicyReloader for the app: logs and counts every swap and every rejected file, keeps riskwire_policy_info true. */
@Injectable()
export class PolicyReloadService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PolicyReload');
  private readonly reloader: PolicyReloader;

  constructor(
    private readonly policies: ActivePolicies,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: RiskwireMetrics,
  ) {
    const { reload, reloadPollMs, shadowFile } = config.policyLifecycle;
    this.reloader = new PolicyReloader(
      policies,
      {
        mode: reload,
        pollMs: reloadPollMs,
        overrides: { highValueThreshold: config.policy.highValueThreshold },
        files: { live: policyPath(config.policy.file), shadow: shadowFile ? policyPath(shadowFile) : undefined },
      },
      {
        reloaded: (role, next, previous) => this.reloaded(role, next, previous),
        rejected: (role, file, reason) => this.rejected(role, file, reason),
      },
    );
    for (const role of ['live', 'shadow'] as const) {
      const loaded = policies.current()[role];
      if (loaded) metrics.policyInfo.set({ role, version: loaded.policy.version }, 1);
    }
    this.setBuildInfo(policies.live.policy.version);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reloader.start((role, error) =>
      this.logger.warn(`cannot watch the ${role} policy file (${error.message}); polling it instead`),
    );
  }

  onApplicationShutdown(): void {
    this.reloader.stop();
  }

  /** Looks at the files now (tests, and an operator's explicit request). */
  checkNow(role: PolicyRole): Promise<ReloadResult> {
    return this.reloader.check(role);
  }

  private reloaded(role: PolicyRole, next: LoadedPolicy, previous: LoadedPolicy | undefined): void {
    if (previous) this.metrics.policyInfo.remove({ role, version: previous.policy.version });
    this.metrics.policyInfo.set({ role, version: next.policy.version }, 1);
    this.metrics.policyReloads.inc({ role });
    if (role === 'live') this.setBuildInfo(next.policy.version);
    const same = previous?.policy.version === next.policy.version;
    this.logger.log(
      `${role} policy reloaded from ${next.file}: version ${previous?.policy.version ?? '-'} -> ${next.policy.version} (sha256 ${next.contentHash.slice(0, 12)})` +
        (same ? '; the version did not change although the content did: change the version with every edit' : ''),
    );
  }

  private rejected(role: PolicyRole, file: string, reason: string): void {
    this.metrics.policyReloadFailures.inc({ role });
    const serving = this.policies.current()[role];
    this.logger.error(`${role} policy file rejected, version ${serving?.policy.version ?? '-'} keeps serving: ${reason} (${file})`);
  }

  private setBuildInfo(policyVersion: string): void {
    this.metrics.buildInfo.reset();
    this.metrics.buildInfo.set({ version: BUILD_VERSION, policy_version: policyVersion, node_version: process.version }, 1);
  }
}
