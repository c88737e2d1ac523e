import type { PolicyProblem } from './policy-fields.js';

/**
 * What a rule declares about its settings, beside the rule in its own file (scoring/rules/<name>.rule.ts):
 * where they sit in the policy file, the defaults a policy file that leaves them out gets, how the file's
 * section is merged over those defaults, and the checks the field decorators of its settings class cannot make.
 * risk-policy.ts composes them: it merges every rule's section before validating, then runs every rule's check.
 */
export interface RuleSettings<Settings> {
  /** where the settings sit in the policy file, e.g. ['transaction'] or ['signals', 'simSwap'] */
  readonly path: readonly string[];
  /** what a policy file without this section gets; validated like the file's own settings */
  readonly defaults: Settings;
  /** the policy file's section (undefined when it leaves it out) over the defaults: the JSON to validate */
  merge(fromFile: unknown): unknown;
  /** checks across fields (order, monotonicity); `path` is the section's path as written in problems */
  check?(settings: Settings, path: string): PolicyProblem[];
  /** the reason codes the settings configure, with their paths, so the policy can keep them unique */
  reasonCodes?(settings: Settings, path: string): { code: string; path: string }[];
}

/**
 * The merge most rules use: a section the file gives is the rule's settings as written (and must be complete:
 * a missing field is reported, never silently filled); a section the file leaves out takes the defaults.
 */
export function sectionOrDefaults<Settings>(defaults: Settings): (fromFile: unknown) => unknown {
  return (fromFile) => (fromFile === undefined ? structuredClone(defaults) : fromFile);
}

/** A rule's settings declaration with the settings type erased, for the list that composes them. */
export type AnyRuleSettings = Omit<RuleSettings<never>, 'defaults'> & { readonly defaults: unknown };

/**
 * The merge of rules whose every field is optional in the file (the list rules, the decline-rate guard): each
 * field the file's section sets over the default of that field. A section that is not an object is left as it
 * is, so validation reports it.
 */
export function fieldsOverDefaults<Settings extends object>(defaults: Settings): (fromFile: unknown) => unknown {
  return (fromFile) => {
    if (fromFile === undefined) return structuredClone(defaults);
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) return fromFile;
    const set = Object.entries(fromFile).filter(([, v]) => v !== undefined);
    return { ...structuredClone(defaults), ...Object.fromEntries(set) };
  };
}
