// Reading the policy file is I/O, so it lives here and not in the pure src/scoring: this folder loads the
// policy from the configured file (with the configuration's overrides) and hands src/scoring a validated RiskPolicy.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePolicy, PolicyError, withRuleDefaults, type RiskPolicy } from '../scoring/risk-policy.js';

export interface PolicyOverrides {
  highValueThreshold?: number;
}

/** Reads and validates a policy file (default: policies/default-policy.json), then applies config overrides. */
export function loadPolicy(file?: string, overrides: PolicyOverrides = {}): RiskPolicy {
  const path = file ? resolve(file) : defaultPolicyFile();
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new PolicyError([{ path: '', message: `cannot read policy: ${(err as Error).message}` }], path);
  }
  // The override applies to the transaction rule's settings, also when the file leaves them to the defaults.
  if (overrides.highValueThreshold !== undefined && isRecord(json)) {
    json = withRuleDefaults(json);
    if (isRecord(json) && isRecord(json.transaction)) {
      json = { ...json, transaction: { ...json.transaction, highValueThreshold: overrides.highValueThreshold } };
    }
  }
  try {
    return parsePolicy(json);
  } catch (err) {
    if (err instanceof PolicyError) throw new PolicyError(err.problems, path);
    throw err;
  }
}

/** policies/default-policy.json at the repo root, from src/policy (jest) or dist/src/policy (build). */
export function defaultPolicyFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../policies/default-policy.json'), resolve(here, '../../../policies/default-policy.json')];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
