import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { ActivePolicies, type PolicyRole } from './active-policies.js';
import { defaultPolicyFile, readPolicyFile } from './policy-file.js';
import { PolicyReloader, type ReloadMode } from './policy-reloader.js';
import { PolicyReloadService } from './policy-reload.service.js';
import type { AppConfig } from '../config/app-config.js';

// Tests write deliberately wrong values into the JSON, so it is untyped here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const policyJson = (version: string, patch: (json: Record<string, any>) => void = () => undefined) => {
  const json = JSON.parse(readFileSync(defaultPolicyFile(), 'utf8'));
  json.version = version;
  patch(json);
  return JSON.stringify(json);
};

async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('PolicyReloader', () => {
  let dir: string;
  let reloader: PolicyReloader | undefined;
  const events: string[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'riskwire-reload-'));
    events.length = 0;
  });
  afterEach(() => {
    reloader?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(files: Partial<Record<PolicyRole, string>>, mode: ReloadMode = 'off', pollMs = 60_000) {
    const policies = new ActivePolicies(readPolicyFile(files.live), files.shadow ? readPolicyFile(files.shadow) : undefined);
    reloader = new PolicyReloader(
      policies,
      { mode, pollMs, overrides: {}, files },
      {
        reloaded: (role, next, previous) => events.push(`${role}:${previous?.policy.version}->${next.policy.version}`),
        rejected: (role, _file, reason) => events.push(`${role}:rejected:${reason}`),
      },
    );
    return { policies, reloader };
  }

  it('swaps in a changed, valid file; unchanged bytes are nothing to do', async () => {
    const file = join(dir, 'policy.json');
    writeFileSync(file, policyJson('v1'));
    const { policies, reloader } = start({ live: file });
    expect(await reloader.check('live')).toBe('unchanged');
    writeFileSync(file, policyJson('v2'));
    expect(await reloader.check('live')).toBe('reloaded');
    expect(policies.live.policy.version).toBe('v2');
    expect(events).toEqual(['live:v1->v2']);
    expect(await reloader.check('live')).toBe('unchanged');
  });

  it('rejects an invalid file once, keeps serving the old policy, and takes the next valid one', async () => {
    const file = join(dir, 'policy.json');
    writeFileSync(file, policyJson('v1'));
    const { policies, reloader } = start({ live: file });
    const before = policies.current();
    writeFileSync(
      file,
      policyJson('v2', (j) => (j.thresholds.deny = 150)),
    );
    expect(await reloader.check('live')).toBe('rejected');
    expect(policies.current()).toBe(before);
    expect(events).toEqual([
      expect.stringMatching(/^live:rejected:Invalid risk policy in .*policy\.json: thresholds\.deny: must be <= 100$/),
    ]);
    expect(await reloader.check('live')).toBe('unchanged'); // the same bad bytes are reported once
    writeFileSync(file, '{ "version": ');
    expect(await reloader.check('live')).toBe('rejected');
    writeFileSync(file, policyJson('v3'));
    expect(await reloader.check('live')).toBe('reloaded');
    expect(policies.live.policy.version).toBe('v3');
  });

  it('keeps serving when the file disappears, and says so once', async () => {
    const file = join(dir, 'policy.json');
    writeFileSync(file, policyJson('v1'));
    const { policies, reloader } = start({ live: file });
    rmSync(file);
    expect(await reloader.check('live')).toBe('rejected');
    expect(await reloader.check('live')).toBe('unchanged');
    expect(events).toEqual([expect.stringContaining('live:rejected:cannot read policy: ENOENT')]);
    expect(policies.live.policy.version).toBe('v1');
  });

  it('reloads the shadow file on its own, leaving the live policy alone', async () => {
    const live = join(dir, 'live.json');
    const shadow = join(dir, 'shadow.json');
    writeFileSync(live, policyJson('live-1'));
    writeFileSync(shadow, policyJson('shadow-1'));
    const { policies, reloader } = start({ live, shadow });
    writeFileSync(shadow, policyJson('shadow-2'));
    expect(await reloader.check('shadow')).toBe('reloaded');
    expect(await reloader.check('live')).toBe('unchanged');
    expect([policies.live.policy.version, policies.shadow?.policy.version]).toEqual(['live-1', 'shadow-2']);
  });

  it('sees a Kubernetes ConfigMap update: the ..data symlink swapped beside the file', async () => {
    // The kubelet's layout: policy.json -> ..data/policy.json, ..data -> ..<timestamp>/ ; an update writes a new
    // timestamped folder and renames a new ..data link over the old one. The file itself is never written.
    mkdirSync(join(dir, '..2026_12_01_01'));
    writeFileSync(join(dir, '..2026_12_01_01', 'policy.json'), policyJson('cm-1'));
    symlinkSync('..2026_12_01_01', join(dir, '..data'));
    symlinkSync('..data/policy.json', join(dir, 'policy.json'));
    const { policies, reloader } = start({ live: join(dir, 'policy.json') }, 'watch');
    await reloader.start();
    mkdirSync(join(dir, '..2026_12_01_02'));
    writeFileSync(join(dir, '..2026_12_01_02', 'policy.json'), policyJson('cm-2'));
    symlinkSync('..2026_12_01_02', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    await until(() => policies.live.policy.version === 'cm-2');
    expect(events).toEqual(['live:cm-1->cm-2']);
  });

  it('notices an edit in place by watching', async () => {
    const file = join(dir, 'policy.json');
    writeFileSync(file, policyJson('w1'));
    const { policies, reloader } = start({ live: file }, 'watch');
    await reloader.start();
    writeFileSync(file, policyJson('w2'));
    await until(() => policies.live.policy.version === 'w2');
  });

  it('falls back to polling: a change is found without any file event', async () => {
    const file = join(dir, 'policy.json');
    writeFileSync(file, policyJson('p1'));
    const { policies, reloader } = start({ live: file }, 'poll', 200);
    await reloader.start();
    writeFileSync(file, policyJson('p2'));
    await until(() => policies.live.policy.version === 'p2');
  });
});

describe('PolicyReloadService', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'riskwire-reload-svc-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps riskwire_policy_info and the build info on the active versions, and counts reloads and failures', async () => {
    const file = join(dir, 'policy.json');
    writeFileSync(file, policyJson('m1'));
    const metrics = new RiskwireMetrics({ defaultMetrics: false });
    const policies = new ActivePolicies(readPolicyFile(file));
    const config = {
      policy: { file },
      policyLifecycle: { reload: 'off', reloadPollMs: 1000, topics: { shadowDecisions: 's', labels: 'l' } },
    } as unknown as AppConfig;
    const service = new PolicyReloadService(policies, config, metrics);
    const text = () => metrics.registry.metrics();
    expect(await text()).toContain('riskwire_policy_info{role="live",version="m1"} 1');
    expect(await text()).toMatch(/riskwire_build_info\{version="\d+\.\d+\.\d+",policy_version="m1",node_version="v20[^"]*"\} 1/);
    writeFileSync(file, policyJson('m2'));
    expect(await service.checkNow('live')).toBe('reloaded');
    writeFileSync(file, 'not json');
    expect(await service.checkNow('live')).toBe('rejected');
    const after = await text();
    expect(after).toContain('riskwire_policy_info{role="live",version="m2"} 1');
    expect(after).not.toContain('version="m1"');
    expect(after).toContain('riskwire_policy_reloads_total{role="live"} 1');
    expect(after).toContain('riskwire_policy_reload_failures_total{role="live"} 1');
    expect(after).toContain('riskwire_policy_reload_failures_total{role="shadow"} 0');
    expect(after).toMatch(/riskwire_build_info\{[^}]*policy_version="m2"/);
  });
});
