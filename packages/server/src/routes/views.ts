/**
 * Data views: saved column specifications attached to a container, the site, or a user
 * (`parent`). Stored in the `site` key/value table under `view:<id>`. Evaluating a view
 * and executions are in `view-exec.ts`.
 */
import type { Context } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireAccess, requireUser } from '../app/access.js';
import { compileExpr } from '../app/views/expr.js';
import { badRequest, forbidden, notFound } from '../app/errors.js';
import { ok, readObject, replyUntyped } from '../app/json.js';
import { objectId } from '../app/ids.js';
import { isObj } from '../app/validate.js';
import { getRow, type Doc } from '../db/containers.js';
import type { Db } from '../db/open.js';

const FIELDS: Record<string, 'string' | 'boolean' | 'object' | 'columns'> = {
  label: 'string',
  description: 'string',
  columns: 'columns',
  fileSpec: 'object',
  filter: 'string',
  groupBy: 'object',
  includeIds: 'boolean',
  includeLabels: 'boolean',
  errorColumn: 'boolean',
  missingDataStrategy: 'string',
  sort: 'boolean',
};
const ACCUMULATORS = ['count', 'sum', 'mean', 'standard_deviation', 'minimum', 'maximum'];
const STRATEGIES = ['none', 'drop-row'];

const NAME_FILTER_KEYS = ['label', 'gear.name', 'gear.version'];

/** `fileSpec` parts the evaluator relies on: file-column exprs and the analysis filter. */
function checkFileSpec(spec: Doc): void {
  if (Array.isArray(spec.columns))
    for (const col of spec.columns)
      if (isObj(col) && typeof col.expr === 'string' && col.expr.trim() !== '')
        compileExpr(col.expr, String(col.dst ?? col.src));
  const af = spec.analysisFilter;
  if (af === undefined || af === null) return;
  if (!isObj(af)) throw badRequest('"fileSpec.analysisFilter" must be an object');
  for (const [k, v] of Object.entries(af)) {
    if (!NAME_FILTER_KEYS.includes(k))
      throw badRequest(
        `unexpected "fileSpec.analysisFilter.${k}": use ${NAME_FILTER_KEYS.join(', ')}`,
      );
    if (v !== null && (!isObj(v) || typeof v.value !== 'string'))
      throw badRequest(`"fileSpec.analysisFilter.${k}" must be {value, regex?}`);
  }
}

export function checkView(body: Doc, creating: boolean): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'parent' || k === '_id' || k === 'origin') continue;
    const kind = FIELDS[k];
    if (!kind) throw badRequest(`unexpected property "${k}" in view`);
    if (v === null) continue;
    if (kind === 'columns') {
      if (!Array.isArray(v)) throw badRequest('"columns" must be a list');
      for (const col of v) {
        if (!isObj(col) || typeof col.src !== 'string' || col.src === '')
          throw badRequest('every column needs a "src"');
        for (const f of ['dst', 'type', 'expr'])
          if (col[f] !== undefined && typeof col[f] !== 'string')
            throw badRequest(`column "${f}" must be a string`);
        if (col.accumulator !== undefined && !ACCUMULATORS.includes(col.accumulator as string))
          throw badRequest(`column "accumulator" must be one of ${ACCUMULATORS.join(', ')}`);
        // a bad expression is a 400 now rather than a failed execution later
        if (typeof col.expr === 'string' && col.expr.trim() !== '')
          compileExpr(col.expr, String(col.dst ?? col.src));
      }
    } else if (kind === 'object') {
      if (!isObj(v)) throw badRequest(`"${k}" must be an object`);
      if (k === 'fileSpec') checkFileSpec(v);
    } else if (typeof v !== kind) throw badRequest(`"${k}" must be a ${kind}`);
    if (k === 'missingDataStrategy' && !STRATEGIES.includes(v as string))
      throw badRequest(`"missingDataStrategy" must be one of ${STRATEGIES.join(', ')}`);
    out[k] = v;
  }
  if (creating && (typeof out.label !== 'string' || out.label === ''))
    throw badRequest('"label" is required');
  return out;
}

export const load = (db: Db, id: string): Doc => {
  const row = db.prepare('SELECT value FROM site WHERE key = ?').get(`view:${id}`) as
    { value: string } | undefined;
  if (!row) throw notFound(`view ${id} not found`);
  return JSON.parse(row.value) as Doc;
};
const save = (db: Db, v: Doc) =>
  db
    .prepare(
      'INSERT INTO site (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    )
    .run(`view:${v._id}`, JSON.stringify(v));

/** May the user read (or change) views under `parent`: the site, themself, or a container. */
function checkParent(db: Db, user: CurrentUser, parent: string, write: boolean): void {
  if (parent === 'site') {
    if (write && !user.isAdmin) throw forbidden('only site admins can change site views');
    return;
  }
  if (parent === user.doc._id || user.isAdmin) return;
  const row = getRow(db, parent);
  if (!row) throw notFound(`container ${parent} not found`);
  requireAccess(db, user, row, write ? 'rw' : 'ro');
}

const present = (v: Doc): Doc => {
  const { parent: _p, ...rest } = v;
  void _p;
  return { columns: [], ...rest };
};

export function registerViewRoutes(routes: RouteTable): void {
  const me = (c: Context<AppEnv>) => requireUser(c.get('user'));
  routes.on('get_views', (c, [cid = '']) => {
    const user = me(c);
    const db = c.get('state').db;
    checkParent(db, user, cid, false);
    const rows = db
      .prepare(
        `SELECT value FROM site WHERE key LIKE 'view:%' AND json_extract(value, '$.parent') = ? ORDER BY key`,
      )
      .all(cid) as { value: string }[];
    return replyUntyped(
      c,
      rows.map((r) => present(JSON.parse(r.value) as Doc)),
    );
  });
  routes.on('add_view', async (c, [cid = '']) => {
    const user = me(c);
    const db = c.get('state').db;
    checkParent(db, user, cid, true);
    const body = checkView(await readObject(c), true);
    const view = {
      _id: objectId(),
      parent: cid,
      origin: { type: 'user', id: user.doc._id },
      ...body,
    };
    save(db, view);
    return ok(c, 'add_view', { _id: view._id });
  });
  routes.on('get_view', (c, [id = '']) => {
    const db = c.get('state').db;
    const v = load(db, id);
    checkParent(db, me(c), v.parent as string, false);
    return replyUntyped(c, present(v));
  });
  routes.on('modify_view', async (c, [id = '']) => {
    const db = c.get('state').db;
    const user = me(c);
    const v = load(db, id);
    checkParent(db, user, v.parent as string, true);
    const raw = await readObject(c);
    const patch = checkView(raw, false);
    if (raw.parent !== undefined) {
      if (typeof raw.parent !== 'string') throw badRequest('"parent" must be a string');
      checkParent(db, user, raw.parent, true);
      v.parent = raw.parent;
    }
    for (const [k, x] of Object.entries(raw)) if (x === null && k in FIELDS) delete v[k];
    save(db, { ...v, ...patch });
    return ok(c, 'modify_view', { modified: 1 });
  });
  routes.on('delete_view', (c, [id = '']) => {
    const db = c.get('state').db;
    const v = load(db, id);
    checkParent(db, me(c), v.parent as string, true);
    db.prepare('DELETE FROM site WHERE key = ?').run(`view:${id}`);
    return ok(c, 'delete_view', { deleted: 1 });
  });
}
