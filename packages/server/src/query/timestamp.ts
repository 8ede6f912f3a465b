/**
 * The one stored datetime format. Filters and search compare datetimes as TEXT, which is only
 * correct when every stored value has the same fixed-width UTC shape; we use the wire format
 * (`2019-06-01T12:00:00.123000+00:00`) so docs can be returned without conversion.
 */
export const STORED_TIMESTAMP_EXAMPLE = '2019-06-01T12:00:00.123000+00:00';

/** Normalise a Date, epoch millis or parseable date string to the stored UTC format. */
export function toStoredTimestamp(value: Date | string | number): string {
  const date = value instanceof Date ? value : new Date(value);
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`invalid date: ${String(value)}`);
  // toISOString gives millisecond precision; pad to microseconds and spell UTC as +00:00.
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/**
 * Recognise the finder's date literals (`YYYY-MM-DD`, `YYYY-MM-DDTHH:mm:ss`, read as UTC).
 * Returns the stored form, `undefined` when the text is not date-shaped, or `null` when it is
 * date-shaped but not a real calendar date (e.g. `2019-02-30`), which callers reject.
 */
export function parseDateLiteral(text: string): string | null | undefined {
  const m = DATE_RE.exec(text) ?? DATETIME_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1).map((x) => x ?? '0');
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s);
  const back = new Date(ms);
  // Date.UTC silently rolls over (Feb 30 → Mar 2); round-tripping the fields catches that.
  if (
    back.getUTCFullYear() !== +y! ||
    back.getUTCMonth() !== +mo! - 1 ||
    back.getUTCDate() !== +d! ||
    back.getUTCHours() !== +h ||
    back.getUTCMinutes() !== +mi ||
    back.getUTCSeconds() !== +s
  )
    return null;
  return toStoredTimestamp(back);
}
