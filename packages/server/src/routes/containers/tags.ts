import type { Context } from 'hono';
import type { AppEnv } from '../../app/context.js';
import type { RouteTable } from '../../app/operations.js';
import { requireAccess } from '../../app/access.js';
import { badRequest } from '../../app/errors.js';
import { ADD_TAG, DELETE_TAG, ok, readJson, readObject, replyUntyped } from '../../app/json.js';
import { addTag, deleteTag, renameTag, requireTag } from '../../app/subdocs.js';
import { checkTag } from '../../app/validate.js';
import { parseDoc, saveContainer, type ContainerRow } from '../../db/containers.js';
import { now } from '../../app/time.js';
import { direct, me, mutateDoc, OP_TYPES, type RowHandler } from './target.js';

/** `POST /{types}/{id}/tags` `{value}` → `ModifiedResult`; an existing tag is a 409. */
const add: RowHandler = async (c, row) => {
  requireAccess(c.get('state').db, me(c), row, 'rw');
  const body = await readObject(c);
  mutateDoc(c, row, (doc) => addTag(doc, body.value));
  return ok(c, ADD_TAG, { modified: 1 });
};

/** `GET /{types}/{id}/tags/{value}` → the tag (a JSON string). */
const get: RowHandler = (c, row, [tag = '']) => {
  requireAccess(c.get('state').db, me(c), row, 'ro');
  requireTag(parseDoc(row), tag);
  return replyUntyped(c, tag);
};

/** `PUT /{types}/{id}/tags/{value}` `{value}` → the new tag (a JSON string). */
const rename: RowHandler = async (c, row, [tag = '']) => {
  requireAccess(c.get('state').db, me(c), row, 'rw');
  const body = await readObject(c);
  mutateDoc(c, row, (doc) => renameTag(doc, tag, body.value));
  groupProjects(c, row, (doc) => {
    const tags = (doc.tags ?? []) as string[];
    if (!tags.includes(tag)) return false;
    doc.tags = [...new Set(tags.map((x) => (x === tag ? (body.value as string) : x)))];
    return true;
  });
  return replyUntyped(c, body.value);
};

/**
 * A group's tag renamed or deleted reaches the group's projects that carry it, as a site
 * propagates group tag changes; `fn` answers whether it changed the project.
 */
function groupProjects(
  c: Context<AppEnv>,
  row: ContainerRow,
  fn: (doc: Record<string, any>) => boolean,
): void {
  if (row.type !== 'group') return;
  const db = c.get('state').db;
  const projects = db
    .prepare(`SELECT * FROM containers WHERE type = 'project' AND group_id = ?`)
    .all(row.id) as ContainerRow[];
  db.transaction(() => {
    for (const p of projects) {
      const doc = parseDoc(p);
      if (!fn(doc)) continue;
      doc.modified = now();
      saveContainer(db, p, doc);
    }
  })();
}

const remove: RowHandler = (c, row, [tag = '']) => {
  requireAccess(c.get('state').db, me(c), row, 'rw');
  mutateDoc(c, row, (doc) => deleteTag(doc, tag));
  groupProjects(c, row, (doc) => {
    const tags = (doc.tags ?? []) as string[];
    if (!tags.includes(tag)) return false;
    doc.tags = tags.filter((x) => x !== tag);
    return true;
  });
  return ok(c, DELETE_TAG, { deleted: 1 });
};

/** The list body of the bulk tag calls: tag strings, each valid. */
async function tagList(c: Context<AppEnv>): Promise<string[]> {
  const body = await readJson(c);
  if (!Array.isArray(body)) throw badRequest('the body must be a list of tags');
  return body.map((t) => checkTag(t));
}

/** `PATCH /{types}/{id}/tags` `[tags]`: adds those not there yet (204). */
const addMany: RowHandler = async (c, row) => {
  requireAccess(c.get('state').db, me(c), row, 'rw');
  const tags = await tagList(c);
  mutateDoc(c, row, (doc) => {
    const have: string[] = (doc.tags ??= []);
    for (const t of tags) if (!have.includes(t)) have.push(t);
  });
  return c.body(null, 204);
};

/** `DELETE /{types}/{id}/tags` `[tags]`: removes those present (204). */
const removeMany: RowHandler = async (c, row) => {
  requireAccess(c.get('state').db, me(c), row, 'rw');
  const tags = new Set(await tagList(c));
  mutateDoc(c, row, (doc) => {
    doc.tags = ((doc.tags ?? []) as string[]).filter((t) => !tags.has(t));
  });
  return c.body(null, 204);
};

/** Tags on every container type (and files by id): add, get, rename, delete, bulk add/delete. */
export function registerTagRoutes(routes: RouteTable): void {
  for (const t of OP_TYPES) {
    routes.on(`add_${t}_tag`, direct(t, add));
    routes.on(`get_${t}_tag`, direct(t, get));
    routes.on(`rename_${t}_tag`, direct(t, rename));
    routes.on(`delete_${t}_tag`, direct(t, remove));
    if (routes.has(`add_${t}_tags`)) routes.on(`add_${t}_tags`, direct(t, addMany));
    if (routes.has(`delete_${t}_tags`)) routes.on(`delete_${t}_tags`, direct(t, removeMany));
  }
}
