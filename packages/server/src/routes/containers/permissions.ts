import type { Context } from 'hono';
import type { AppEnv } from '../../app/context.js';
import type { RouteTable } from '../../app/operations.js';
import { routeNotFound } from '../../app/operations.js';
import { accessTo, checkAccessValue, requireAccess, type Permission } from '../../app/access.js';
import { badRequest, conflict, notFound } from '../../app/errors.js';
import { readObject, replyUntyped } from '../../app/json.js';
import { getUser } from '../../db/users.js';
import { getRow, parseDoc, type ContainerRow } from '../../db/containers.js';
import { direct, me, mutate, WITH_PERMISSIONS, type OpType, type RowHandler } from './target.js';

const perms = (c: Context<AppEnv>, row: ContainerRow): Permission[] =>
  (parseDoc(getRow(c.get('state').db, row.id)!).permissions ?? []) as Permission[];

/** Only groups, projects and collections carry permissions (also through `/containers/{id}`). */
const own =
  (h: RowHandler): RowHandler =>
  (c, row, args) => {
    if (!WITH_PERMISSIONS.includes(row.type)) throw routeNotFound(c);
    return h(c, row, args);
  };

const add: RowHandler = async (c, row) => {
  const db = c.get('state').db;
  requireAccess(db, me(c), row, 'admin');
  const body = await readObject(c);
  if (typeof body._id !== 'string' || !getUser(db, body._id))
    throw badRequest(`user ${String(body._id)} does not exist`);
  const access = checkAccessValue(body.access);
  if (perms(c, row).some((p) => p._id === body._id))
    throw conflict(`user ${body._id} already has a permission`);
  return mutate(c, row, (doc) => {
    (doc.permissions ??= []).push({ _id: body._id, access });
  });
};

const get: RowHandler = (c, row, [uid = '']) => {
  const db = c.get('state').db;
  const user = me(c);
  if (!accessTo(db, user, row)) requireAccess(db, user, row, 'ro');
  const p = perms(c, row).find((x) => x._id === uid);
  if (!p) throw notFound(`permission for ${uid} not found`);
  return replyUntyped(c, p);
};

/** Admin access, and the user must already have a permission here. */
function requireExisting(c: Context<AppEnv>, row: ContainerRow, uid: string): void {
  requireAccess(c.get('state').db, me(c), row, 'admin');
  if (!perms(c, row).some((x) => x._id === uid)) throw notFound(`permission for ${uid} not found`);
}

const modify: RowHandler = async (c, row, [uid = '']) => {
  requireExisting(c, row, uid);
  const body = await readObject(c);
  const access = checkAccessValue(body.access);
  return mutate(c, row, (doc) => {
    doc.permissions = (doc.permissions as Permission[]).map((p) =>
      p._id === uid ? { ...p, access } : p,
    );
  });
};

const remove: RowHandler = (c, row, [uid = '']) => {
  requireExisting(c, row, uid);
  return mutate(
    c,
    row,
    (doc) => {
      doc.permissions = (doc.permissions as Permission[]).filter((p) => p._id !== uid);
    },
    'deleted',
  );
};

/** Permissions of groups, projects and collections; undocumented through `/containers/{id}`. */
export function registerPermissionRoutes(routes: RouteTable): void {
  for (const t of WITH_PERMISSIONS) {
    routes.on(`add_${t}_permission`, direct(t, add));
    routes.on(`get_${t}_user_permission`, direct(t, get));
    routes.on(`modify_${t}_user_permission`, direct(t, modify));
    routes.on(`delete_${t}_user_permission`, direct(t, remove));
  }
  const t: OpType = 'container';
  routes.extra('POST', '/containers/{Id}/permissions', direct(t, own(add)));
  const one = '/containers/{Id}/permissions/{UserId}';
  routes.extra('GET', one, direct(t, own(get)));
  routes.extra('PUT', one, direct(t, own(modify)));
  routes.extra('DELETE', one, direct(t, own(remove)));
}
