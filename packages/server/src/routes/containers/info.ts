import type { RouteTable } from '../../app/operations.js';
import { requireAccess } from '../../app/access.js';
import { MODIFY_INFO, ok, readObject } from '../../app/json.js';
import { applyInfoUpdate } from '../../app/subdocs.js';
import { direct, me, mutateDoc, OP_TYPES, onOrExtra, pluralOf, type RowHandler } from './target.js';

/** `POST …/info`: `set`/`delete`, or `replace` the whole info object. */
const modifyInfo: RowHandler = async (c, row) => {
  requireAccess(c.get('state').db, me(c), row, 'rw');
  const body = await readObject(c);
  mutateDoc(c, row, (doc) => applyInfoUpdate(doc, body));
  return ok(c, MODIFY_INFO, { modified: 1 });
};

/** Container info on every type (groups: undocumented in the spec). */
export function registerInfoRoutes(routes: RouteTable): void {
  for (const t of OP_TYPES)
    onOrExtra(
      routes,
      `modify_${t}_info`,
      'POST',
      `/${pluralOf(t)}/{Id}/info`,
      direct(t, modifyInfo),
    );
}
