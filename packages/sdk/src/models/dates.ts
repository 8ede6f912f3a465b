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

function toDate(value: string): Date | string {
  if (!ISO.test(value)) return value;
  // A timestamp without an offset is UTC on the wire (the server writes naive UTC).
  const d = new Date(
    /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) || value.length <= 10 ? value : `${value}Z`,
  );
  return Number.isNaN(d.getTime()) ? value : d;
}

/** Copy of `value` with date fields converted (deep; free-form fields left alone). */
export function parseDates<T>(value: T): WithDates<T> {
  return convert(value) as WithDates<T>;
}

function convert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convert);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (OPAQUE_SET.has(k)) out[k] = v;
    else if (DATE_SET.has(k) && typeof v === 'string') out[k] = toDate(v);
    else out[k] = convert(v);
  }
  return out;
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
