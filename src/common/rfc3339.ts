/**
 * The date-time form we accept, from producers and from the upstream alike: the intersection of RFC 3339 §5.6
 * and ISO 8601 extended format. Upper-case `T` and `Z`, seconds required, a `.` fraction of any length, and a
 * zone that is `Z` or `±hh:mm` (with its colon). No date-only values, no local times without a zone, no
 * leap second (`:60`: none since 2016, and JavaScript's Date cannot hold one).
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** The same grammar as a JSON Schema `pattern` (the published schemas pair it with `format: date-time`). */
export const RFC3339_DATE_TIME_PATTERN = DATE_TIME.source;

/**
 * Epoch milliseconds of a strict date-time, or undefined when the text is not one or names an instant that does
 * not exist (2026-02-30, 24:00, an offset of +25:00). Every field must survive the round trip through a calendar
 * date unchanged, which is what `Date.parse` does not check ("2026-02-30" is March 2nd to it; "0" is the year 2000).
 */
export function parseRfc3339DateTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const local = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps the years 0-99 to 1900-1999.
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, 0);
  if (local.getUTCFullYear() !== year || local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day) return undefined;
  let offsetMinutes = 0;
  if (m[7] !== undefined) {
    const offsetHours = Number(m[8]);
    const offsetMins = Number(m[9]);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (m[7] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const fraction = /\.(\d+)/.exec(text);
  const millis = fraction ? Number(fraction[1]!.slice(0, 3).padEnd(3, '0')) : 0;
  return local.getTime() + millis - offsetMinutes * 60_000;
}

export function isRfc3339DateTime(value: unknown): value is string {
  return typeof value === 'string' && parseRfc3339DateTime(value) !== undefined;
}
