/**
 * The typed filter form: `find({ where: { label: 'x', created: { gt: date } } })`, rendered to
 * the same `field<op>value` string terms the string form takes.
 *
 * Why a render to strings: the server (and Flywheel) accept only the comma-separated AND of
 * `field<op>value` terms, so every operator here is spelled in that grammar: `in` as an anchored
 * alternation regex, `nin` as several `!=`, `exists` as `!=null`/`=null`. Field names are typed
 * from the finder's item model and checked at run time against the generated table of list-model
 * fields, so a typo fails before any request instead of silently matching nothing.
 */
import type { Schemas } from '../client/op-types.js';
import type { WithDates } from '../models/dates.js';
import { FINDER_FIELDS, FINDER_OPERATION_TYPES, type FieldKind } from '../generated/fields.js';
import { InvalidFilterError } from './filters.js';

/** A point in time: a `Date`, or a Temporal `Instant`/`ZonedDateTime` (anything with `epochMilliseconds`). */
export type Instant = Date | { readonly epochMilliseconds: number };

/** Conditions for an ordered value (numbers, dates). */
export interface Comparison<V> {
  /** Equal (the same as giving the value directly). `null` matches a missing or null field. */
  eq?: V | null;
  /** Not equal; also matches items without the field. `null`: the field is set. */
  ne?: V | null;
  gt?: V;
  gte?: V;
  lt?: V;
  lte?: V;
  /** Equal to none of these (one `!=` term each). */
  nin?: readonly V[];
  /** `true`: the field is set (not null); `false`: missing or null. */
  exists?: boolean;
}

/** Conditions for a string value: the comparisons plus `in` and `regex`. */
export interface StringComparison<V extends string = string> extends Comparison<V> {
  /** Equal to one of these (sent as one anchored regular expression, so strings only). */
  in?: readonly V[];
  /**
   * A regular expression (`=~`), unanchored; a `RegExp`'s `i`, `m` and `s` flags become
   * inline flags. The server uses RE2 syntax: no back-references or look-around.
   */
  regex?: string | RegExp;
}

/** Conditions for a field holding an object: only whether it is there. */
export interface ObjectCondition {
  exists?: boolean;
}

/** A scalar any sub-path may hold (`info.*`): strings, numbers, booleans, instants. */
export type Scalar = string | number | boolean | Instant;

declare const objectMarker: unique symbol;
/** Marks an object-valued field (type level only). */
interface ObjectValue {
  readonly [objectMarker]: true;
}

/** The value type a filter on a wire field compares with: array fields by their elements. */
type ValueOf<X> = [NonNullable<X>] extends [readonly (infer E)[]]
  ? ValueOf<E>
  : [NonNullable<X>] extends [Date]
    ? Instant | string
    : [NonNullable<X>] extends [string | number | boolean]
      ? NonNullable<X>
      : [NonNullable<X>] extends [object]
        ? ObjectValue
        : Scalar;

/** The condition a field accepts, from its value type. */
export type Condition<V> = [V] extends [ObjectValue]
  ? ObjectCondition
  : [V] extends [string]
    ? V | RegExp | null | StringComparison<V>
    : [V] extends [Instant | string]
      ? V | null | Comparison<Instant | string>
      : [V] extends [number | boolean]
        ? V | null | Comparison<V>
        : V | RegExp | null | (StringComparison & Comparison<Scalar>);

/** Keys that are not wire fields of an SDK object (its id getter, type tag, client, parent link). */
type NotWire = '_client' | 'id' | 'container_type' | 'parent';

/** Data keys of an item type: no methods, no finders, no index signatures. */
type DataKey<T> = {
  [K in keyof T]-?: K extends string
    ? string extends K
      ? never
      : K extends NotWire
        ? never
        : // \`Function\` (not a signature type): relating to it needs no look at parameter types,
          // which would recurse through every finder's item type.
          NonNullable<T[K]> extends Function
          ? never
          : K
    : never;
}[keyof T];

/** Data keys holding objects (or arrays of them): they take dotted sub-paths (`info.site`). */
type PathKey<T> = {
  [K in DataKey<T>]: [ValueOf<T[K]>] extends [ObjectValue] ? K : never;
}[DataKey<T>];

/** Container levels the server reads as `parents.<level>`. */
type ParentAlias = 'group' | 'project' | 'subject' | 'session' | 'acquisition';

/** The `where` form for items of type `T` (one entry per field; all AND-ed together). */
export type WhereOf<T> = {
  [K in DataKey<T>]?: Condition<ValueOf<T[K]>>;
} & {
  [K in `${PathKey<T>}.${string}`]?: Condition<Scalar>;
} & ('parents' extends DataKey<T>
    ? { [K in Exclude<ParentAlias, DataKey<T>>]?: Condition<string> }
    : {});

/**
 * The `where` form of a finder yielding `T`. Files (`fw.files`) list the `FileOutput` model,
 * which has more fields than the `FileEntry` objects show.
 */
export type Where<T> = T extends { readonly container_type: 'file' }
  ? WhereOf<WithDates<Schemas['FileOutput']>>
  : WhereOf<T>;

// ---- run time ------------------------------------------------------------------------------

const OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'regex', 'exists'] as const;
type Operator = (typeof OPERATORS)[number];
const WIRE_OP: Record<'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte', string> = {
  eq: '=',
  ne: '!=',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};
const PARENT_ALIASES = new Set(['group', 'project', 'subject', 'session', 'acquisition']);
const SUB_PATHS: ReadonlySet<FieldKind> = new Set(['object', 'array', 'any']);

/** Where the terms come from, for error messages and the field check. */
export interface WhereContext {
  /** `fw.projects`, `project.sessions`. */
  description: string;
  /** Container type whose fields the filter may name; no check when unknown. */
  containerType?: string | undefined;
}

function fail(ctx: WhereContext, message: string, term: string, field?: string): never {
  throw new InvalidFilterError(`${ctx.description}: ${message}`, term, term, {
    ...(field !== undefined ? { field } : {}),
    ...(ctx.containerType !== undefined ? { containerType: ctx.containerType } : {}),
  });
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The container type a list operation's items are (`get_project_sessions` → `session`). */
export function finderContainerType(operation: string): string | undefined {
  return FINDER_OPERATION_TYPES[operation];
}

/** The closest few names (edit distance), for "did you mean". */
export function nearest(name: string, names: readonly string[], count = 3): string[] {
  return names
    .map((n) => ({ n, d: distance(name.toLowerCase(), n.toLowerCase()) }))
    .sort((x, y) => x.d - y.d || (x.n < y.n ? -1 : 1))
    .slice(0, count)
    .map((x) => x.n);
}

/** The kind of a field (`undefined` for a sub-path or an unchecked finder); throws for unknown fields. */
function checkField(field: string, ctx: WhereContext): FieldKind | undefined {
  if (field.trim() !== field || field === '' || /[<>=!~,]/.test(field)) {
    fail(ctx, `invalid field name "${field}" in the where filter.`, field, field);
  }
  const table = ctx.containerType ? FINDER_FIELDS[ctx.containerType] : undefined;
  if (!table) return undefined;
  const [head, ...rest] = field.split('.') as [string, ...string[]];
  const kind = Object.hasOwn(table.fields, head) ? table.fields[head] : undefined;
  if (kind !== undefined && (rest.length === 0 || SUB_PATHS.has(kind))) {
    return rest.length === 0 ? kind : undefined;
  }
  if (rest.length === 0 && PARENT_ALIASES.has(head) && 'parents' in table.fields) return 'string';
  const names = Object.keys(table.fields);
  const why =
    kind !== undefined
      ? `"${head}" of a ${ctx.containerType} is a ${kind}, so it has no sub-field "${rest.join('.')}"`
      : `a ${ctx.containerType} has no field "${head}" (fields of ${table.model})`;
  return fail(
    ctx,
    `unknown field "${field}" in the where filter: ${why}. Nearest valid names: ${nearest(head, names).join(', ')}.`,
    field,
    field,
  );
}

function isInstant(v: unknown): v is Instant {
  return (
    v instanceof Date ||
    (v !== null &&
      typeof v === 'object' &&
      typeof (v as { epochMilliseconds?: unknown }).epochMilliseconds === 'number')
  );
}

/** `YYYY-MM-DDTHH:mm:ss` in UTC: the finest date literal the filter grammar reads (whole seconds). */
function renderInstant(v: Instant): string | undefined {
  const ms = v instanceof Date ? v.getTime() : v.epochMilliseconds;
  if (!Number.isFinite(ms)) return undefined;
  const iso = new Date(ms).toISOString(); // 2019-06-01T12:00:00.123Z
  return /^\d{4}-/.test(iso) ? iso.slice(0, 19) : undefined;
}

const DATE_LITERAL = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?$/;

/** Escape a string for use inside a regex; commas become `\x2c` (the term separator). */
function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&').replace(/,/g, '\\x2c');
}

/**
 * A regex for a `=~` term: inline flags from a RegExp, literal commas as `\x2c`. A `{m,n}`
 * quantifier has a comma that cannot be rewritten, so it is refused.
 */
function renderRegex(re: string | RegExp, ctx: WhereContext, field: string): string {
  let source = typeof re === 'string' ? re : re.source;
  if (typeof re !== 'string') {
    const flags = [...re.flags].filter((f) => 'ims'.includes(f)).join('');
    if (flags) source = `(?${flags})${source}`;
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1];
      out += next === ',' ? '\\x2c' : c + (next ?? '');
      i++;
    } else if (c === ',') {
      out += '\\x2c';
    } else {
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '{' && !inClass && /^\{\d*,\d*\}/.test(source.slice(i))) {
        fail(
          ctx,
          `the regular expression for "${field}" has a {m,n} quantifier; commas separate filter terms, so it cannot be sent (repeat the atom instead).`,
          field,
          field,
        );
      }
      out += c;
    }
  }
  // The server strips one pair of surrounding quotes from any value: keep a quoted pattern whole.
  return out.length >= 2 && out.startsWith('"') && out.endsWith('"') ? `(?:${out})` : out;
}

function render(
  v: unknown,
  kind: FieldKind | undefined,
  ctx: WhereContext,
  field: string,
): string | { regex: string } {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(ctx, `"${field}": ${v} is not a finite number.`, field, field);
    return String(v);
  }
  if (isInstant(v)) {
    const s = renderInstant(v);
    if (s === undefined) fail(ctx, `"${field}": invalid date.`, field, field);
    return s;
  }
  if (typeof v === 'string') {
    if (kind === 'date') {
      // A date field compares with date literals: pass one through, convert other ISO strings.
      if (DATE_LITERAL.test(v)) return v;
      const s = renderInstant(new Date(v));
      if (s === undefined) {
        fail(ctx, `"${field}" is a date; "${v}" is not a date or ISO-8601 time.`, field, field);
      }
      return s;
    }
    // A value with a comma would split the term: match it exactly with an anchored regex.
    if (v.includes(',')) return { regex: `^${escapeRegex(v)}$` };
    // Quoted, so the server keeps it a string (`"42"`, `"true"`, `"2019-01-01"` stay text).
    return `"${v}"`;
  }
  return fail(
    ctx,
    `"${field}": unsupported value ${Object.prototype.toString.call(v)} (use a string, number, boolean, Date, Temporal instant or null).`,
    field,
    field,
  );
}

function isCondition(v: unknown): v is Record<string, unknown> {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof RegExp) &&
    !isInstant(v)
  );
}

function termsFor(field: string, cond: unknown, ctx: WhereContext): string[] {
  const kind = checkField(field, ctx);
  if (cond instanceof RegExp) return [`${field}=~${renderRegex(cond, ctx, field)}`];
  if (Array.isArray(cond)) {
    fail(ctx, `"${field}": an array is not a value; use { in: [...] }.`, field, field);
  }
  if (!isCondition(cond)) cond = { eq: cond };
  const ops = Object.entries(cond as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (ops.length === 0) {
    fail(
      ctx,
      `"${field}" has no condition (operators: ${OPERATORS.join(', ')}); for a sub-field write "${field}.name" as the key.`,
      field,
      field,
    );
  }
  const terms: string[] = [];
  const compare = (op: string, v: unknown, name: Operator) => {
    const r = render(v, kind, ctx, field);
    if (typeof r === 'string') {
      if (r === 'null' && name !== 'eq' && name !== 'ne') {
        fail(ctx, `"${field}": ${name} needs a value, not null.`, field, field);
      }
      terms.push(`${field}${op}${r}`);
    } else if (name === 'eq') {
      terms.push(`${field}=~${r.regex}`);
    } else {
      fail(
        ctx,
        `"${field}": a value with a comma can only be matched with eq, in or regex (commas separate filter terms).`,
        field,
        field,
      );
    }
  };
  for (const [name, v] of ops) {
    switch (name as Operator) {
      case 'eq':
      case 'ne':
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        compare(WIRE_OP[name as keyof typeof WIRE_OP], v, name as Operator);
        break;
      case 'exists':
        if (typeof v !== 'boolean')
          fail(ctx, `"${field}": exists takes true or false.`, field, field);
        terms.push(`${field}${v ? '!=' : '='}null`);
        break;
      case 'regex':
        if (typeof v !== 'string' && !(v instanceof RegExp)) {
          fail(ctx, `"${field}": regex takes a string or a RegExp.`, field, field);
        }
        terms.push(`${field}=~${renderRegex(v, ctx, field)}`);
        break;
      case 'nin':
        if (!Array.isArray(v)) fail(ctx, `"${field}": nin takes an array.`, field, field);
        for (const x of v) compare('!=', x, 'ne');
        break;
      case 'in': {
        if (!Array.isArray(v)) fail(ctx, `"${field}": in takes an array.`, field, field);
        if (v.length === 0) {
          fail(
            ctx,
            `"${field}": in [] matches nothing; leave the condition out instead.`,
            field,
            field,
          );
        }
        if (v.length === 1) {
          compare('=', v[0], 'eq');
        } else if (v.every((x) => typeof x === 'string') && kind !== 'date') {
          terms.push(`${field}=~^(?:${v.map(escapeRegex).join('|')})$`);
        } else {
          fail(
            ctx,
            `"${field}": in with several values works for strings only (the filter grammar has no "or"; it is sent as a regular expression).`,
            field,
            field,
          );
        }
        break;
      }
      default:
        fail(
          ctx,
          `"${field}": unknown operator "${name}" (operators: ${OPERATORS.join(', ')}); for a sub-field write "${field}.${name}" as the key.`,
          field,
          field,
        );
    }
  }
  return terms;
}

/**
 * Render a `where` object to filter terms (`['label="x"', 'created>2019-01-01T00:00:00']`),
 * checking field names against the container type's list model. Throws `InvalidFilterError`.
 */
export function renderWhere(where: unknown, ctx: WhereContext): string[] {
  if (where === undefined) return [];
  if (!isCondition(where)) {
    throw new InvalidFilterError(
      `${ctx.description}: "where" must be an object of field conditions, got ${Object.prototype.toString.call(where)}.`,
      String(where),
      String(where),
    );
  }
  return Object.entries(where)
    .filter(([, v]) => v !== undefined)
    .flatMap(([field, cond]) => termsFor(field, cond, ctx));
}
