import type { OpHandler, RouteTable } from '../app/operations.js';
import type { Context, Hono } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { ContainerRow, Doc } from '../db/containers.js';
import { requireAccess, requireUser } from '../app/access.js';
import { badRequest, conflict, forbidden, HttpError, notFound } from '../app/errors.js';
import { isObjectId, objectId } from '../app/ids.js';
import { ok, readObject, replyUntyped } from '../app/json.js';
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

/** Site roles: `/roles`, `/roles/{RoleId}`. The three default roles cannot be changed or removed. */
export function registerRoleRoutes(routes: RouteTable): void {
  routes.on('get_all_roles', (c) => {
    requireUser(c.get('user'));
    return replyUntyped(c, allRoles(c));
  });
  routes.on('add_role', async (c) => {
    const user = requireUser(c.get('user'));
    if (!user.isAdmin) throw forbidden('only site admins can add roles');
    const body = await readObject(c);
    for (const k of Object.keys(body))
      if (!['label', 'actions'].includes(k)) throw badRequest(`unexpected property "${k}" in role`);
    const label = reqString(body, 'label', 256);
    const actions = optStringArray(body, 'actions') ?? [];
    const db = c.get('state').db;
    if (db.prepare('SELECT 1 FROM roles WHERE label = ?').get(label))
      throw conflict(`role ${label} already exists`);
    const id = objectId();
    db.prepare('INSERT INTO roles (id, label, doc) VALUES (?, ?, ?)').run(
      id,
      label,
      JSON.stringify({ _id: id, label, actions }),
    );
    return ok(c, 'add_role', { _id: id });
  });
  routes.on('get_role', (c, [id = '']) => {
    requireUser(c.get('user'));
    return replyUntyped(c, getRole(c, id));
  });
  const roleItem: OpHandler = async (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    if (!user.isAdmin) throw forbidden('only site admins can change roles');
    const db = c.get('state').db;
    const role = getRole(c, id);
    if (role.default_flywheel_role)
      throw badRequest(`default role ${role.label} cannot be changed`);
    if (c.req.method === 'DELETE') {
      db.transaction(() => {
        db.prepare('DELETE FROM group_roles WHERE role_id = ?').run(role._id);
        db.prepare('DELETE FROM roles WHERE id = ?').run(role._id);
      })();
      return replyUntyped(c, { deleted: 1 });
    }
    const body = await readObject(c);
    for (const k of Object.keys(body))
      if (!['label', 'actions'].includes(k)) throw badRequest(`unexpected property "${k}" in role`);
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
    return replyUntyped(c, { modified: 1 });
  };
  routes.on('modify_role', roleItem);
  routes.on('delete_role', roleItem);
}

/** `/groups/{GroupId}/roles` (GET, POST `{_id}`) and `/groups/{GroupId}/roles/{RoleId}` (DELETE). */
export async function groupRoles(
  c: Context<AppEnv>,
  user: CurrentUser,
  group: ContainerRow,
  rest: string[],
): Promise<Response> {
  const db = c.get('state').db;
  const m = c.req.method;
  const defaults = () => allRoles(c).filter((r) => r.default_flywheel_role);
  if (rest.length === 0 && m === 'GET') {
    requireAccess(db, user, group, 'ro');
    const extra = db
      .prepare(
        'SELECT r.doc FROM group_roles g JOIN roles r ON r.id = g.role_id WHERE g.group_id = ? ORDER BY r.id',
      )
      .all(group.id) as { doc: string }[];
    return replyUntyped(c, [...defaults(), ...extra.map((r) => JSON.parse(r.doc) as Doc)]);
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
    return ok(c, 'add_role_to_group', { modified: 1 });
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
    return replyUntyped(c, { deleted: 1 });
  }
  throw new HttpError(404, `The resource ${m} ${c.req.path} could not be found`);
}
