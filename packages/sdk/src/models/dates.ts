/**
 * Date handling for SDK objects: the wire sends ISO-8601 strings; SDK objects expose `Date`s
 * for the well-known timestamp fields, at any depth except inside free-form data
 * (`info`, `classification`, `config`), which is kept exactly as sent.
 */

/** Field names whose ISO-8601 string values become `Date` objects. */
export const DATE_FIELDS = [
  'created',
  'modified',
  'timestamp',
  'replaced',
  'last_seen',
  'last_used',
  'firstlogin',
  'lastlogin',
] as const;
export type DateField = (typeof DATE_FIELDS)[number];

/** Free-form fields copied without conversion. */
export const OPAQUE_FIELDS = ['info', 'classification', 'config'] as const;
export type OpaqueField = (typeof OPAQUE_FIELDS)[number];

const DATE_SET: ReadonlySet<string> = new Set(DATE_FIELDS);
const OPAQUE_SET: ReadonlySet<string> = new Set(OPAQUE_FIELDS);
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

type DateOf<V> = [V] extends [string]
  ? Date
  : [Extract<V, string>] extends [never]
    ? V
    : Exclude<V, string> | Date;

/** The wire type `T` with its date fields typed as `Date` (recursively). */
export type WithDates<T> = T extends readonly (infer U)[]
  ? WithDates<U>[]
  : T extends Date
    ? T
    : T extends object
      ? {
          [K in keyof T]: K extends DateField
            ? DateOf<T[K]>
            : K extends OpaqueField
              ? T[K]
              : WithDates<T[K]>;
        }
      : T;

/** Whether an ISO string that passed `ISO` carries its own offset (`Z`, `±HH:MM`, `±HHMM`). */
function hasOffset(value: string): boolean {
  const n = value.length;
  const last = value.charCodeAt(n - 1);
  if (last === 90 || last === 122) return true; // Z z
  // In a date-time (16+ characters) these positions are past the date's own dashes.
  const a = value.charCodeAt(n - 6);
  const b = value.charCodeAt(n - 5);
  return a === 43 || a === 45 || b === 43 || b === 45; // + -
}

/** The digit at `i` (0–9), or -1 for any other character. */
function digit(value: string, i: number): number {
  const c = value.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function two(value: string, i: number): number {
  const a = digit(value, i);
  const b = digit(value, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * The time of the common full form `YYYY-MM-DDTHH:MM:SS[.fff…][Z|±HH:MM|±HHMM]` (no offset:
 * UTC), read digit by digit: several times cheaper than `new Date(string)`, which is most of a
 * list item's date cost. `undefined` for any other form and for any field out of range, which
 * then takes the general path, so what is accepted here is exactly what `new Date` gives.
 */
function fastTime(value: string): number | undefined {
  const n = value.length;
  if (n < 19 || value.charCodeAt(10) !== 84 /* T */) return undefined;
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return undefined;
  if (value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return undefined;
  const yHi = two(value, 0);
  const yLo = two(value, 2);
  const y = yHi * 100 + yLo;
  const mo = two(value, 5);
  const d = two(value, 8);
  const h = two(value, 11);
  const mi = two(value, 14);
  const sec = two(value, 17);
  // Years below 1000 (and the 0–99 that Date.UTC maps to 19xx) take the general path.
  if (yHi < 10 || yLo < 0 || mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return undefined;
  let i = 19;
  let ms = 0;
  if (i < n && value.charCodeAt(i) === 46 /* . */) {
    i++;
    const start = i;
    while (i < n && digit(value, i) >= 0) {
      // Milliseconds are the first three digits; further ones are dropped, as `new Date` does.
      if (i - start < 3) ms += digit(value, i) * (i - start === 0 ? 100 : i - start === 1 ? 10 : 1);
      i++;
    }
    if (i === start) return undefined;
  }
  let offset = 0;
  if (i < n) {
    const c = value.charCodeAt(i);
    if (c === 90 /* Z */) {
      if (i + 1 !== n) return undefined;
    } else if (c === 43 || c === 45) {
      const colon = n - i === 6 && value.charCodeAt(i + 3) === 58;
      if (!colon && n - i !== 5) return undefined;
      const oh = two(value, i + 1);
      const om = two(value, colon ? i + 4 : i + 3);
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
      offset = (c === 43 ? 1 : -1) * (oh * 60 + om) * 60_000;
    } else return undefined;
  }
  const t = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  // A day past the month's end (Feb 30) rolls over in Date.UTC: leave those to `new Date`.
  if (d > 28 && new Date(t).getUTCDate() !== d) return undefined;
  return t - offset;
}

/**
 * The last two strings `fastTime` read, with their times. The dates of one item often repeat
 * (`created`, `modified` and `timestamp` of a new session are one instant; a page's sessions
 * share subjects), so most of a list's dates are a string comparison instead of a parse.
 */
let textA = '';
let timeA = 0;
let textB = '';
let timeB = 0;

/** @internal An ISO-8601 string as a `Date`; anything else (or an invalid date) as it was. */
export function toDate(value: string): Date | string {
  if (value === textA) return new Date(timeA);
  if (value === textB) return new Date(timeB);
  const fast = fastTime(value);
  if (fast !== undefined) {
    textB = textA;
    timeB = timeA;
    textA = value;
    timeA = fast;
    return new Date(fast);
  }
  if (!ISO.test(value)) return value;
  // A timestamp without an offset is UTC on the wire (the server writes naive UTC).
  const d = new Date(value.length <= 10 || hasOffset(value) ? value : `${value}Z`);
  return Number.isNaN(d.getTime()) ? value : d;
}

/** @internal Date fields (`DATE_FIELDS`) and free-form fields (`OPAQUE_FIELDS`) by name. */
export { DATE_SET, OPAQUE_SET };

/** Copy of `value` with date fields converted (deep; free-form fields left alone). */
export function parseDates<T>(value: T): WithDates<T> {
  return convert(value) as WithDates<T>;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function convert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convert);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (!isPlain(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (OPAQUE_SET.has(k)) out[k] = v;
    else if (DATE_SET.has(k) && typeof v === 'string') out[k] = toDate(v);
    else out[k] = convert(v);
  }
  return out;
}

/**
 * @internal `parseDates` without the copying where nothing changes: an array or object none of
 * whose dates (at any depth) needs converting is returned as it is, so the model of a list item
 * copies only the nested values that hold dates. Used on wire values, which nothing else holds.
 */
export function convertShared(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const c = v === null || typeof v !== 'object' ? v : convertShared(v);
      if (c !== v && out === undefined) out = value.slice(0, i);
      if (out !== undefined) out.push(c);
    }
    return out ?? value;
  }
  if (value instanceof Date || !isPlain(value)) return value;
  const src = value as Record<string, unknown>;
  const keys = Object.keys(src);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = src[k];
    let c = v;
    if (typeof v === 'string') {
      if (DATE_SET.has(k)) c = toDate(v);
    } else if (v !== null && typeof v === 'object' && !OPAQUE_SET.has(k)) c = convertShared(v);
    if (c !== v && out === undefined) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = src[keys[j]!];
    }
    if (out !== undefined) out[k] = c;
  }
  return out ?? value;
}

/**
 * Dates back to ISO strings (for JSON bodies), recursively: `Date` → `toISOString()`, a Temporal
 * `ZonedDateTime` → its instant (`…Z`). The latter matters because `ZonedDateTime.toJSON()` appends
 * a `[Zone/Name]` annotation that is not an ISO-8601 date-time the API understands. Recognised by
 * tag rather than `instanceof` so values from another Temporal implementation work too.
 */
export function serializeDates(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Object.prototype.toString.call(value) === '[object Temporal.ZonedDateTime]') {
    return (value as { toInstant(): { toString(): string } }).toInstant().toString();
  }
  if (Array.isArray(value)) return value.map(serializeDates);
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return serializeDates((value as { toJSON(): unknown }).toJSON());
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = serializeDates(v);
  }
  return out;
}
