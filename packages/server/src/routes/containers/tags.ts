import type { RouteTable } from '../../app/operations.js';
import { requireAccess } from '../../app/access.js';
import { ADD_TAG, DELETE_TAG, ok, readObject, replyUntyped } from '../../app/json.js';
import { addTag, deleteTag, renameTag, requireTag } from '../../app/subdocs.js';
import { parseDoc } from '../../db/containers.js';
import { direct, me, mutate, OP_TYPES, type RowHandler } from './target.js';

const add: RowHandler = async (c, row) => {
  requireAccess(c.get('state').db, me(c), row, 'rw');
  const body = await readObject(c);
  mutate(c, row, (doc) => addTag(doc, body.value));
  return ok(c, ADD_TAG, { modified: 1 });
};

const get: RowHandler = (c, row, [tag = '']) => {
  requireAccess(c.get('state').db, me(c), row, 'ro');
  requireTag(parseDoc(row), tag);
  return replyUntyped(c, { value: tag });
};

const rename: RowHandler = async (c, row, [tag = '']) => {
  requireAccess(c.get('state').db, me(c), row, 'rw');
  const body = await readObject(c);
  return mutate(c, row, (doc) => renameTag(doc, tag, body.value));
};

const remove: RowHandler = (c, row, [tag = '']) => {
  requireAccess(c.get('state').db, me(c), row, 'rw');
  mutate(c, row, (doc) => deleteTag(doc, tag));
  return ok(c, DELETE_TAG, { deleted: 1 });
};

/** Tags on every container type: add, get, rename, delete. */
export function registerTagRoutes(routes: RouteTable): void {
  for (const t of OP_TYPES) {
    routes.on(`add_${t}_tag`, direct(t, add));
    routes.on(`get_${t}_tag`, direct(t, get));
    routes.on(`rename_${t}_tag`, direct(t, rename));
    routes.on(`delete_${t}_tag`, direct(t, remove));
  }
}
