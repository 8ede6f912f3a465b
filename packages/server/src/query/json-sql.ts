/**
 * SQL predicate builders over a JSON document column (or a real column), shared by the finder
 * filter compiler and the structured-search compiler.
 *
 * Semantics mimic the Mongo queries the reference server ran:
 * - comparisons are type-strict (a number never matches a string; `<`/`>` only compare values
 *   of the literal's type), which SQLite alone would not do (it orders all numbers below text);
 * - a positive predicate on an array-valued path matches when ANY element matches;
 * - `!=` is the null-safe negation of `=` (a missing field is "not equal").
 * JSON paths are embedded as SQL string literals (validated + quote-escaped) rather than bound,
 * so each predicate's params are only the user's values, in textual order.
 */
import { QueryError } from './errors.js';

export type SqlParam = string | number | null;
export interface SqlFragment {
  sql: string;
  params: SqlParam[];
}

/** Where a document lives and which field paths have real (indexed) columns. */
export interface DocTarget {
  /** The JSON document column, preferably alias-qualified (`s.doc`). */
  docColumn: string;
  /** Field path (after alias rewriting) → SQL column expression, e.g. `{ label: 's.label' }`. */
  columns?: Record<string, string>;
  /**
   * The container id expression (`c.id`) when the rows are containers, whose `info` leaves the
   * `info_values` table indexes (migration 6): `info.x.y=V` then looks the value up there.
   */
  infoValues?: string;
}

export type Literal =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  /** `value` is already in the stored timestamp format (see timestamp.ts). */
  | { type: 'date'; value: string };

export type FieldRef =
  | { kind: 'column'; sql: string }
  | {
      kind: 'json';
      doc: string;
      path: string /* SQL string literal of the JSON path */;
      /** Set when `info_values` holds this path's leaves: the id expression and its key. */
      leaf?: { id: string; key: string };
    };

/** Keys json_tree writes unquoted (`$.info.a1`), so a filter path can be spelled the same. */
const PLAIN_KEY = /^[A-Za-z][A-Za-z0-9]*$/;

export type CompareOp = '=' | '<' | '<=' | '>' | '>=';

/** An operand: a value expression plus an expression giving its JSON type (null for columns). */
interface Operand {
  value: string;
  type: string | null;
}

/**
 * Resolve a dotted field path to a column or a JSON path. Segments may hold any character but
 * `"` and control characters (SQLite JSON paths cannot escape those); `'` is SQL-escaped.
 */
export function resolveField(field: string, target: DocTarget): FieldRef {
  const column = target.columns?.[field];
  if (column) return { kind: 'column', sql: column };
  const segments = field.split('.');
  for (const seg of segments) {
    // eslint-disable-next-line no-control-regex
    if (seg === '' || /["\u0000-\u001f]/.test(seg))
      throw new QueryError(`invalid field name "${field}"`, 400, field);
  }
  const path = '$' + segments.map((s) => `."${s}"`).join('');
  const ref: FieldRef = {
    kind: 'json',
    doc: target.docColumn,
    path: `'${path.replace(/'/g, "''")}'`,
  };
  if (
    target.infoValues &&
    segments.length >= 2 &&
    segments[0] === 'info' &&
    segments.every((s) => PLAIN_KEY.test(s))
  )
    ref.leaf = { id: target.infoValues, key: '$.' + segments.join('.') };
  return ref;
}

function scalar(ref: FieldRef): Operand {
  return ref.kind === 'column'
    ? { value: ref.sql, type: null }
    : {
        value: `json_extract(${ref.doc}, ${ref.path})`,
        type: `json_type(${ref.doc}, ${ref.path})`,
      };
}

/** Apply `pred` to the value and, when the path holds an array, to each element (any-match). */
function anyMatch(ref: FieldRef, pred: (o: Operand) => SqlFragment): SqlFragment {
  const top = pred(scalar(ref));
  if (ref.kind === 'column') return top;
  const el = pred({ value: 'je.value', type: 'je.type' });
  return {
    sql:
      `(${top.sql} OR (json_type(${ref.doc}, ${ref.path}) = 'array' AND EXISTS ` +
      `(SELECT 1 FROM json_each(${ref.doc}, ${ref.path}) AS je WHERE ${el.sql})))`,
    params: [...top.params, ...el.params],
  };
}

/** Type guard so that comparisons only see values of the literal's type. */
function typeGuard(lit: Literal, o: Operand): string {
  const t = o.type ?? `typeof(${o.value})`;
  switch (lit.type) {
    case 'string':
    case 'date':
      return `${t} = 'text'`;
    case 'number':
      return `${t} IN ('integer', 'real')`;
    case 'boolean':
      // JSON booleans extract as 1/0; real columns store them as integers.
      return o.type ? `${t} IN ('true', 'false')` : `${t} = 'integer'`;
    case 'null':
      return '0';
  }
}

function bindable(lit: Literal): SqlParam {
  switch (lit.type) {
    case 'boolean':
      return lit.value ? 1 : 0;
    case 'null':
      return null;
    default:
      return lit.value;
  }
}

export function isNullSql(ref: FieldRef): SqlFragment {
  return { sql: `${scalar(ref).value} IS NULL`, params: [] };
}

/** The field is present with a non-null value. */
export function existsSql(ref: FieldRef): SqlFragment {
  return { sql: `${scalar(ref).value} IS NOT NULL`, params: [] };
}

/** Null-safe logical NOT: a NULL (unknown) predicate counts as false before negation. */
export function notSql(f: SqlFragment): SqlFragment {
  return { sql: `NOT IFNULL(${f.sql}, 0)`, params: f.params };
}

export function compareSql(ref: FieldRef, op: CompareOp, lit: Literal): SqlFragment {
  if (lit.type === 'null') {
    // Mongo: {$eq|$lte|$gte: null} match missing/null; {$lt|$gt: null} match nothing.
    return op === '<' || op === '>' ? { sql: '0', params: [] } : isNullSql(ref);
  }
  if (op === '=' && ref.kind === 'json' && ref.leaf) return leafEqualsSql(ref.leaf, lit);
  return anyMatch(ref, (o) => ({
    sql: `(${typeGuard(lit, o)} AND ${o.value} ${op} ?)`,
    params: [bindable(lit)],
  }));
}

/**
 * Equality through the `info_values` index: the same matches as the JSON-path form (the value,
 * or any element of an array there, of the literal's JSON type), without reading documents.
 */
function leafEqualsSql(leaf: { id: string; key: string }, lit: Literal): SqlFragment {
  const types =
    lit.type === 'number'
      ? `'integer', 'real'`
      : lit.type === 'boolean'
        ? `'true', 'false'`
        : `'text'`; // strings and dates
  return {
    sql:
      `${leaf.id} IN (SELECT container_id FROM info_values WHERE path = '${leaf.key}' ` +
      `AND value = ? AND type IN (${types}))`,
    params: [bindable(lit)],
  };
}

/** `regexp(pattern, value)` is registered by registerSqlFunctions; non-text never matches. */
export function regexSql(ref: FieldRef, pattern: string): SqlFragment {
  return anyMatch(ref, (o) => ({
    sql: `(${typeGuard({ type: 'string', value: '' }, o)} AND regexp(?, ${o.value}))`,
    params: [pattern],
  }));
}

/** Case-insensitive (ASCII) SQL LIKE with `\` as the escape character. */
export function likeSql(ref: FieldRef, sqlLikePattern: string): SqlFragment {
  return anyMatch(ref, (o) => ({
    sql: `(${typeGuard({ type: 'string', value: '' }, o)} AND ${o.value} LIKE ? ESCAPE '\\')`,
    params: [sqlLikePattern],
  }));
}

export function orSql(parts: SqlFragment[]): SqlFragment {
  if (parts.length === 0) return { sql: '0', params: [] };
  return {
    sql: `(${parts.map((p) => p.sql).join(' OR ')})`,
    params: parts.flatMap((p) => p.params),
  };
}

export function andSql(parts: SqlFragment[]): SqlFragment {
  if (parts.length === 0) return { sql: '1', params: [] };
  return {
    sql: `(${parts.map((p) => p.sql).join(' AND ')})`,
    params: parts.flatMap((p) => p.params),
  };
}

/** SQL expression for a field used as a sort key. */
export function valueExpr(ref: FieldRef): string {
  return scalar(ref).value;
}
