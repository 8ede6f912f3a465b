import type { Context } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { accessTo, requireUser, type Access } from '../app/access.js';
import {
  deleteDoc,
  insertDoc,
  listDocs,
  mustDoc,
  saveDoc,
  shaped,
  type Shape,
  type StoredDoc,
} from '../app/documents.js';
import { badRequest, forbidden, notFound } from '../app/errors.js';
import { pageBody, queryParams } from '../app/finder.js';
import { readJson, replyUntyped } from '../app/json.js';
import { getRow } from '../db/containers.js';
import type { Db } from '../db/open.js';
import { SEARCH_LEVELS, validateStructuredQuery } from '../search/index.js';
import { visibleSql } from '../app/access.js';

/** Saved searches of the data explorer, owned by their creator and attached to a parent. */
const KIND = 'saved_search';
const RANK: Record<Access, number> = { ro: 1, rw: 2, admin: 3 };

const SEARCH_QUERY: Shape = {
  fields: {
    return_type: { enum: ['file', 'acquisition', 'session', 'analysis', 'project', 'subject'] },
    structured_query: 'string',
    search_string: 'string',
    filters: { array: 'object' },
    all_data: 'bool',
    sort: {
      fields: { field: 'string', order: { enum: ['asc', 'desc'] } },
      required: ['field', 'order'],
    },
    size: 'int',
  },
  required: ['return_type'],
};
const PARENT: Shape = {
  fields: {
    type: { enum: ['site', 'user', 'analysis', 'group', 'project', 'session'] },
    id: 'string',
  },
  required: ['type', 'id'],
};
const SAVE_IN: Shape = {
  fields: { label: 'string', search: SEARCH_QUERY, parent: PARENT },
  required: ['label', 'search', 'parent'],
};
const SAVE_UPDATE: Shape = { fields: { label: 'string', search: SEARCH_QUERY } };

/** Whether the user may read (`ro`) or change (`rw`) searches attached to `parent`. */
function allowed(db: Db, user: CurrentUser, parent: StoredDoc, level: Access): boolean {
  if (user.isAdmin) return true;
  if (parent.type === 'site') return level === 'ro';
  if (parent.type === 'user') return parent.id === user.doc._id;
  const row = getRow(db, String(parent.id));
  if (!row || row.type !== parent.type) return false;
  const have = accessTo(db, user, row);
  return !!have && RANK[have] >= RANK[level];
}

function checkQuery(search: StoredDoc): void {
  if (typeof search.structured_query === 'string' && search.structured_query.trim() !== '') {
    const v = validateStructuredQuery(search.structured_query);
    if (!v.valid)
      throw badRequest(`invalid structured_query: ${v.errors[0]?.message ?? 'syntax error'}`);
  }
}

function load(c: Context<AppEnv>, id: string, level: Access): StoredDoc {
  const db = c.get('state').db;
  const user = requireUser(c.get('user'));
  const doc = mustDoc(db, KIND, id, 'saved search');
  if (!allowed(db, user, doc.parent as StoredDoc, 'ro'))
    throw notFound(`saved search ${id} not found`);
  if (
    level !== 'ro' &&
    !allowed(db, user, doc.parent as StoredDoc, level) &&
    doc.origin?.id !== user.doc._id
  )
    throw forbidden(`user ${user.doc._id} cannot change saved search ${id}`);
  return doc;
}

export function registerDataExplorerRoutes(routes: RouteTable): void {
  routes.on('save_search', async (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const body = shaped(await readJson(c), SAVE_IN, 'search');
    const parent = body.parent as StoredDoc;
    if (parent.type !== 'site' && parent.type !== 'user') {
      const row = getRow(db, String(parent.id));
      if (!row || row.type !== parent.type)
        throw notFound(`${String(parent.type)} ${String(parent.id)} not found`);
    }
    if (!allowed(db, user, parent, 'rw'))
      throw forbidden(
        `user ${user.doc._id} cannot save searches on ${String(parent.type)} ${String(parent.id)}`,
      );
    checkQuery(body.search as StoredDoc);
    const doc = insertDoc(
      db,
      KIND,
      {
        label: body.label,
        search: body.search,
        parent,
        origin: { type: 'user', id: user.doc._id },
      },
      { parent: `${String(parent.type)}:${String(parent.id)}`, owner: user.doc._id },
    );
    return replyUntyped(c, { _id: doc._id });
  });
  routes.on('get_all_saved_searches', (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const q = queryParams(c);
    const exhaustive = ['true', '1'].includes(q.get('exhaustive') ?? '');
    let items = listDocs(db, KIND).filter(
      (d) => (exhaustive && user.isAdmin) || allowed(db, user, d.parent as StoredDoc, 'ro'),
    );
    const after = q.get('after_id');
    if (after) items = items.filter((d) => (d._id as string) > after);
    const total = items.length;
    const skip = Number(q.get('skip') ?? 0);
    const limit = q.get('limit') === null ? undefined : Number(q.get('limit'));
    if (
      !Number.isInteger(skip) ||
      skip < 0 ||
      (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
    )
      throw badRequest('limit and skip must be non-negative integers');
    items = items.slice(skip, limit === undefined ? undefined : skip + limit);
    const present = items.map(({ origin: _o, ...d }) => d);
    return replyUntyped(c, pageBody(c, present, total));
  });
  routes.on('get_saved_search', (c, [id = '']) => {
    const { origin: _o, ...d } = load(c, id, 'ro');
    return replyUntyped(c, d);
  });
  routes.on('replace_search', async (c, [id = '']) => {
    const doc = load(c, id, 'rw');
    const body = shaped(await readJson(c), SAVE_UPDATE, 'search');
    if (body.search) checkQuery(body.search as StoredDoc);
    if (body.label !== undefined) doc.label = body.label;
    if (body.search !== undefined) doc.search = body.search;
    const { origin: _o, ...d } = saveDoc(c.get('state').db, KIND, doc);
    return replyUntyped(c, d);
  });
  routes.on('delete_save_search', (c, [id = '']) => {
    load(c, id, 'rw');
    deleteDoc(c.get('state').db, KIND, id);
    return replyUntyped(c, { deleted: 1 });
  });

  routes.on('parse_search_query', async (c) => {
    requireUser(c.get('user'));
    const body = shaped(await readJson(c), {
      fields: { structured_query: 'string' },
      required: ['structured_query'],
    });
    const v = validateStructuredQuery(body.structured_query as string);
    return replyUntyped(c, { valid: v.valid, errors: v.errors });
  });
  /** The local server searches its database directly: there is no index to rebuild. */
  routes.on('get_search_status', (c) => {
    requireUser(c.get('user'));
    return replyUntyped(c, { status: 'up-to-date' });
  });

  routes.on('get_mapped_fields', (c) => {
    const user = requireUser(c.get('user'));
    const path = c.req.query('path');
    const db = c.get('state').db;
    const all = mappedFields(db, user);
    if (path === undefined || path === '') return replyUntyped(c, all);
    let node: StoredDoc | undefined = { properties: all };
    for (const k of path.split('.'))
      node = (node?.properties as StoredDoc | undefined)?.[k] as StoredDoc | undefined;
    if (!node) throw notFound(`no mapped field ${path}`);
    return replyUntyped(c, { [path]: node });
  });
  routes.on('get_search_query_suggestions', async (c) => {
    const user = requireUser(c.get('user'));
    const body = shaped(await readJson(c), {
      fields: { structured_query: 'string' },
      required: ['structured_query'],
    });
    const q = body.structured_query as string;
    const db = c.get('state').db;
    const value =
      /([A-Za-z_][\w.-]*)\s*(?:=~|!=|<=|>=|=|<|>|\bCONTAINS\b|\bLIKE\b|\bIN\b)\s*("?)([^"\s]*)$/i.exec(
        q,
      );
    if (value) {
      const field = value[1]!;
      const prefix = value[3] ?? '';
      const from = q.length - prefix.length;
      const suggestions = fieldValues(db, user, field, prefix).map((v) => ({
        display: v,
        value: value[2] || /[\s"]/.test(v) ? `"${v.replace(/"/g, '\\"')}"` : v,
        type: 'value',
        facet: false,
      }));
      return replyUntyped(c, { from, suggestions });
    }
    const token = /([A-Za-z_][\w.-]*)$/.exec(q)?.[1] ?? '';
    const from = q.length - token.length;
    const fields = flatten(mappedFields(db, user))
      .filter((f) => f.path.startsWith(token) && f.path !== token)
      .slice(0, 50);
    return replyUntyped(c, {
      from,
      suggestions: fields.map((f) => ({
        display: f.path,
        value: f.path,
        type: f.type,
        facet: false,
      })),
    });
  });
}

/* ------------------------------------------------------------------ field mapping */

type Mapping = Record<string, StoredDoc>;
const typeOf = (v: unknown): string =>
  typeof v === 'boolean'
    ? 'boolean'
    : typeof v === 'number'
      ? Number.isInteger(v)
        ? 'long'
        : 'double'
      : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)
        ? 'date'
        : 'keyword';

function addFields(m: Mapping, doc: Record<string, unknown>, depth = 0): void {
  for (const [k, v] of Object.entries(doc)) {
    if (v === null || v === undefined || k === 'permissions' || k === 'notes' || k === 'parents')
      continue;
    const item = Array.isArray(v) ? v.find((x) => x !== null && x !== undefined) : v;
    if (item === undefined) continue;
    if (typeof item === 'object' && !Array.isArray(item)) {
      if (depth >= 6) continue;
      const node = (m[k] ??= { properties: {} });
      node.properties ??= {};
      addFields(node.properties as Mapping, item as Record<string, unknown>, depth + 1);
    } else if (!m[k]) m[k] = { type: typeOf(item) };
  }
}

/** The searchable fields per level, from the documents the user can see (a dynamic mapping). */
function mappedFields(db: Db, user: CurrentUser): Mapping {
  const v = visibleSql(user, true, 'c');
  const out: Mapping = {};
  for (const level of SEARCH_LEVELS) {
    const m: Mapping = { _id: { type: 'keyword' } };
    const rows =
      level === 'file'
        ? (db
            .prepare(
              `SELECT f.doc FROM files f JOIN containers c ON c.id = f.container_id WHERE f.role = 'files' AND ${v.sql} ORDER BY f.modified DESC LIMIT 500`,
            )
            .all(...v.params) as { doc: string }[])
        : (db
            .prepare(
              `SELECT c.doc FROM containers c WHERE c.type = ? AND ${v.sql} ORDER BY c.modified DESC LIMIT 500`,
            )
            .all(level, ...v.params) as { doc: string }[]);
    for (const r of rows) addFields(m, JSON.parse(r.doc) as Record<string, unknown>);
    out[level] = { properties: m };
  }
  return out;
}

function flatten(m: Mapping, prefix = ''): { path: string; type: string }[] {
  return Object.entries(m).flatMap(([k, node]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return node.properties
      ? [{ path, type: 'object' }, ...flatten(node.properties as Mapping, path)]
      : [{ path, type: String(node.type) }];
  });
}

/** Distinct scalar values of `level.field…` among visible documents, starting with `prefix`. */
function fieldValues(db: Db, user: CurrentUser, field: string, prefix: string): string[] {
  const [level = '', ...rest] = field.split('.');
  if (!(SEARCH_LEVELS as readonly string[]).includes(level) || rest.length === 0) return [];
  if (rest.some((k) => !/^[\w-]+$/.test(k))) return [];
  const jsonPath = `$.${rest.map((k) => `"${k}"`).join('.')}`;
  const v = visibleSql(user, true, 'c');
  const src =
    level === 'file'
      ? {
          from: 'files f JOIN containers c ON c.id = f.container_id',
          doc: 'f.doc',
          where: "f.role = 'files'",
          params: [] as unknown[],
        }
      : { from: 'containers c', doc: 'c.doc', where: 'c.type = ?', params: [level] as unknown[] };
  const rows = db
    .prepare(
      `SELECT DISTINCT CAST(json_extract(${src.doc}, ?) AS TEXT) AS v FROM ${src.from}
       WHERE ${src.where} AND ${v.sql} AND json_type(${src.doc}, ?) IN ('text', 'integer', 'real')
       AND substr(CAST(json_extract(${src.doc}, ?) AS TEXT), 1, ?) = ? ORDER BY v LIMIT 20`,
    )
    .all(jsonPath, ...src.params, ...v.params, jsonPath, jsonPath, prefix.length, prefix) as {
    v: string;
  }[];
  return rows.map((r) => r.v);
}
