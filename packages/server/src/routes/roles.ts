import type { RouteTable } from '../app/operations.js';
import type { Context, Hono } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { ContainerRow, Doc } from '../db/containers.js';
import { requireAccess, requireUser } from '../app/access.js';
import { badRequest, conflict, forbidden, HttpError, notFound } from '../app/errors.js';
import { isObjectId, objectId } from '../app/ids.js';
import { readObject, replyUntyped } from '../app/json.js';
import { pageBody } from '../app/finder.js';
import { isObj, optStringArray, reqString } from '../app/validate.js';

function getRole(c: Context<AppEnv>, id: string): Doc {
  const row = isObjectId(id)
    ? (c.get('state').db.prepare('SELECT doc FROM roles WHERE id = ?').get(id) as
        { doc: string } | undefined)
    : undefined;
  if (!row) throw notFound(`role ${id} not found`);
  return JSON.parse(row.doc) as Doc;
}

function allRoles(c: Context<AppEnv>): Doc[] {
  const rows = c.get('state').db.prepare('SELECT doc FROM roles ORDER BY id').all() as {
    doc: string;
  }[];
  return rows.map((r) => JSON.parse(r.doc) as Doc);
}

const checkRoleBody = (body: Record<string, unknown>) => {
  for (const k of Object.keys(body))
    if (!['label', 'actions'].includes(k)) throw badRequest(`unexpected property "${k}" in role`);
};

/** Whether a role is given to anyone on a project or used by a group. */
function inUse(c: Context<AppEnv>, id: string): boolean {
  const db = c.get('state').db;
  if (db.prepare('SELECT 1 FROM group_roles WHERE role_id = ? LIMIT 1').get(id)) return true;
  return Boolean(
    db
      .prepare(
        `SELECT 1 FROM containers c, json_each(c.doc, '$.permissions') pe, json_each(pe.value, '$.role_ids') r
         WHERE c.type = 'project' AND r.value = ? LIMIT 1`,
      )
      .get(id),
  );
}

/** The wire form of a role (`RoleOutput`). */
const roleOut = (c: Context<AppEnv>, r: Doc) => ({ ...r, in_use: inUse(c, r._id) });

/**
 * Site roles: `/roles`, `/roles/{role_id}`. The three default roles cannot be changed or
 * removed; a role in use on a project cannot be deleted.
 */
export function registerRoleRoutes(routes: RouteTable): void {
  routes.on('get_all_roles', (c) => {
    requireUser(c.get('user'));
    const all = allRoles(c).map((r) => roleOut(c, r));
    return replyUntyped(c, pageBody(c, all, all.length));
  });
  routes.on('add_role', async (c) => {
    const user = requireUser(c.get('user'));
    if (!user.isAdmin) throw forbidden('only site admins can add roles');
    const body = await readObject(c);
    checkRoleBody(body);
    const label = reqString(body, 'label', 256);
    const actions = optStringArray(body, 'actions') ?? [];
    const db = c.get('state').db;
    if (db.prepare('SELECT 1 FROM roles WHERE label = ?').get(label))
      throw conflict(`role ${label} already exists`);
    const id = objectId();
    const doc = { _id: id, label, actions };
    db.prepare('INSERT INTO roles (id, label, doc) VALUES (?, ?, ?)').run(
      id,
      label,
      JSON.stringify(doc),
    );
    return replyUntyped(c, roleOut(c, doc));
  });
  routes.on('get_role', (c, [id = '']) => {
    requireUser(c.get('user'));
    return replyUntyped(c, roleOut(c, getRole(c, id)));
  });
  const editable = (c: Context<AppEnv>, id: string): Doc => {
    const user = requireUser(c.get('user'));
    if (!user.isAdmin) throw forbidden('only site admins can change roles');
    const role = getRole(c, id);
    if (role.default_flywheel_role)
      throw badRequest(`default role ${role.label} cannot be changed`);
    return role;
  };
  routes.on('delete_role', (c, [id = '']) => {
    const role = editable(c, id);
    if (inUse(c, role._id)) throw badRequest(`role ${role.label} is in use`);
    const db = c.get('state').db;
    db.prepare('DELETE FROM roles WHERE id = ?').run(role._id);
    return c.body(null, 204);
  });
  routes.on('modify_role', async (c, [id = '']) => {
    const role = editable(c, id);
    const db = c.get('state').db;
    const body = await readObject(c);
    checkRoleBody(body);
    if (body.label !== undefined) role.label = reqString(body, 'label', 256);
    if (body.actions !== undefined) role.actions = optStringArray(body, 'actions') ?? [];
    const clash = db
      .prepare('SELECT 1 FROM roles WHERE label = ? AND id != ?')
      .get(role.label, role._id);
    if (clash) throw conflict(`role ${role.label} already exists`);
    db.prepare('UPDATE roles SET label = ?, doc = ? WHERE id = ?').run(
      role.label,
      JSON.stringify(role),
      role._id,
    );
    return replyUntyped(c, roleOut(c, role));
  });
}

/** Roles a group offers: the default roles and those added to it. */
export function groupRoleDocs(c: Context<AppEnv>, groupId: string): Doc[] {
  const db = c.get('state').db;
  const defaults = allRoles(c).filter((r) => r.default_flywheel_role);
  const extra = db
    .prepare(
      'SELECT r.doc FROM group_roles g JOIN roles r ON r.id = g.role_id WHERE g.group_id = ? ORDER BY r.id',
    )
    .all(groupId) as { doc: string }[];
  return [...defaults, ...extra.map((r) => JSON.parse(r.doc) as Doc)];
}

/**
 * `GET/POST /groups/{group_id}/roles` and `GET/DELETE /groups/{group_id}/roles/{role_id}`:
 * `get_all_group_roles`, `add_role_to_group` (`{_id}` → the role), `get_group_role`,
 * `remove_role_from_group` (204).
 */
export async function groupRoles(
  c: Context<AppEnv>,
  user: CurrentUser,
  group: ContainerRow,
  rest: string[],
): Promise<Response> {
  const db = c.get('state').db;
  const m = c.req.method;
  if (rest.length === 0 && m === 'GET') {
    requireAccess(db, user, group, 'ro');
    return replyUntyped(
      c,
      groupRoleDocs(c, group.id).map((r) => roleOut(c, r)),
    );
  }
  if (rest.length === 1 && m === 'GET') {
    requireAccess(db, user, group, 'ro');
    const r = groupRoleDocs(c, group.id).find((x) => x._id === rest[0]);
    if (!r) throw notFound(`role ${rest[0]} is not assigned to group ${group.id}`);
    return replyUntyped(c, roleOut(c, r));
  }
  if (rest.length === 0 && m === 'POST') {
    requireAccess(db, user, group, 'admin');
    const body = await readObject(c);
    if (!isObj(body) || typeof body._id !== 'string')
      throw badRequest('"_id" (role id) is required');
    const role = getRole(c, body._id);
    if (!role.default_flywheel_role) {
      db.prepare('INSERT OR IGNORE INTO group_roles (group_id, role_id) VALUES (?, ?)').run(
        group.id,
        role._id,
      );
    }
    return replyUntyped(c, roleOut(c, role));
  }
  if (rest.length === 1 && m === 'DELETE') {
    requireAccess(db, user, group, 'admin');
    const role = getRole(c, rest[0]!);
    if (role.default_flywheel_role)
      throw badRequest('default roles cannot be removed from a group');
    const r = db
      .prepare('DELETE FROM group_roles WHERE group_id = ? AND role_id = ?')
      .run(group.id, role._id);
    if (r.changes === 0) throw notFound(`role ${role._id} is not assigned to group ${group.id}`);
    return c.body(null, 204);
  }
  throw new HttpError(404, `The resource ${m} ${c.req.path} could not be found`);
}
