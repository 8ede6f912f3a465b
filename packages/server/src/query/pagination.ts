/**
 * Validate the finder list parameters (`filter`, `sort`, `limit`, `skip`, `page`, `after_id`)
 * into one typed plan. Rules from api-surface §5.3: each parameter at most once; `limit`,
 * `page` positive integers, `skip` non-negative; `page` is 1-based, needs `limit`, excludes `skip`;
 * `after_id` excludes `sort`/`skip`/`page`, forces `_id` ascending, empty = from the start.
 * Those violations answer 422, and so does a malformed filter or sort (as v21 answers: the
 * message names the parameter and quotes the bad token).
 */
import { QueryError } from './errors.js';
import { compileFilter, parseFilter } from './filter.js';
import { andSql, type DocTarget, type SqlFragment } from './json-sql.js';
import { compileSort, idExpr, parseSort } from './sort.js';

export interface ListPlan {
  /** Filter + after_id condition; `1` when empty, so `... AND ${where.sql}` is always valid. */
  where: SqlFragment;
  /** Non-empty ORDER BY list (without the keywords), ending with the `_id` tiebreak. */
  orderBy: SqlFragment;
  /** `''` or `LIMIT ? OFFSET ?` (LIMIT -1 when only skip is given). */
  limitClause: SqlFragment;
  limit: number | null;
  offset: number;
  afterId: string | null;
}

export type ListQueryInput = URLSearchParams | Record<string, string | string[] | undefined>;

const PARAMS = ['filter', 'sort', 'limit', 'skip', 'page', 'after_id'] as const;
type Param = (typeof PARAMS)[number];

function readParams(input: ListQueryInput): Partial<Record<Param, string>> {
  const out: Partial<Record<Param, string>> = {};
  for (const name of PARAMS) {
    const values =
      input instanceof URLSearchParams
        ? input.getAll(name)
        : ([] as string[]).concat(input[name] ?? []);
    if (values.length > 1)
      throw new QueryError(`parameter "${name}" given more than once`, 422, name);
    if (values.length === 1) out[name] = values[0];
  }
  return out;
}

function positiveInt(name: Param, value: string | undefined, min = 1): number | null {
  if (value === undefined) return null;
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value)))
    throw new QueryError(
      `parameter "${name}" must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got "${value}"`,
      422,
      value,
    );
  return Number(value);
}

export function parseListQuery(input: ListQueryInput, target: DocTarget): ListPlan {
  const p = readParams(input);
  const limit = positiveInt('limit', p.limit);
  const skip = positiveInt('skip', p.skip, 0); // skip=0 is the first page, as a site takes it
  const page = positiveInt('page', p.page);
  const afterId = p.after_id ?? null;

  if (page !== null && limit === null) throw new QueryError('"page" requires "limit"', 422, 'page');
  if (page !== null && skip !== null)
    throw new QueryError('"page" cannot be combined with "skip"', 422, 'page');
  if (afterId !== null) {
    const clash = (['sort', 'skip', 'page'] as const).find((k) => p[k] !== undefined);
    if (clash) throw new QueryError(`"after_id" cannot be combined with "${clash}"`, 422, clash);
  }

  const conditions = [asParam('filter', () => compileFilter(parseFilter(p.filter ?? ''), target))];
  if (afterId) conditions.push({ sql: `${idExpr(target)} > ?`, params: [afterId] });
  const where = conditions.length === 1 ? conditions[0]! : andSql(conditions);

  const orderBy = asParam('sort', () =>
    compileSort(afterId !== null ? [] : parseSort(p.sort ?? ''), target),
  );
  const offset = page !== null ? (page - 1) * limit! : (skip ?? 0);
  const limitClause: SqlFragment =
    limit === null && offset === 0
      ? { sql: '', params: [] }
      : { sql: 'LIMIT ? OFFSET ?', params: [limit ?? -1, offset] };
  return { where, orderBy, limitClause, limit, offset, afterId };
}

/** A malformed `filter`/`sort` as the finders answer it: 422 naming the parameter. */
function asParam<T>(name: 'filter' | 'sort', parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if ((err as { status?: unknown } | null)?.status !== 400) throw err;
    const e = err as Error & { token?: string };
    throw new QueryError(`parameter "${name}" is malformed: ${e.message}`, 422, e.token);
  }
}
