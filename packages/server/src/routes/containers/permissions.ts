import type { Context } from 'hono';
import type { AppEnv } from '../../app/context.js';
import type { RouteTable } from '../../app/operations.js';
import { routeNotFound } from '../../app/operations.js';
import {
  checkAccessValue,
  requireAccess,
  type Permission,
  type RolePermission,
} from '../../app/access.js';
import { checkBody } from '../../app/body-schema.js';
import { badRequest, conflict, notFound } from '../../app/errors.js';
import { readObject, replyUntyped } from '../../app/json.js';
import { rolePermissions } from '../../app/present.js';
import { getUser } from '../../db/users.js';
import {
  getRow,
  parseDoc,
  saveContainer,
  type ContainerRow,
  type Doc,
} from '../../db/containers.js';
import { now } from '../../app/time.js';
import { direct, me, mutateDoc, WITH_PERMISSIONS, type OpType, type RowHandler } from './target.js';

type Entry = Permission | RolePermission;
/** Which list of the doc: `permissions`, or a group's `permissions_template`. */
type ListKey = 'permissions' | 'permissions_template';

const entries = (c: Context<AppEnv>, row: ContainerRow, key: ListKey): Entry[] => {
  const list = (parseDoc(getRow(c.get('state').db, row.id)!)[key] ?? []) as Doc[];
  return (
    row.type === 'project' || key === 'permissions_template'
      ? rolePermissions(c.get('state').db, list)
      : list
  ) as Entry[];
};

/** Only groups, projects and collections carry permissions (also through `/containers/{id}`). */
const own =
  (h: RowHandler): RowHandler =>
  (c, row, args) => {
    if (!WITH_PERMISSIONS.includes(row.type)) throw routeNotFound(c);
    return h(c, row, args);
  };

/** Role-based entries (projects, group templates) or access-based ones (groups, collections). */
const roleBased = (row: ContainerRow, key: ListKey) =>
  row.type === 'project' || key === 'permissions_template';

/** `role_ids`: a non-empty list of existing role ids. */
function checkRoleIds(c: Context<AppEnv>, v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string'))
    throw badRequest('"role_ids" must be a non-empty list of role ids');
  const db = c.get('state').db;
  for (const id of v as string[])
    if (!db.prepare('SELECT 1 FROM roles WHERE id = ?').get(id))
      throw badRequest(`role ${id} does not exist`);
  return [...new Set(v as string[])];
}

function entryFromBody(
  c: Context<AppEnv>,
  row: ContainerRow,
  key: ListKey,
  body: Doc,
  uid: string,
): Entry {
  return roleBased(row, key)
    ? { _id: uid, role_ids: checkRoleIds(c, body.role_ids) }
    : { _id: uid, access: checkAccessValue(body.access) };
}

/**
 * The undocumented `/containers/{id}/permissions` routes read their body against the
 * operation of the container's own type (`add_project_permission`, …), so an unknown field is
 * refused there too; documented routes were checked when the body was read.
 */
function checkLikeDocumented(
  c: Context<AppEnv>,
  row: ContainerRow,
  verb: 'add' | 'modify',
  body: Doc,
): void {
  if ((c.get('op') as { documented?: boolean } | undefined)?.documented) return;
  checkBody(
    verb === 'add' ? `add_${row.type}_permission` : `modify_${row.type}_user_permission`,
    body,
  );
}

/** Save `list` as the doc's `key` list (project permissions are stored role based). */
function save(c: Context<AppEnv>, row: ContainerRow, key: ListKey, list: Entry[]): void {
  mutateDoc(c, row, (doc) => {
    doc[key] = list;
  });
}

/**
 * `?propagate=` of the template operations, a boolean in any case: Python's `requests` sends
 * `True`/`False`, other clients `true`/`false`. Anything else is a 400 naming the parameter.
 */
function propagateFlag(c: Context<AppEnv>): boolean {
  const raw = c.req.query('propagate');
  if (raw === undefined || raw === '') return false;
  const v = raw.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw badRequest(`query parameter "propagate" must be true or false, not ${JSON.stringify(raw)}`);
}

/** A template entry change as it is pushed to the group's projects. */
type TemplateChange = { verb: 'add' | 'modify'; entry: RolePermission } | { verb: 'remove' };

/**
 * `?propagate=true` on a group template change reaches the group's existing projects, as the
 * reference does it: an added entry is set on every project (replacing the user's entry where
 * there is one); a modified or removed entry changes only the projects where the user already
 * has an entry. Without the flag a template only seeds new projects. Runs inside the caller's
 * transaction (see `saveAndSpread`).
 */
function propagate(
  c: Context<AppEnv>,
  group: ContainerRow,
  uid: string,
  change: TemplateChange,
): void {
  const db = c.get('state').db;
  const projects = db
    .prepare(`SELECT * FROM containers WHERE type = 'project' AND group_id = ?`)
    .all(group.id) as ContainerRow[];
  for (const p of projects) {
    const doc = parseDoc(p);
    const current = rolePermissions(db, (doc.permissions ?? []) as Doc[]);
    const had = current.some((x) => x._id === uid);
    if (!had && change.verb !== 'add') continue;
    const perms = current.filter((x) => x._id !== uid);
    if (change.verb !== 'remove') perms.push({ ...change.entry });
    doc.permissions = perms;
    doc.modified = now();
    saveContainer(db, p, doc);
  }
}

/**
 * Save the list and, for a propagated template change, rewrite the group's projects, in one
 * transaction: a failure part-way leaves the template and every project as they were.
 */
function saveAndSpread(
  c: Context<AppEnv>,
  row: ContainerRow,
  key: ListKey,
  list: Entry[],
  spread: false | (TemplateChange & { uid: string }),
): void {
  c.get('state').db.transaction(() => {
    save(c, row, key, list);
    if (spread) propagate(c, row, spread.uid, spread);
  })();
}

const add =
  (key: ListKey): RowHandler =>
  async (c, row) => {
    const db = c.get('state').db;
    requireAccess(db, me(c), row, 'admin');
    const spread = key === 'permissions_template' && propagateFlag(c);
    const body = await readObject(c);
    checkLikeDocumented(c, row, 'add', body);
    if (typeof body._id !== 'string' || !getUser(db, body._id))
      throw badRequest(`user ${String(body._id)} does not exist`);
    const entry = entryFromBody(c, row, key, body, body._id);
    const list = entries(c, row, key);
    if (list.some((p) => p._id === body._id))
      throw conflict(`user ${body._id} already has a permission`);
    saveAndSpread(
      c,
      row,
      key,
      [...list, entry],
      spread && {
        uid: body._id,
        verb: 'add',
        entry: entry as RolePermission,
      },
    );
    return replyUntyped(c, entry);
  };

const get =
  (key: ListKey): RowHandler =>
  (c, row, [uid = '']) => {
    const db = c.get('state').db;
    const user = me(c);
    // one's own entry needs read access; another user's entry is for admins only
    requireAccess(db, user, row, uid === user.doc._id ? 'ro' : 'admin');
    const p = entries(c, row, key).find((x) => x._id === uid);
    if (!p) throw notFound(`permission for ${uid} not found`);
    return replyUntyped(c, p);
  };

/** Admin access, and the user must already have an entry here. */
function requireExisting(
  c: Context<AppEnv>,
  row: ContainerRow,
  key: ListKey,
  uid: string,
): Entry[] {
  requireAccess(c.get('state').db, me(c), row, 'admin');
  const list = entries(c, row, key);
  if (!list.some((x) => x._id === uid)) throw notFound(`permission for ${uid} not found`);
  return list;
}

const modify =
  (key: ListKey): RowHandler =>
  async (c, row, [uid = '']) => {
    const spread = key === 'permissions_template' && propagateFlag(c);
    const list = requireExisting(c, row, key, uid);
    const body = await readObject(c);
    checkLikeDocumented(c, row, 'modify', body);
    const entry = entryFromBody(c, row, key, body, uid);
    const next = list.map((p) => (p._id === uid ? entry : p));
    saveAndSpread(
      c,
      row,
      key,
      next,
      spread && { uid, verb: 'modify', entry: entry as RolePermission },
    );
    return replyUntyped(c, entry);
  };

const remove =
  (key: ListKey): RowHandler =>
  (c, row, [uid = '']) => {
    const spread = key === 'permissions_template' && propagateFlag(c);
    const list = requireExisting(c, row, key, uid);
    const next = list.filter((p) => p._id !== uid);
    saveAndSpread(c, row, key, next, spread && { uid, verb: 'remove' });
    return replyUntyped(c, { modified: 1 });
  };

/**
 * Permissions: access based (`{_id, access}`) on groups and collections, role based
 * (`{_id, role_ids}`) on projects; group permission templates (role based, applied to new
 * projects, `propagate=true` to existing ones). Undocumented through `/containers/{id}`.
 */
export function registerPermissionRoutes(routes: RouteTable): void {
  const k: ListKey = 'permissions';
  for (const t of WITH_PERMISSIONS) {
    routes.on(`add_${t}_permission`, direct(t, add(k)));
    routes.on(`get_${t}_user_permission`, direct(t, get(k)));
    routes.on(`modify_${t}_user_permission`, direct(t, modify(k)));
    routes.on(`delete_${t}_user_permission`, direct(t, remove(k)));
  }
  const tk: ListKey = 'permissions_template';
  routes.on('add_group_permission_template', direct('group', add(tk)));
  routes.on('get_group_user_permission_template', direct('group', get(tk)));
  routes.on('modify_group_user_permission_template', direct('group', modify(tk)));
  routes.on('delete_group_user_permission_template', direct('group', remove(tk)));
  const t: OpType = 'container';
  routes.extra('POST', '/containers/{Id}/permissions', direct(t, own(add(k))));
  const one = '/containers/{Id}/permissions/{UserId}';
  routes.extra('GET', one, direct(t, own(get(k))));
  routes.extra('PUT', one, direct(t, own(modify(k))));
  routes.extra('DELETE', one, direct(t, own(remove(k))));
}
