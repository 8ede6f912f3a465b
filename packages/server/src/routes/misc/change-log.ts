import type { Context } from 'hono';
import type { AppEnv } from '../../app/context.js';
import type { RouteTable } from '../../app/operations.js';
import { requireAccess, requireUser } from '../../app/access.js';
import { badRequest, notFound } from '../../app/errors.js';
import { replyUntyped } from '../../app/json.js';
import { getRow, type Doc } from '../../db/containers.js';

/**
 * The change log of a container, from the `change_log` table the container triggers fill
 * (migration 4): each entry is diffed against the previous one into a patch of top-level fields.
 */
const TYPES = ['group', 'project', 'subject', 'session', 'acquisition', 'analysis', 'collection'];
const SKIP = new Set(['modified', 'revision']);

interface Entry {
  method: string;
  created: string;
  revision: number | null;
  doc: string | null;
}

function entries(c: Context<AppEnv>, type: string, id: string): Entry[] {
  const user = requireUser(c.get('user'));
  if (!TYPES.includes(type)) throw badRequest(`change log is kept for ${TYPES.join(', ')}`);
  const db = c.get('state').db;
  const rows = db
    .prepare(
      'SELECT method, created, revision, doc FROM change_log WHERE container_id = ? AND container_type = ? ORDER BY seq',
    )
    .all(id, type) as Entry[];
  const row = getRow(db, id);
  if (row && row.type === type) requireAccess(db, user, row, 'ro');
  else if (!user.isAdmin || rows.length === 0) throw notFound(`${type} ${id} not found`);
  return rows;
}

function patches(rows: Entry[]): { e: Entry; patch: Doc }[] {
  let prev: Doc = {};
  return rows.map((e) => {
    const doc = e.doc ? (JSON.parse(e.doc) as Doc) : {};
    const patch: Doc = {};
    if (e.doc) {
      for (const [k, v] of Object.entries(doc))
        if (!SKIP.has(k) && JSON.stringify(prev[k]) !== JSON.stringify(v)) patch[k] = v;
      for (const k of Object.keys(prev)) if (!(k in doc) && !SKIP.has(k)) patch[k] = null;
    }
    prev = doc;
    return { e, patch };
  });
}

const origin = { type: 'unknown' };
const method = (m: string) => (m === 'CREATE' ? 'CREATE' : m === 'DELETE' ? 'DELETE' : 'UPDATE');

export function registerChangeLogRoutes(routes: RouteTable): void {
  routes.on('get_change_log', (c, [type = '', id = '']) => {
    const changes = patches(entries(c, type, id))
      .filter(({ e, patch }) => e.method !== 'UPDATE' || Object.keys(patch).length > 0)
      .map(({ e, patch }) => ({
        created: e.created,
        origin,
        container_type: type,
        container_id: id,
        method: method(e.method),
        patch,
        revision: e.revision ?? 1,
      }));
    return replyUntyped(c, { container_type: type, container_id: id, changes });
  });
  routes.on('get_field_change_log', (c, [type = '', id = '', field = '']) => {
    if (!/^[A-Za-z0-9_.-]{1,200}$/.test(field)) throw badRequest('field must be a field name');
    const [top = '', ...rest] = field.split('.');
    const pick = (d: unknown) =>
      rest.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Doc)[k] : undefined), d);
    const changes = patches(entries(c, type, id))
      .filter(({ patch }) => top in patch)
      .map(({ e, patch }) => ({
        method: method(e.method),
        value: pick(patch[top]) ?? null,
        created: e.created,
        revision: e.revision ?? 1,
        origin,
      }));
    return replyUntyped(c, { container_type: type, container_id: id, changes });
  });
}
