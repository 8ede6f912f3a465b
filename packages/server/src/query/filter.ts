/**
 * Finder `filter` grammar: comma-separated AND of `field<op>value` (api-surface §5.3,
 * python-sdk-behavior §3.3). Commas cannot appear inside values (the reference cannot either).
 */
import { QueryError } from './errors.js';
import {
  andSql,
  compareSql,
  notSql,
  regexSql,
  resolveField,
  type DocTarget,
  type Literal,
  type SqlFragment,
} from './json-sql.js';
import { compileRegex } from './regex.js';
import { parseDateLiteral } from './timestamp.js';

export type FilterOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '=~';

export interface FilterClause {
  field: string;
  op: FilterOp;
  value: Literal;
  /** The original `field<op>value` text, quoted in error messages. */
  token: string;
}

// Two-character operators first: at a given position the longest operator wins.
const OPS: FilterOp[] = ['<=', '>=', '!=', '=~', '<', '>', '='];

/** Container levels that are shorthand for `parents.<level>`. */
const PARENT_ALIASES = new Set(['group', 'project', 'subject', 'session', 'acquisition']);

/** `project` → `parents.project` (also used for sort keys). */
export function rewriteAlias(field: string): string {
  return PARENT_ALIASES.has(field) ? `parents.${field}` : field;
}

const NUMBER_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Type a filter value the way the reference server does; `=~` values stay strings. */
export function parseFilterValue(raw: string, op: FilterOp, token: string): Literal {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"'))
    return { type: 'string', value: raw.slice(1, -1) };
  if (op === '=~') return { type: 'string', value: raw };
  if (raw === 'null') return { type: 'null' };
  if (raw === 'true' || raw === 'false') return { type: 'boolean', value: raw === 'true' };
  const date = parseDateLiteral(raw);
  if (date === null) throw new QueryError(`invalid date in filter "${token}"`, 400, token);
  if (date !== undefined) return { type: 'date', value: date };
  if (NUMBER_RE.test(raw)) return { type: 'number', value: Number(raw) };
  return { type: 'string', value: raw };
}

function parseClause(token: string): FilterClause {
  for (let i = 0; i < token.length; i++) {
    const op = OPS.find((o) => token.startsWith(o, i));
    if (!op) continue;
    let field = token.slice(0, i).trim();
    // Values are not trimmed (a regex or label may start/end with a space); fields are.
    const raw = token.slice(i + op.length);
    if (!field) throw new QueryError(`filter "${token}" has no field name`, 400, token);
    field = rewriteAlias(field);
    const value = parseFilterValue(raw, op, token);
    if (op === '=~' && value.type === 'string') {
      try {
        compileRegex(value.value);
      } catch {
        throw new QueryError(`invalid regular expression in filter "${token}"`, 400, token);
      }
    }
    return { field, op, value, token };
  }
  throw new QueryError(`filter "${token}" has no operator`, 400, token);
}

/** Parse a whole `filter` parameter. Empty (or all-blank) means no conditions. */
export function parseFilter(filter: string): FilterClause[] {
  if (filter.trim() === '') return [];
  return filter.split(',').map((part) => {
    if (part.trim() === '')
      throw new QueryError(`empty condition in filter "${filter}"`, 400, filter);
    return parseClause(part.trimStart());
  });
}

export function compileClause(c: FilterClause, target: DocTarget): SqlFragment {
  let ref;
  try {
    ref = resolveField(c.field, target);
  } catch {
    throw new QueryError(`invalid field name in filter "${c.token}"`, 400, c.token);
  }
  switch (c.op) {
    case '=~':
      return regexSql(ref, c.value.type === 'string' ? c.value.value : '');
    case '!=':
      // Null-safe negation: `x!=5` also matches docs without x; `x!=null` means "x is set".
      return notSql(compareSql(ref, '=', c.value));
    default:
      return compareSql(ref, c.op, c.value);
  }
}

/** AND of all clauses; `1` when there are none. */
export function compileFilter(clauses: FilterClause[], target: DocTarget): SqlFragment {
  return andSql(clauses.map((c) => compileClause(c, target)));
}
