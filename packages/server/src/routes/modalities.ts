import type { AppEnv } from '../app/context.js';
import type { OpHandler, RouteTable } from '../app/operations.js';
import { requireUser } from '../app/access.js';
import { badRequest, conflict, forbidden, notFound } from '../app/errors.js';
import { readObject, replyUntyped } from '../app/json.js';
import { isObj, type Obj } from '../app/validate.js';

function checkClassification(body: Obj): Record<string, string[]> {
  const cls = body.classification ?? {};
  if (!isObj(cls)) throw badRequest('"classification" must be an object of lists');
  for (const [k, v] of Object.entries(cls)) {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      throw badRequest(`classification "${k}" must be a list of strings`);
  }
  return cls as Record<string, string[]>;
}

/** Modalities and their classification tables (`MR` is seeded). Writes are admin-only. */
export function registerModalityRoutes(routes: RouteTable): void {
  routes.on('get_all_modalities', (c) => {
    requireUser(c.get('user'));
    const rows = c.get('state').db.prepare('SELECT doc FROM modalities ORDER BY id').all() as {
      doc: string;
    }[];
    return replyUntyped(
      c,
      rows.map((r) => JSON.parse(r.doc)),
    );
  });
  routes.on('add_modality', async (c) => {
    const user = requireUser(c.get('user'));
    if (!user.isAdmin) throw forbidden('only site admins can add modalities');
    const body = await readObject(c);
    for (const k of Object.keys(body))
      if (!['_id', 'classification'].includes(k)) throw badRequest(`unexpected property "${k}"`);
    if (typeof body._id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(body._id))
      throw badRequest('"_id" must be a modality name');
    const doc = { _id: body._id, classification: checkClassification(body) };
    const db = c.get('state').db;
    if (db.prepare('SELECT 1 FROM modalities WHERE id = ?').get(body._id))
      throw conflict(`modality ${body._id} already exists`);
    db.prepare('INSERT INTO modalities (id, doc) VALUES (?, ?)').run(doc._id, JSON.stringify(doc));
    return replyUntyped(c, { _id: doc._id });
  });
  const modalityItem: OpHandler = async (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;

    const row = db.prepare('SELECT doc FROM modalities WHERE id = ?').get(id) as
      { doc: string } | undefined;
    if (!row) throw notFound(`modality ${id} not found`);
    if (c.req.method === 'GET') return replyUntyped(c, JSON.parse(row.doc));
    if (!user.isAdmin) throw forbidden('only site admins can change modalities');
    if (c.req.method === 'DELETE') {
      db.prepare('DELETE FROM modalities WHERE id = ?').run(id);
      return replyUntyped(c, { deleted: 1 });
    }
    const body = await readObject(c);
    for (const k of Object.keys(body))
      if (!['_id', 'classification'].includes(k)) throw badRequest(`unexpected property "${k}"`);
    if (body._id !== undefined && body._id !== id)
      throw badRequest('modality _id cannot be changed');
    const doc = { _id: id, classification: checkClassification(body) };
    db.prepare('UPDATE modalities SET doc = ? WHERE id = ?').run(JSON.stringify(doc), id);
    return replyUntyped(c, { modified: 1 });
  };
  routes.on('get_modality', modalityItem);
  routes.on('replace_modality', modalityItem);
  routes.on('delete_modality', modalityItem);
}
