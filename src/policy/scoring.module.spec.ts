import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { scoreEvent } from '../scoring/score-event.js';
import { signalsNeeded } from '../scoring/signals-needed.js';
import { ActivePolicies } from './active-policies.js';
import { defaultPolicyFile } from './policy-file.js';
import { ScoringModule } from './scoring.module.js';
import { HOUR, NOW, forwarding, loginEvent, signalSet, swap, transactionEvent } from '../../test/fixtures/scoring-fixtures.js';

const boot = (env: Record<string, string>) =>
  Test.createTestingModule({
    imports: [ConfigModule.forRoot(loadConfig({ POLICY_RELOAD: 'off', ...env })), MetricsModule, ScoringModule],
  }).compile();

describe('ScoringModule', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'riskwire-scoring-module-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('provides the default policy as the live one, scored by the pure functions', async () => {
    const app = await boot({});
    const policy = app.get(ActivePolicies).live.policy;
    expect(policy.version).toBe('2026-11-21.1');
    expect(signalsNeeded(loginEvent(), policy).deviceSwap).toEqual({ mode: 'window', maxAgeMinutes: 1440 });
    const a = scoreEvent(loginEvent(), signalSet({ simSwap: swap.ago(2 * HOUR), callForwarding: forwarding.active() }), policy, NOW);
    expect(a.policyVersion).toBe('2026-11-21.1');
    expect(a.outcome).toBe('DENY');
    await app.close();
  });

  it('applies HIGH_VALUE_THRESHOLD from the configuration', async () => {
    const app = await boot({ HIGH_VALUE_THRESHOLD: '200' });
    expect(app.get(ActivePolicies).live.policy.transaction.highValueThreshold).toBe(200);
    const a = scoreEvent(
      transactionEvent('250'),
      signalSet({ callForwarding: forwarding.unavailable() }),
      app.get(ActivePolicies).live.policy,
      NOW,
    );
    expect(a.reasons.map((r) => r.code)).toContain('HIGH_VALUE_DEGRADED');
    await app.close();
  });

  it('loads a custom POLICY_FILE', async () => {
    const json = JSON.parse(readFileSync(defaultPolicyFile(), 'utf8'));
    json.version = 'custom-1';
    const file = join(dir, 'custom.json');
    writeFileSync(file, JSON.stringify(json));
    const app = await boot({ POLICY_FILE: file });
    expect(scoreEvent(loginEvent(), signalSet(), app.get(ActivePolicies).live.policy, NOW).policyVersion).toBe('custom-1');
    expect(app.get(ActivePolicies).live).toMatchObject({ file, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(app.get(ActivePolicies).shadow).toBeUndefined();
    await app.close();
  });

  it('loads SHADOW_POLICY_FILE beside the live policy', async () => {
    const json = JSON.parse(readFileSync(defaultPolicyFile(), 'utf8'));
    json.version = 'candidate-1';
    const file = join(dir, 'candidate.json');
    writeFileSync(file, JSON.stringify(json));
    const app = await boot({ SHADOW_POLICY_FILE: file });
    expect(app.get(ActivePolicies).shadow?.policy.version).toBe('candidate-1');
    expect(app.get(ActivePolicies).live.policy.version).toBe('2026-11-21.1');
    await app.close();
  });

  it('fails start-up on a wrong shadow policy file, naming it', async () => {
    const file = join(dir, 'shadow-wrong.json');
    writeFileSync(file, '{"version": "x"}');
    await expect(boot({ SHADOW_POLICY_FILE: file })).rejects.toThrow(file);
  });

  it('fails start-up on a wrong policy file, naming the file and every invalid path', async () => {
    const json = JSON.parse(readFileSync(defaultPolicyFile(), 'utf8'));
    json.thresholds.deny = 101;
    json.checks.transaction.deviceSwap = { mode: 'window', maxAgeMinutes: 9999 };
    const file = join(dir, 'wrong.json');
    writeFileSync(file, JSON.stringify(json));
    const failure = boot({ POLICY_FILE: file });
    await expect(failure).rejects.toThrow(file);
    await expect(failure).rejects.toThrow('thresholds.deny: must be <= 100');
    await expect(failure).rejects.toThrow('checks.transaction.deviceSwap.maxAgeMinutes: must be <= 2400');
  });
});
