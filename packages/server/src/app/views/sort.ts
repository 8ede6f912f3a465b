/**
 * The `sort` query parameter of view executions (`col:asc,col2:desc`, output column names).
 * Ordering by arbitrary output columns needs every row first, so an explicit sort holds the
 * rows in memory (the view's own `sort` orders the container walk instead and streams).
 */
import { badRequest } from '../errors.js';
import type { Row } from './evaluate.js';

export interface RowSortKey {
  column: string;
  dir: 1 | -1;
}

export function parseRowSort(s: string | undefined): RowSortKey[] {
  if (!s) return [];
  return s.split(',').map((part) => {
    const m = /^\s*([^:]+?)\s*(?::\s*(asc|desc|1|-1))?\s*$/i.exec(part);
    if (!m) throw badRequest(`sort "${part}" is not "column[:asc|desc]"`);
    const d = (m[2] ?? 'asc').toLowerCase();
    return { column: m[1]!, dir: d === 'desc' || d === '-1' ? -1 : 1 };
  });
}

/** Nulls first, numbers before strings, strings case-insensitively (then exactly). */
function compare(a: unknown, b: unknown): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an && bn ? 0 : an ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa.localeCompare(sb, 'en', { sensitivity: 'base' }) || (sa < sb ? -1 : sa > sb ? 1 : 0);
}

export async function* sortRows(rows: AsyncIterable<Row>, keys: RowSortKey[]): AsyncGenerator<Row> {
  const all: Row[] = [];
  for await (const r of rows) all.push(r);
  all.sort((x, y) => {
    for (const k of keys) {
      const c = compare(x[k.column], y[k.column]) * k.dir;
      if (c !== 0) return c;
    }
    return 0;
  });
  yield* all;
}
