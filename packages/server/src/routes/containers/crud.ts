import type { Context } from 'hono';
import type { AppEnv } from '../../app/context.js';
import type { RouteTable } from '../../app/operations.js';
import { requireAccess } from '../../app/access.js';
import { ADD, DELETE, MODIFY, ok, readObject, replyUntyped } from '../../app/json.js';
import { presentRow } from '../../app/present.js';
import { createContainer, modifyContainer } from '../../app/containers.js';
import { hasFeature } from '../../app/finder.js';
import {
  deleteSubtree,
  getRow,
  parseDoc,
  type ContainerRow,
  type CType,
  type Doc,
} from '../../db/containers.js';
import type { Db } from '../../db/open.js';
import { applyJoins } from './joins.js';
import {
  ANALYSIS_PARENTS,
  direct,
  listRows,
  me,
  nested,
  onOrExtra,
  OP_TYPES,
  pluralOf,
  touchRow,
  WITH_PERMISSIONS,
  type RowHandler,
} from './target.js';

/**
 * Subjects, sessions and acquisitions are governed by their project: a full read carries its
 * permissions as their effective `permissions`, as a site answers them.
 */
function withEffectivePermissions(db: Db, row: ContainerRow, doc: Doc): void {
  if (!['subject', 'session', 'acquisition'].includes(row.type) || !row.perm_id) return;
  const project = getRow(db, row.perm_id);
  if (project) doc.permissions = parseDoc(project).permissions ?? [];
}

/** GET one container; `withType` adds `container_type` (the generic `/containers/{id}`). */
const getOne =
  (withType: boolean): RowHandler =>
  (c, row) => {
    const db = c.get('state').db;
    requireAccess(db, me(c), row, 'ro');
    const doc = presentRow(db, row, {
      withType,
      slim: hasFeature(c, 'slim-containers'),
      inflateJob: c.req.query('inflate_job') === 'true',
    });
    withEffectivePermissions(db, row, doc);
    applyJoins(c, [row], [doc]);
    return replyUntyped(c, doc);
  };

const modifyOne: RowHandler = async (c, row) => {
  const db = c.get('state').db;
  requireAccess(db, me(c), row, 'rw');
  modifyContainer(db, row, await readObject(c), me(c));
  return ok(c, MODIFY, { modified: 1 });
};

/** Delete with descendants and their blobs; deleting an analysis touches its parent. */
const deleteOne: RowHandler = async (c, row) => {
  const state = c.get('state');
  requireAccess(state.db, me(c), row, WITH_PERMISSIONS.includes(row.type) ? 'admin' : 'rw');
  const blobs = deleteSubtree(state.db, row.id);
  if (row.type === 'analysis' && row.parent_id) touchRow(c, row.parent_id);
  await Promise.all(blobs.map((b) => state.blobs.remove(b)));
  return ok(c, DELETE, { deleted: 1 });
};

/** Containers: `get_all_${t}s`/`add_${t}`, get/modify/delete, and the same for analyses. */
export function registerCrudRoutes(routes: RouteTable): void {
  for (const t of OP_TYPES) {
    if (t === 'analysis' || t === 'container') continue;
    const type: CType = t;
    routes.on(`add_${t}`, async (c) => {
      const id = createContainer(c.get('state').db, me(c), type, await readObject(c));
      return ok(c, ADD, { _id: id });
    });
    routes.on(`get_all_${pluralOf(t)}`, (c) =>
      listRows(c, [{ sql: 'c.type = ?', params: [type] }], 'top'),
    );
  }
  for (const t of OP_TYPES) {
    const item = `/${pluralOf(t)}/{Id}`;
    routes.on(`get_${t}`, direct(t, getOne(t === 'container')));
    routes.on(`modify_${t}`, direct(t, modifyOne));
    onOrExtra(routes, `delete_${t}`, 'DELETE', item, direct(t, deleteOne)); // analyses: no spec op
  }
  for (const t of ANALYSIS_PARENTS) {
    routes.on(`get_${t}_analysis`, nested(t, getOne(false)));
    routes.on(`modify_${t}_analysis`, nested(t, modifyOne));
    routes.on(`delete_${t}_analysis`, nested(t, deleteOne));
  }
}
