/** E.164 as the upstream accepts it: a plus, a non-zero country digit, 7-15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;

export function isE164(value: unknown): value is string {
  return typeof value === 'string' && E164.test(value);
}
