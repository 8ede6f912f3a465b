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

/** @internal An ISO-8601 string as a `Date`; anything else (or an invalid date) as it was. */
export function toDate(value: string): Date | string {
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
