import type { Db } from '../db/open.js';
import { getRow, parseDoc, type ContainerRow } from '../db/containers.js';
import type { CurrentUser } from './context.js';
import { forbidden, HttpError } from './errors.js';

export type Access = 'ro' | 'rw' | 'admin';
export const ACCESS_LEVELS: readonly Access[] = ['ro', 'rw', 'admin'];
const RANK: Record<Access, number> = { ro: 1, rw: 2, admin: 3 };

export interface Permission {
  _id: string;
  access: Access;
}
/** A v21 project permission: the user's roles. */
export interface RolePermission {
  _id: string;
  role_ids: string[];
}

/**
 * The access level a set of roles grants, from their actions: managing project permissions is
 * `admin`, modifying metadata `rw`, viewing metadata `ro`; roles granting none of these: none.
 */
export function accessOfRoles(db: Db, roleIds: readonly string[]): Access | null {
  let best: Access | null = null;
  for (const id of roleIds) {
    const r = db.prepare('SELECT doc FROM roles WHERE id = ?').get(id) as
      { doc: string } | undefined;
    if (!r) continue;
    const actions = new Set((JSON.parse(r.doc) as { actions?: string[] }).actions ?? []);
    const level: Access | null = actions.has('project_permissions_manage')
      ? 'admin'
      : actions.has('containers_modify_metadata')
        ? 'rw'
        : actions.has('containers_view_metadata')
          ? 'ro'
          : null;
    if (level && (!best || RANK[level] > RANK[best])) best = level;
  }
  return best;
}

/** Access of one stored permission entry (access based, or role based on projects). */
export function permissionAccess(db: Db, p: Partial<Permission & RolePermission>): Access | null {
  if (Array.isArray(p.role_ids)) return accessOfRoles(db, p.role_ids);
  return p.access ?? null;
}

export function requireUser(user: CurrentUser | null): CurrentUser {
  if (!user) throw new HttpError(401, 'Authentication required');
  return user;
}

/**
 * The reader of a request without credentials (only reads of container paths get one, see
 * `auth.ts`): it may read public projects (`public: true`) and everything governed by them.
 */
export const anonymousReader = (): CurrentUser => ({
  doc: { _id: '(anonymous)', anonymous: true },
  isAdmin: false,
  key: null,
});
export const isAnonymous = (u: CurrentUser): boolean => u.doc.anonymous === true;

/** SQL: the ids of public projects. */
const PUBLIC_PROJECTS = `SELECT pp.id FROM containers pp WHERE pp.type = 'project' AND json_extract(pp.doc, '$.public') = 1`;

/** The caller's access to a container: its own (group/project/collection) or inherited. */
export function accessTo(db: Db, user: CurrentUser, row: ContainerRow): Access | null {
  if (user.isAdmin) return 'admin';
  const governing =
    row.perm_id === row.id ? row : row.perm_id ? getRow(db, row.perm_id) : undefined;
  if (!governing) return null;
  // public projects (and their subjects, sessions, acquisitions, analyses) are readable by all
  if (governing.type === 'project' && parseDoc(governing).public === true) {
    if (isAnonymous(user)) return 'ro';
  } else if (isAnonymous(user)) return null;
  const gdoc = parseDoc(governing);
  const perms = (gdoc.permissions ?? []) as Permission[];
  const entry = perms.find((p) => p._id === user.doc._id);
  const own = entry ? permissionAccess(db, entry) : null;
  if (own) return own;
  if (governing.type === 'project' && gdoc.public === true) return 'ro';
  if (row.type === 'group') {
    // a user with access to any project of the group may see the group itself
    const p = db
      .prepare(
        `SELECT 1 FROM containers c, json_each(c.doc, '$.permissions') pe
         WHERE c.type = 'project' AND c.group_id = ? AND json_extract(pe.value, '$._id') = ?
           AND ${grantsRead('pe')} LIMIT 1`,
      )
      .get(row.id, user.doc._id);
    if (p) return 'ro';
  }
  return null;
}

/** Throw 403 unless the caller has at least `level` on the container. */
export function requireAccess(db: Db, user: CurrentUser, row: ContainerRow, level: Access): void {
  const have = accessTo(db, user, row);
  if (!have && isAnonymous(user))
    throw new HttpError(401, `Authentication required: ${row.type} ${row.id} is not public`);
  if (!have || RANK[have] < RANK[level]) {
    throw forbidden(`user ${user.doc._id} does not have ${level} access to ${row.type} ${row.id}`);
  }
}

/**
 * SQL condition on a permissions entry (`json_each` value `pe`) that grants read access: an
 * access level, or roles one of which views metadata (the same rule as `accessOfRoles`).
 */
const grantsRead = (pe: string) => `(json_extract(${pe}.value, '$.access') IN ('ro','rw','admin')
  OR EXISTS (SELECT 1 FROM json_each(${pe}.value, '$.role_ids') ri
    JOIN roles rr ON rr.id = ri.value, json_each(rr.doc, '$.actions') ra
    WHERE ra.value IN ('containers_view_metadata','containers_modify_metadata','project_permissions_manage')))`;

/**
 * SQL condition (on containers alias `a`) that keeps only rows the user may read: the row-level
 * visibility every list applies (top-level lists, child lists, collection contents, analyses
 * below a container, search), the same rule as `accessTo` for direct reads. Site admins are
 * restricted too unless `exhaustive` is set, like the reference.
 */
export function visibleSql(
  user: CurrentUser,
  exhaustive: boolean,
  a = 'c',
): { sql: string; params: string[] } {
  if (user.isAdmin && exhaustive) return { sql: '1', params: [] };
  if (isAnonymous(user)) return { sql: `${a}.perm_id IN (${PUBLIC_PROJECTS})`, params: [] };
  const uid = user.doc._id;
  const granted = `SELECT g.id FROM containers g, json_each(g.doc, '$.permissions') pe
     WHERE g.type IN ('group','project','collection') AND json_extract(pe.value, '$._id') = ?
       AND ${grantsRead('pe')}`;
  return {
    sql: `(${a}.perm_id IN (${granted}) OR ${a}.perm_id IN (${PUBLIC_PROJECTS}) OR (${a}.type = 'group' AND ${a}.id IN (
       SELECT p.group_id FROM containers p, json_each(p.doc, '$.permissions') pe2
       WHERE p.type = 'project' AND json_extract(pe2.value, '$._id') = ? AND ${grantsRead('pe2')})))`,
    params: [uid, uid],
  };
}

export function checkAccessValue(v: unknown): Access {
  if (typeof v !== 'string' || !(ACCESS_LEVELS as readonly string[]).includes(v)) {
    throw new HttpError(400, 'access must be one of ro, rw, admin');
  }
  return v as Access;
}

/**
 * Adding a gear: site admins and users with the `developer` site role (as a site lets gear
 * developers upload gears). 403 naming the role otherwise.
 */
export function requireGearAdmin(user: CurrentUser): void {
  if (user.isAdmin || (user.doc.roles ?? []).includes('developer')) return;
  throw forbidden(
    `user ${user.doc._id} may not add gears: that needs the site_admin or developer site role`,
  );
}
