import type { RiskPolicy } from '../scoring/risk-policy.js';

export type PolicyRole = 'live' | 'shadow';
export const POLICY_ROLES: readonly PolicyRole[] = ['live', 'shadow'];

/** One validated policy as it was read from its file. */
export interface LoadedPolicy {
  readonly policy: RiskPolicy;
  /** the file it came from (the built-in default when POLICY_FILE is unset) */
  readonly file: string;
  /** sha256 of the file's bytes, hex: tells two deployments of the "same" version apart */
  readonly contentHash: string;
  readonly loadedAt: string;
}

/** What one event is decided with: read once per event, so a reload never splits an event between two policies. */
export interface PolicySet {
  readonly live: LoadedPolicy;
  readonly shadow?: LoadedPolicy;
}

type Listener = (role: PolicyRole, next: LoadedPolicy, previous: LoadedPolicy | undefined) => void;

/**
 * The live and shadow policies in force. A swap replaces the whole immutable PolicySet in one assignment, so
 * every event sees either the old set or the new one, never a mix (JavaScript runs one event's step at a time).
 */
export class ActivePolicies {
  private set: PolicySet;
  private readonly listeners: Listener[] = [];

  constructor(live: LoadedPolicy, shadow?: LoadedPolicy) {
    this.set = Object.freeze({ live, shadow });
  }

  /** A fixed set (tests, tools): the policy loaded from nowhere in particular. */
  static of(policy: RiskPolicy, shadow?: RiskPolicy): ActivePolicies {
    const loaded = (p: RiskPolicy): LoadedPolicy => ({
      policy: p,
      file: '(in memory)',
      contentHash: '',
      loadedAt: new Date().toISOString(),
    });
    return new ActivePolicies(loaded(policy), shadow ? loaded(shadow) : undefined);
  }

  current(): PolicySet {
    return this.set;
  }

  get live(): LoadedPolicy {
    return this.set.live;
  }

  get shadow(): LoadedPolicy | undefined {
    return this.set.shadow;
  }

  replace(role: PolicyRole, next: LoadedPolicy): void {
    const previous = this.set[role];
    this.set = Object.freeze({ ...this.set, [role]: next });
    for (const listener of this.listeners) listener(role, next, previous);
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }
}
