import type { Minutes } from '../../minutes.js';

/** CAMARA counts `maxAge` in hours (tyntec in minutes): a branded type keeps the two from mixing. */
export type Hours = number & { readonly __unit: 'hours' };

/** The range every CAMARA swap API accepts for `maxAge`. */
export const CAMARA_MAX_AGE_HOURS = { min: 1, max: 2400, default: 240 } as const;

export function hours(value: number): Hours {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`not a whole number of hours: ${value}`);
  return value as Hours;
}

/**
 * The window to ask CAMARA for a window our policy asks in minutes: rounded up, so the answer never covers less
 * than asked (90 minutes → 2 hours), and kept within 1-2400 hours, the range the APIs accept.
 */
export function windowInHours(asked: Minutes): Hours {
  const wholeHours = Math.ceil(Number(asked) / 60);
  return hours(Math.min(CAMARA_MAX_AGE_HOURS.max, Math.max(CAMARA_MAX_AGE_HOURS.min, wholeHours)));
}

export function hoursInMinutes(value: Hours): Minutes {
  return (Number(value) * 60) as Minutes;
}
