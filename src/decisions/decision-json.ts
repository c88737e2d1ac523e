import type { Decision } from '../domain/decision.js';

const serialized = new WeakMap<Decision, string>();

/**
 * A decision's JSON, made once per decision object: the decision store retains it and the publisher sends it, and
 * serialising it twice was a visible share of an event's CPU. A decision is never changed once assessed.
 */
export function decisionJson(decision: Decision): string {
  let json = serialized.get(decision);
  if (json === undefined) {
    json = JSON.stringify(decision);
    serialized.set(decision, json);
  }
  return json;
}
