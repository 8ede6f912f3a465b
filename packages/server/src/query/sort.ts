/**
 * Finder `sort`: comma-separated `field[:asc|desc|1|-1]`, default ascending. Level aliases
 * (`project`) are rewritten to `parents.<level>` as in filters.
 */
import { QueryError } from './errors.js';
import { rewriteAlias } from './filter.js';
import { resolveField, valueExpr, type DocTarget, type SqlFragment } from './json-sql.js';

export interface SortKey {
  field: string;
  direction: 'ASC' | 'DESC';
}

const DIRECTIONS: Record<string, 'ASC' | 'DESC'> = {
  asc: 'ASC',
  '1': 'ASC',
  desc: 'DESC',
  '-1': 'DESC',
};

export function parseSort(sort: string): SortKey[] {
  if (sort.trim() === '') return [];
  return sort.split(',').map((raw) => {
    const token = raw.trim();
    const colon = token.lastIndexOf(':');
    const field = (colon < 0 ? token : token.slice(0, colon)).trim();
    const dir =
      colon < 0
        ? 'asc'
        : token
            .slice(colon + 1)
            .trim()
            .toLowerCase();
    const direction = DIRECTIONS[dir];
    if (!field || !direction) throw new QueryError(`invalid sort "${token}"`, 400, token);
    return { field: rewriteAlias(field), direction };
  });
}

/** SQL expression of the `_id` (real column when mapped); also used for after_id. */
export function idExpr(target: DocTarget): string {
  return valueExpr(resolveField('_id', target));
}

/**
 * ORDER BY list; always ends with `_id` ascending so that equal keys page deterministically.
 * SQLite orders NULL < numbers < text, like Mongo's null < numbers < strings.
 */
export function compileSort(keys: SortKey[], target: DocTarget): SqlFragment {
  const parts = keys.map((k) => {
    let ref;
    try {
      ref = resolveField(k.field, target);
    } catch {
      throw new QueryError(`invalid sort field "${k.field}"`, 400, k.field);
    }
    return `${valueExpr(ref)} ${k.direction}`;
  });
  if (!keys.some((k) => k.field === '_id')) parts.push(`${idExpr(target)} ASC`);
  return { sql: parts.join(', '), params: [] };
}
