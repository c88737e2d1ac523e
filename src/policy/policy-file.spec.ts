import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPolicyFile, loadPolicy } from './policy-file.js';

// Tests deliberately write wrong types into the JSON, so it is untyped here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const defaultJson = (): Record<string, any> => JSON.parse(readFileSync(defaultPolicyFile(), 'utf8'));

describe('the default policy file', () => {
  it('is found at the repo root from src/policy and validates', () => {
    expect(defaultPolicyFile()).toMatch(/policies[\\/]default-policy\.json$/);
    const policy = loadPolicy();
    expect(policy.version).toBe('2026-11-21.1');
    expect(policy.transaction.highValueThreshold).toBe(1000);
    expect(policy.thresholds.challenge).toBeLessThan(policy.thresholds.review);
  });

  it('is frozen so no caller can change the shared policy at run time', () => {
    const policy = loadPolicy();
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.signals.simSwap.bands[0])).toBe(true);
    expect(() => {
      (policy.thresholds as { deny: number }).deny = 1;
    }).toThrow(TypeError);
  });

  it('takes the high-value threshold override from the configuration', () => {
    expect(loadPolicy(undefined, { highValueThreshold: 250 }).transaction.highValueThreshold).toBe(250);
    expect(loadPolicy(undefined, {}).transaction.highValueThreshold).toBe(1000);
  });

  it('applies the override also when the policy file leaves the transaction settings to the rule defaults', () => {
    const json = defaultJson();
    delete json.transaction;
    const file = join(tmpdir(), `riskwire-policy-no-transaction-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(json));
    try {
      expect(loadPolicy(file, { highValueThreshold: 250 }).transaction.highValueThreshold).toBe(250);
      expect(loadPolicy(file).transaction).toEqual(loadPolicy().transaction);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('still validates an overridden threshold', () => {
    expect(() => loadPolicy(undefined, { highValueThreshold: -5 })).toThrow(/transaction\.highValueThreshold: must be >= 0/);
  });
});

describe('loadPolicy with a custom file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'riskwire-policy-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a valid custom policy and keeps its version', () => {
    const json = defaultJson();
    json.version = 'acme-2027.1';
    const file = join(dir, 'acme.json');
    writeFileSync(file, JSON.stringify(json));
    expect(loadPolicy(file).version).toBe('acme-2027.1');
  });

  it('names the file and the invalid paths when the policy is wrong', () => {
    const json = defaultJson();
    json.thresholds.challenge = 0;
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(json));
    expect(() => loadPolicy(file)).toThrow(`Invalid risk policy in ${file}: thresholds.challenge: must be >= 1`);
  });

  it('names the file when it is not JSON or does not exist', () => {
    const file = join(dir, 'not-json.json');
    writeFileSync(file, '{ version: ');
    expect(() => loadPolicy(file)).toThrow(
      new RegExp(`Invalid risk policy in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read policy`),
    );
    expect(() => loadPolicy(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read policy: ENOENT/);
  });
});
