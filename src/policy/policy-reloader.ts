import { watch, type FSWatcher } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ActivePolicies, type LoadedPolicy, type PolicyRole } from './active-policies.js';
import { contentHash, parsePolicyBytes, type PolicyOverrides } from './policy-file.js';

export type ReloadMode = 'watch' | 'poll' | 'off';
export type ReloadResult = 'unchanged' | 'reloaded' | 'rejected';

export interface ReloadOptions {
  mode: ReloadMode;
  pollMs: number;
  overrides: PolicyOverrides;
  /** the absolute file of each role to keep in step (the shadow only when one is configured) */
  files: Partial<Record<PolicyRole, string>>;
}

export interface ReloadObserver {
  reloaded(role: PolicyRole, next: LoadedPolicy, previous: LoadedPolicy | undefined): void;
  rejected(role: PolicyRole, file: string, reason: string): void;
}

/** Coalesces the burst of events one save (or one ConfigMap update) makes. */
const DEBOUNCE_MS = 75;

/**
 * Keeps the active policies in step with their files. A change is noticed by a directory watch (which also sees a
 * Kubernetes ConfigMap update: the kubelet swaps the `..data` symlink beside the file, it never writes the file) and,
 * as the fallback for file systems without reliable events, by polling. The file's bytes are hashed: unchanged bytes
 * are nothing to do; changed bytes are validated in full before the one-assignment swap, and a file that does not
 * validate is rejected once (not at every poll) while the running policy keeps serving.
 */
export class PolicyReloader {
  private readonly watchers: FSWatcher[] = [];
  private readonly debounce = new Map<PolicyRole, NodeJS.Timeout>();
  private poller?: NodeJS.Timeout;
  /** hash (or read error) of the last content looked at per role, good or bad */
  private readonly lastSeen = new Map<PolicyRole, string>();
  /** one check per role at a time: a watch event during a check is picked up by a check after it */
  private readonly running = new Map<PolicyRole, Promise<ReloadResult>>();
  private readonly pending = new Set<PolicyRole>();

  constructor(
    private readonly policies: ActivePolicies,
    private readonly options: ReloadOptions,
    private readonly observer: ReloadObserver,
  ) {
    for (const role of this.roles()) {
      const loaded = policies.current()[role];
      if (loaded) this.lastSeen.set(role, loaded.contentHash);
    }
  }

  async start(onWatchError: (role: PolicyRole, error: Error) => void = () => undefined): Promise<void> {
    if (this.options.mode === 'off') return;
    if (this.options.mode === 'watch') {
      for (const role of this.roles()) {
        const file = this.options.files[role] as string;
        // The file's own folder, and the folder of what a symlink points at (a ConfigMap's `..data/` target).
        const folders = new Set([dirname(file), dirname(await realpath(file).catch(() => file))]);
        for (const folder of folders) {
          try {
            const watcher = watch(folder, { persistent: false }, () => this.schedule(role));
            watcher.on('error', (error) => onWatchError(role, error));
            this.watchers.push(watcher);
          } catch (error) {
            onWatchError(role, error as Error); // e.g. out of inotify watches: polling still runs
          }
        }
      }
    }
    this.poller = setInterval(() => {
      for (const role of this.roles()) void this.check(role);
    }, this.options.pollMs);
    this.poller.unref();
  }

  stop(): void {
    for (const watcher of this.watchers.splice(0)) watcher.close();
    for (const timer of this.debounce.values()) clearTimeout(timer);
    this.debounce.clear();
    if (this.poller) clearInterval(this.poller);
  }

  /** Looks at the role's file now; never rejects (a bad file is the observer's business). */
  check(role: PolicyRole): Promise<ReloadResult> {
    const inFlight = this.running.get(role);
    if (inFlight) {
      this.pending.add(role);
      return inFlight;
    }
    const run = this.checkOnce(role).finally(() => {
      this.running.delete(role);
      if (this.pending.delete(role)) void this.check(role);
    });
    this.running.set(role, run);
    return run;
  }

  private schedule(role: PolicyRole): void {
    clearTimeout(this.debounce.get(role));
    const timer = setTimeout(() => {
      this.debounce.delete(role);
      void this.check(role);
    }, DEBOUNCE_MS);
    timer.unref();
    this.debounce.set(role, timer);
  }

  private async checkOnce(role: PolicyRole): Promise<ReloadResult> {
    const file = this.options.files[role];
    if (!file) return 'unchanged';
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      return this.reject(
        role,
        file,
        `read:${(error as NodeJS.ErrnoException).code ?? 'error'}`,
        `cannot read policy: ${(error as Error).message}`,
      );
    }
    const hash = contentHash(bytes);
    if (hash === this.lastSeen.get(role)) return 'unchanged';
    const previous = this.policies.current()[role];
    if (previous && hash === previous.contentHash) {
      // back to the bytes already serving (after a rejected edit was undone): nothing to swap
      this.lastSeen.set(role, hash);
      return 'unchanged';
    }
    let next: LoadedPolicy;
    try {
      next = { policy: parsePolicyBytes(bytes, file, this.options.overrides), file, contentHash: hash, loadedAt: new Date().toISOString() };
    } catch (error) {
      return this.reject(role, file, hash, (error as Error).message);
    }
    this.lastSeen.set(role, hash);
    this.policies.replace(role, next);
    this.observer.reloaded(role, next, previous);
    return 'reloaded';
  }

  private reject(role: PolicyRole, file: string, seen: string, reason: string): ReloadResult {
    if (this.lastSeen.get(role) === seen) return 'unchanged'; // already reported this content
    this.lastSeen.set(role, seen);
    this.observer.rejected(role, file, reason);
    return 'rejected';
  }

  private roles(): PolicyRole[] {
    return (Object.keys(this.options.files) as PolicyRole[]).filter((r) => this.options.files[r] !== undefined);
  }
}
