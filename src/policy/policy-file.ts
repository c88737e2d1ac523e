// Reading the policy file is I/O, so it lives here and not in the pure src/scoring: this folder loads the
// policy from the configured file (with the configuration's overrides) and hands src/scoring a validated RiskPolicy.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePolicy, PolicyError, withRuleDefaults, type RiskPolicy } from '../scoring/risk-policy.js';
import type { LoadedPolicy } from './active-policies.js';

export interface PolicyOverrides {
  highValueThreshold?: number;
}

/** Reads and validates a policy file (default: policies/default-policy.json), then applies config overrides. */
export function loadPolicy(file?: string, overrides: PolicyOverrides = {}): RiskPolicy {
  return readPolicyFile(file, overrides).policy;
}

/** Like loadPolicy, and says where the policy came from and the sha256 of the file's bytes (what hot reload compares). */
export function readPolicyFile(file: string | undefined, overrides: PolicyOverrides = {}): LoadedPolicy {
  const path = policyPath(file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new PolicyError([{ path: '', message: `cannot read policy: ${(err as Error).message}` }], path);
  }
  return {
    policy: parsePolicyBytes(bytes, path, overrides),
    file: path,
    contentHash: contentHash(bytes),
    loadedAt: new Date().toISOString(),
  };
}

/** The absolute path a configured POLICY_FILE (or the built-in default) is read from. */
export function policyPath(file: string | undefined): string {
  return file ? resolve(file) : defaultPolicyFile();
}

export function contentHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Parses and validates the bytes of a policy file; errors name the file and every invalid path. */
export function parsePolicyBytes(bytes: Buffer, path: string, overrides: PolicyOverrides = {}): RiskPolicy {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
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
