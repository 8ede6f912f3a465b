import type { Context } from 'hono';
import type { Db } from '../db/open.js';
import type { AppEnv } from './context.js';
import { badRequest, notFound } from './errors.js';
import { runFinder } from './finder.js';
import { objectId } from './ids.js';
import { now } from './time.js';
import { isObj, type Obj } from './validate.js';

/**
 * Stored documents (migration 3): one table for the storage-like APIs (site settings, gear
 * rules, providers, saved searches, custom filters, devices, protocols, …). `kind` names the
 * collection, `parent` the owning container (`site` or a project id), `owner` the user.
 */
export type StoredDoc = Record<string, any>;

export interface DocRow {
  kind: string;
  id: string;
  parent: string | null;
  owner: string | null;
  created: string;
  modified: string;
  doc: string;
}

export function getDoc(db: Db, kind: string, id: string): StoredDoc | undefined {
  const r = db.prepare('SELECT doc FROM documents WHERE kind = ? AND id = ?').get(kind, id) as
    { doc: string } | undefined;
  return r ? (JSON.parse(r.doc) as StoredDoc) : undefined;
}

export function getDocRow(db: Db, kind: string, id: string): DocRow | undefined {
  return db.prepare('SELECT * FROM documents WHERE kind = ? AND id = ?').get(kind, id) as
    DocRow | undefined;
}

/** The document or a 404 naming `what`. */
export function mustDoc(db: Db, kind: string, id: string, what: string): StoredDoc {
  const d = getDoc(db, kind, id);
  if (!d) throw notFound(`${what} ${id} not found`);
  return d;
}

/** Insert a document: `_id` (a new ObjectId unless given), `created`, `modified` are set. */
export function insertDoc(
  db: Db,
  kind: string,
  doc: StoredDoc,
  o: { parent?: string | null; owner?: string | null; id?: string } = {},
): StoredDoc {
  const ts = now();
  const id = o.id ?? (typeof doc._id === 'string' ? doc._id : objectId());
  const full = { _id: id, ...doc, created: doc.created ?? ts, modified: doc.modified ?? ts };
  full._id = id;
  db.prepare(
    'INSERT INTO documents (kind, id, parent, owner, created, modified, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    kind,
    id,
    o.parent ?? null,
    o.owner ?? null,
    full.created,
    full.modified,
    JSON.stringify(full),
  );
  return full;
}

/** Replace a stored document (by `_id`), refreshing `modified` unless `touch` is false. */
export function saveDoc(db: Db, kind: string, doc: StoredDoc, touch = true): StoredDoc {
  if (touch) doc.modified = now();
  db.prepare('UPDATE documents SET doc = ?, modified = ? WHERE kind = ? AND id = ?').run(
    JSON.stringify(doc),
    doc.modified ?? now(),
    kind,
    doc._id,
  );
  return doc;
}

/** Insert-or-replace a singleton document (e.g. `site_settings/site`). */
export function putDoc(
  db: Db,
  kind: string,
  id: string,
  doc: StoredDoc,
  parent?: string,
): StoredDoc {
  if (getDocRow(db, kind, id)) return saveDoc(db, kind, { ...doc, _id: id });
  return insertDoc(db, kind, doc, { id, parent: parent ?? null });
}

export function deleteDoc(db: Db, kind: string, id: string): boolean {
  return db.prepare('DELETE FROM documents WHERE kind = ? AND id = ?').run(kind, id).changes > 0;
}

export function listDocs(
  db: Db,
  kind: string,
  where: { parent?: string; owner?: string } = {},
): StoredDoc[] {
  const conds = ['kind = ?'];
  const params: string[] = [kind];
  if (where.parent !== undefined) (conds.push('parent = ?'), params.push(where.parent));
  if (where.owner !== undefined) (conds.push('owner = ?'), params.push(where.owner));
  const rows = db
    .prepare(`SELECT doc FROM documents WHERE ${conds.join(' AND ')} ORDER BY created, id`)
    .all(...params) as { doc: string }[];
  return rows.map((r) => JSON.parse(r.doc) as StoredDoc);
}

/** A finder (filter/sort/limit/skip/page/after_id) over one kind of document. */
export function findDocs(
  c: Context<AppEnv>,
  kind: string,
  where: { sql: string; params: unknown[] }[] = [],
): { items: StoredDoc[]; total: number } {
  const { rows, total } = runFinder<{ doc: string }>(c, {
    from: 'documents d',
    where: [{ sql: 'd.kind = ?', params: [kind] }, ...where],
    target: {
      docColumn: 'd.doc',
      columns: { _id: 'd.id', created: 'd.created', modified: 'd.modified' },
    },
    select: 'd.doc',
  });
  return { items: rows.map((r) => JSON.parse(r.doc) as StoredDoc), total };
}

/* ---------------------------------------------------------------- shapes */

/**
 * A tiny structural checker for request bodies, following the spec's schemas: each failure is
 * a 400 naming the field. Unknown properties of a `fields` shape are rejected.
 */
export type Shape =
  | 'string'
  | 'int'
  | 'number'
  | 'bool'
  | 'object'
  | 'any'
  | 'datetime'
  | { enum: readonly string[] }
  | { array: Shape }
  | { map: Shape }
  | { fields: Record<string, Shape>; required?: readonly string[]; open?: boolean }
  | { nullable: Shape };

export function checkShape(v: unknown, shape: Shape, path = 'body'): void {
  if (typeof shape === 'string') {
    const okay =
      shape === 'any' ||
      (shape === 'string' && typeof v === 'string') ||
      (shape === 'int' && Number.isInteger(v)) ||
      (shape === 'number' && typeof v === 'number' && Number.isFinite(v)) ||
      (shape === 'bool' && typeof v === 'boolean') ||
      (shape === 'object' && isObj(v)) ||
      (shape === 'datetime' && typeof v === 'string' && !Number.isNaN(Date.parse(v)));
    if (!okay) throw badRequest(`${path} must be ${shape === 'int' ? 'an integer' : `a ${shape}`}`);
    return;
  }
  if ('nullable' in shape) {
    if (v !== null) checkShape(v, shape.nullable, path);
    return;
  }
  if ('enum' in shape) {
    if (typeof v !== 'string' || !shape.enum.includes(v))
      throw badRequest(`${path} must be one of ${shape.enum.join(', ')}`);
    return;
  }
  if ('array' in shape) {
    if (!Array.isArray(v)) throw badRequest(`${path} must be a list`);
    v.forEach((x, i) => checkShape(x, shape.array, `${path}[${i}]`));
    return;
  }
  if ('map' in shape) {
    if (!isObj(v)) throw badRequest(`${path} must be an object`);
    for (const [k, x] of Object.entries(v)) checkShape(x, shape.map, `${path}.${k}`);
    return;
  }
  if (!isObj(v)) throw badRequest(`${path} must be an object`);
  for (const k of shape.required ?? [])
    if (v[k] === undefined) throw badRequest(`${path}.${k} is required`);
  for (const [k, x] of Object.entries(v)) {
    const s = shape.fields[k];
    if (!s) {
      if (shape.open) continue;
      throw badRequest(`${path}: unexpected property "${k}"`);
    }
    if (x === undefined) continue;
    checkShape(x, s, `${path}.${k}`);
  }
}

/** Check `v` against `shape` and return it as an object. */
export function shaped(v: unknown, shape: Shape, path = 'body'): Obj {
  checkShape(v, shape, path);
  return v as Obj;
}

/** Copy the defined properties of `src` onto `dst` (a partial update). */
export function assignDefined(dst: StoredDoc, src: Obj): StoredDoc {
  for (const [k, v] of Object.entries(src)) if (v !== undefined) dst[k] = v;
  return dst;
}
