import { expect } from '@jest/globals';
import type { Decision } from '../../src/domain/decision.js';
import type { DeadLetter } from '../../src/events/dead-letter.js';
import type { CollectedRecord } from './kafka-io.js';

/**
 * The at-least-once contract, checked record by record: every valid event has a decision, every
 * invalid one a dead letter, nothing else appears, and a duplicate is the same decision again.
 */
export function auditDelivery(
  validEventIds: string[],
  invalidKeys: string[],
  decisions: CollectedRecord<Decision>[],
  deadLetters: CollectedRecord<DeadLetter>[],
): { duplicates: number } {
  const first = new Map<string, Decision>();
  let duplicates = 0;
  for (const { value } of decisions) {
    const earlier = first.get(value.eventId);
    if (earlier) {
      duplicates += 1;
      expect({ decisionId: value.decisionId, outcome: value.outcome }).toEqual({
        decisionId: earlier.decisionId,
        outcome: earlier.outcome,
      });
    } else first.set(value.eventId, value);
  }
  const missing = validEventIds.filter((id) => !first.has(id));
  expect(missing).toEqual([]);
  const unexpected = [...first.keys()].filter((id) => !validEventIds.includes(id));
  expect(unexpected).toEqual([]);
  const lettered = new Set(deadLetters.map((r) => r.value.source.key));
  expect(invalidKeys.filter((k) => !lettered.has(k))).toEqual([]);
  expect([...lettered].filter((k) => k === null || !invalidKeys.includes(k))).toEqual([]);
  return { duplicates };
}
