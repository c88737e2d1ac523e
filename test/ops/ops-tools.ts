import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

/** Repository root, whatever directory jest was started from. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export const repoPath = (...parts: string[]): string => join(REPO_ROOT, ...parts);

export const readRepoFile = (...parts: string[]): string => readFileSync(repoPath(...parts), 'utf8');

export const TOOLS_BIN = join(process.env.HOME ?? homedir(), '.cache', 'riskwire', 'bin');

/**
 * Finds helm/promtool on PATH or where scripts/ops/install-tools.sh puts them. Throws (so every
 * test that needs the tool fails, never skips) with the command that fixes it.
 */
export function findTool(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), TOOLS_BIN];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  throw new Error(`${name} not found on PATH nor in ${TOOLS_BIN}: run scripts/ops/install-tools.sh first`);
}

export interface RunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Runs a tool from the repository root and returns its output whether it succeeded or not. */
export function run(tool: string, args: string[], options: { cwd?: string } = {}): RunResult {
  try {
    const stdout = execFileSync(tool, args, {
      cwd: options.cwd ?? REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 32 * 1024 * 1024,
      timeout: 120_000,
    });
    return { ok: true, stdout, stderr: '' };
  } catch (error) {
    const e = error as { stdout?: string | Buffer; stderr?: string | Buffer; message: string };
    return { ok: false, stdout: String(e.stdout ?? ''), stderr: String(e.stderr ?? e.message) };
  }
}

/** Like run, but a failure throws with the tool's own output so the test report shows why. */
export function runOk(tool: string, args: string[], options: { cwd?: string } = {}): string {
  const result = run(tool, args, options);
  if (!result.ok) throw new Error(`${tool} ${args.join(' ')} failed:\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

export type Yaml = Record<string, unknown>;

export const parseYaml = <T = Yaml>(text: string): T => parse(text) as T;

/** Every non-empty document of a multi-document stream (helm template output). */
export function parseYamlStream(text: string): Yaml[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML document: ${doc.errors[0]?.message}`);
      return doc.toJS() as Yaml | null;
    })
    .filter((doc): doc is Yaml => doc !== null && typeof doc === 'object');
}
