import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import type { RiskPolicy } from '../scoring/risk-policy.js';
import { ScoringService } from '../scoring/scoring.service.js';
import { defaultPolicyFile } from './policy-file.js';
import { RISK_POLICY, ScoringModule } from './scoring.module.js';
import { HOUR, NOW, forwarding, loginEvent, signalSet, swap, transactionEvent } from '../../test/fixtures/scoring-fixtures.js';

const boot = (env: Record<string, string>) =>
  Test.createTestingModule({ imports: [ConfigModule.forRoot(loadConfig(env)), ScoringModule] }).compile();

describe('ScoringModule', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'riskwire-scoring-module-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('provides the default policy and a scoring service bound to it', async () => {
    const app = await boot({});
    const policy = app.get<RiskPolicy>(RISK_POLICY);
    const service = app.get(ScoringService);
    expect(policy.version).toBe('2026-11-21.1');
    expect(service.policyVersion).toBe('2026-11-21.1');
    expect(service.needs(loginEvent()).deviceSwap).toEqual({ mode: 'window', maxAgeMinutes: 1440 });
    const a = service.score(loginEvent(), signalSet({ simSwap: swap.ago(2 * HOUR), callForwarding: forwarding.active() }), NOW);
    expect(a.outcome).toBe('DENY');
    await app.close();
  });

  it('applies HIGH_VALUE_THRESHOLD from the configuration', async () => {
    const app = await boot({ HIGH_VALUE_THRESHOLD: '200' });
    expect(app.get<RiskPolicy>(RISK_POLICY).transaction.highValueThreshold).toBe(200);
    const a = app.get(ScoringService).score(transactionEvent('250'), signalSet({ callForwarding: forwarding.unavailable() }), NOW);
    expect(a.reasons.map((r) => r.code)).toContain('HIGH_VALUE_DEGRADED');
    await app.close();
  });

  it('loads a custom POLICY_FILE', async () => {
    const json = JSON.parse(readFileSync(defaultPolicyFile(), 'utf8'));
    json.version = 'custom-1';
    const file = join(dir, 'custom.json');
    writeFileSync(file, JSON.stringify(json));
    const app = await boot({ POLICY_FILE: file });
    expect(app.get(ScoringService).score(loginEvent(), signalSet(), NOW).policyVersion).toBe('custom-1');
    await app.close();
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
