import type { Context } from 'hono';
import type { AppEnv, CurrentUser } from '../../app/context.js';
import { anonymousReader, requireUser, visibleSql } from '../../app/access.js';
import { notFound } from '../../app/errors.js';
import { loadContainer } from '../../app/containers.js';
import type { OpHandler, RouteTable } from '../../app/operations.js';
import { replyUntyped } from '../../app/json.js';
import {
  newPresentMemo,
  prefetchPage,
  presentColumns,
  presentRow,
  type PresentableRow,
} from '../../app/present.js';
import { pageBody, runFinder } from '../../app/finder.js';
import { now } from '../../app/time.js';
import { applyJoins } from './joins.js';
import {
  containerColumns,
  getRow,
  parseDoc,
  PLURAL,
  saveContainer,
  type ContainerRow,
  type CType,
} from '../../db/containers.js';

/** The container word of an operationId: `get_${OpType}_tag`; `container` is `/containers/{id}`. */
export type OpType = CType | 'container';
export const OP_TYPES: readonly OpType[] = [
  'group',
  'project',
  'subject',
  'session',
  'acquisition',
  'collection',
  'analysis',
  'container',
];
/** Types whose operations include the analyses below them (`get_${t}_analysis`, …). */
export const ANALYSIS_PARENTS: readonly OpType[] = [
  'project',
  'subject',
  'session',
  'acquisition',
  'container',
];
/** Types holding files of their own (`upload_file_to_${t}`, …). */
export const FILE_PARENTS: readonly OpType[] = [...ANALYSIS_PARENTS, 'collection'];
export const WITH_PERMISSIONS: readonly CType[] = ['group', 'project', 'collection'];

export const pluralOf = (t: OpType): string => (t === 'container' ? 'containers' : PLURAL[t]);
/**
 * The caller; a request without credentials that got past authentication is a read of a
 * container path, made by the anonymous reader (public data only).
 */
export const me = (c: Context<AppEnv>): CurrentUser =>
  c.get('user') ??
  (c.req.method === 'GET' || c.req.method === 'HEAD' ? anonymousReader() : requireUser(null));

/**
 * A family handler: the container the path names, then the remaining path parameters in
 * template order (tag value, note id, file name, …).
 */
export type RowHandler = (
  c: Context<AppEnv>,
  row: ContainerRow,
  args: string[],
) => Response | Promise<Response>;

/** `/{type}s/{id}/…`: load the container (404 if missing), then run `h`. */
export const direct =
  (t: OpType, h: RowHandler): OpHandler =>
  (c, [id = '', ...rest]) =>
    h(c, loadContainer(c.get('state').db, t, id), rest);

/** `/{type}s/{id}/analyses/{aid}/…`: the analysis, which must sit directly on that container. */
export const nested =
  (t: OpType, h: RowHandler): OpHandler =>
  (c, [id = '', aid = '', ...rest]) =>
    h(c, loadNested(c, t, id, aid), rest);

export function loadNested(c: Context<AppEnv>, t: OpType, id: string, aid: string): ContainerRow {
  const db = c.get('state').db;
  const parent = loadContainer(db, t, id);
  me(c);
  const analysis = loadContainer(db, 'analysis', aid);
  if (analysis.parent_id !== parent.id)
    throw notFound(`analysis ${aid} not found in ${parent.type} ${parent.id}`);
  return analysis;
}

/**
 * How a list is scoped to the caller: `top` (a top-level list: site admins see only what they
 * have permissions on unless `exhaustive=true`/`root=true`), `children` (a list below a container
 * the caller has read: site admins see every child), or `as` another user (their view).
 */
export type ListScope = 'top' | 'children' | { as: CurrentUser };

export const exhaustiveQuery = (c: Context<AppEnv>): boolean =>
  ['true', '1'].includes(c.req.query('exhaustive') ?? c.req.query('root') ?? '');

/** The row-level visibility condition for `scope` on containers alias `a`. */
export function listVisibility(
  c: Context<AppEnv>,
  scope: ListScope,
  a = 'c',
): { sql: string; params: string[] } {
  if (typeof scope === 'object') return visibleSql(scope.as, false, a);
  const user = me(c);
  return visibleSql(user, scope === 'children' ? user.isAdmin : exhaustiveQuery(c), a);
}

/**
 * Finder list of containers (`filter`, `sort`, pagination) under extra WHERE clauses. Every
 * container list goes through here, and here the row-level visibility is always applied: a
 * list never shows a row the caller could not read directly.
 */
export function listRows(
  c: Context<AppEnv>,
  where: { sql: string; params: unknown[] }[],
  scope: ListScope = 'children',
): Response {
  const db = c.get('state').db;
  const { rows, total } = runFinder<PresentableRow>(c, {
    from: 'containers c',
    where: [...where, listVisibility(c, scope, 'c')],
    target: { docColumn: 'c.doc', columns: containerColumns('c'), infoValues: 'c.id' },
    select: presentColumns('c'),
    total: 'paged', // only pageBody answers it
  });
  const memo = newPresentMemo(); // the page's rows share their parents' lookups
  prefetchPage(db, rows, memo);
  const items = rows.map((r) => presentRow(db, r, { list: true, memo }));
  applyJoins(c, rows, items);
  return replyUntyped(c, pageBody(c, items, total));
}

/** Load the latest doc, apply `fn`, bump `modified`, save; answer `{[key]: 1}`. */
export function mutate(
  c: Context<AppEnv>,
  row: ContainerRow,
  fn: (doc: Record<string, any>) => void,
  key: 'modified' | 'deleted' = 'modified',
): Response {
  mutateDoc(c, row, fn);
  return replyUntyped(c, { [key]: 1 });
}

export function mutateDoc(
  c: Context<AppEnv>,
  row: ContainerRow,
  fn: (doc: Record<string, any>) => void,
): void {
  const db = c.get('state').db;
  db.transaction(() => {
    const fresh = getRow(db, row.id)!;
    const doc = parseDoc(fresh);
    fn(doc);
    doc.modified = now();
    saveContainer(db, fresh, doc);
  })();
}

export function touchRow(c: Context<AppEnv>, id: string): void {
  const db = c.get('state').db;
  const r = getRow(db, id);
  if (!r) return;
  const d = parseDoc(r);
  d.modified = now();
  saveContainer(db, r, d);
}

/**
 * Register `h` for spec operation `id`, or, when the spec lacks it, as the undocumented route
 * `method path` the server has always answered (it becomes the operation once the spec has it).
 */
export function onOrExtra(
  routes: RouteTable,
  id: string,
  method: string,
  path: string,
  h: OpHandler,
): void {
  if (routes.has(id)) routes.on(id, h);
  else routes.extra(method, path, h);
}
