/**
 * The upstream counts maxAge in minutes while CAMARA counts hours: a bare number invites a 60x mistake,
 * so durations travel as a branded type and only become a plain number on the wire.
 */
export type Minutes = number & { readonly __unit: 'minutes' };

/** The range the Network Signals API accepts for `maxAge`. */
export const MAX_AGE_RANGE = { min: 1, max: 2400, default: 240 } as const;

export function minutes(value: number): Minutes {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a duration in minutes: ${value}`);
  return value as Minutes;
}

export function hoursToMinutes(hours: number): Minutes {
  return minutes(hours * 60);
}

export function isValidMaxAge(value: Minutes): boolean {
  return Number.isInteger(value) && value >= MAX_AGE_RANGE.min && value <= MAX_AGE_RANGE.max;
}
