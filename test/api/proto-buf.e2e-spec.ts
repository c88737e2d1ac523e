import { beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool, repoPath, run } from '../ops/ops-tools.js';

/**
 * proto/ against buf (the pinned version scripts/ops/install-tools.sh installs): the default STANDARD lint
 * rules, and the committed descriptor set that reflection serves is what proto/ compiles to today.
 */
describe('proto/ with buf', () => {
  let buf: string;
  beforeAll(() => {
    buf = findTool('buf');
  });

  it('passes buf lint with the default (STANDARD) rules', () => {
    expect(readFileSync(repoPath('proto', 'buf.yaml'), 'utf8')).toMatch(/version: v2\n[\s\S]*lint:\n\s+use:\n\s+- STANDARD\n/);
    const result = run(buf, ['lint', 'proto']);
    expect(result).toEqual({ ok: true, stdout: '', stderr: '' });
  });

  it('is formatted as buf format writes it', () => {
    const result = run(buf, ['format', '--diff', '--exit-code', 'proto']);
    expect(result).toEqual({ ok: true, stdout: '', stderr: '' });
  });

  it('buf lint fails a proto that breaks the rules (the check above can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskwire-buf-'));
    try {
      cpSync(repoPath('proto'), dir, { recursive: true });
      const file = join(dir, 'riskwire', 'v1', 'risk.proto');
      writeFileSync(file, readFileSync(file, 'utf8').replace('OUTCOME_DENY = 4;', 'DENY = 4;'));
      const result = run(buf, ['lint', dir]);
      expect(result.ok).toBe(false);
      expect(result.stdout).toContain('Enum value name "DENY" should be prefixed with "OUTCOME_"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('proto/riskwire-descriptor-set.binpb is what proto/ compiles to (else: npm run proto)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskwire-descriptors-'));
    try {
      const out = join(dir, 'set.binpb');
      const result = run('bash', [repoPath('scripts', 'proto', 'build-descriptor-set.sh'), out]);
      expect(result.stderr).toBe('');
      expect(result.ok).toBe(true);
      const fresh = readFileSync(out);
      const committed = readFileSync(repoPath('proto', 'riskwire-descriptor-set.binpb'));
      if (!fresh.equals(committed)) throw new Error('proto/riskwire-descriptor-set.binpb is stale: run `npm run proto` and commit it');
      expect(fresh.length).toBeGreaterThan(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
