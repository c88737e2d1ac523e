/**
 * E.164 as riskwire and the upstream accept it: a plus, a non-zero country digit, 7-15 digits in all.
 * The one home of the pattern: the event contract, the simulator and the test kits use it.
 */
export const E164 = /^\+[1-9]\d{6,14}$/;

export function isE164(value: unknown): value is string {
  return typeof value === 'string' && E164.test(value);
}
