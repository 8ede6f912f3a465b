import type { Context } from 'hono';
import { parseListQuery, type DocTarget } from '../query/index.js';
import type { AppEnv } from './context.js';
import { keepStatisticsCurrent } from '../db/open.js';

export interface ListSource {
  /** `FROM …` clause including the alias used in `target`. */
  from: string;
  /** Extra WHERE conditions (already permission-scoped), joined with AND. */
  where: { sql: string; params: unknown[] }[];
  target: DocTarget;
  /** Column list to select. */
  select?: string;
  /**
   * Special filter words the list accepts besides `field<op>value` terms (as a site does, e.g.
   * `filter=single_input` on gears): each word present becomes its SQL condition.
   */
  words?: Record<string, { sql: string; params: unknown[] }>;
  /**
   * When the caller uses the total: `always` (the default: it answers it in every body) or
   * `paged` (only inside a `pagination` page, see `pageBody`), so other requests skip the count.
   */
  total?: 'always' | 'paged';
}

/** The query with the list's special filter words taken out of `filter`, and their conditions. */
function takeWords(
  q: URLSearchParams,
  words: ListSource['words'],
): { q: URLSearchParams; where: { sql: string; params: unknown[] }[] } {
  const filters = q.getAll('filter');
  if (!words || filters.length !== 1) return { q, where: [] };
  const terms = filters[0]!.split(',');
  const special = terms.filter((t) => Object.hasOwn(words, t.trim()));
  if (special.length === 0) return { q, where: [] };
  const out = new URLSearchParams(q);
  const rest = terms.filter((t) => !special.includes(t));
  if (rest.length > 0) out.set('filter', rest.join(','));
  else out.delete('filter');
  return { q: out, where: special.map((t) => words[t.trim()]!) };
}

export function wantsPagination(c: Context<AppEnv>): boolean {
  return (c.req.header('x-accept-feature') ?? '').toLowerCase().includes('pagination');
}

export function hasFeature(c: Context<AppEnv>, feature: string): boolean {
  return (c.req.header('x-accept-feature') ?? '').toLowerCase().includes(feature.toLowerCase());
}

/** All query parameters with repetition preserved (so duplicates can be rejected). */
export function queryParams(c: Context<AppEnv>): URLSearchParams {
  return new URL(c.req.url).searchParams;
}

/**
 * Run a finder query (filter/sort/limit/skip/page/after_id) and return the rows plus the total
 * matching count ignoring paging. The count is a second query over every match (with `after_id`,
 * over every match still ahead), so it runs only when the caller uses it and the page does not
 * already tell it: a page shorter than its limit ends the matches, so the total is known.
 * Without a count, `total` is the number of rows.
 */
export function runFinder<R>(c: Context<AppEnv>, src: ListSource): { rows: R[]; total: number } {
  const db = c.get('state').db;
  keepStatisticsCurrent(db);
  const { q, where } = takeWords(queryParams(c), src.words);
  const plan = parseListQuery(q, src.target);
  const extra = [...src.where, ...where];
  const conds = [...extra.map((w) => w.sql), plan.where.sql].join(' AND ') || '1';
  const baseParams = [...extra.flatMap((w) => w.params), ...plan.where.params];
  const rows = db
    .prepare(
      `SELECT ${src.select ?? '*'} FROM ${src.from} WHERE ${conds} ORDER BY ${plan.orderBy.sql} ${plan.limitClause.sql}`,
    )
    .all(...baseParams, ...plan.orderBy.params, ...plan.limitClause.params) as R[];
  const paged = plan.limit !== null || plan.offset > 0;
  const wanted = src.total === 'paged' ? wantsPagination(c) : paged || wantsPagination(c);
  if (!wanted) return { rows, total: rows.length };
  // the rows reach the end of the matches: nothing ahead to count
  const atEnd =
    (plan.limit === null || rows.length < plan.limit) && (rows.length > 0 || plan.offset === 0);
  if (atEnd) return { rows, total: plan.offset + rows.length };
  const row = db
    .prepare(`SELECT count(*) AS n FROM ${src.from} WHERE ${conds}`)
    .get(...baseParams) as {
    n: number;
  };
  return { rows, total: row.n };
}

/** A bare array, or `{results, total, count}` when the client asked for `pagination`. */
export function pageBody<T>(
  c: Context<AppEnv>,
  items: T[],
  total: number,
): T[] | { results: T[]; total: number; count: number } {
  return wantsPagination(c) ? { results: items, total, count: items.length } : items;
}
