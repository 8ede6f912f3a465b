/**
 * `DELETE /{types}` with a list of ids (`delete_<types>_by_ids` → `DeletedResult`) and
 * `POST /{types}/{id}/copy` (deep copy, `app/copy.ts`).
 */
import type { Context } from 'hono';
import type { AppEnv, CurrentUser } from '../../app/context.js';
import type { RouteTable } from '../../app/operations.js';
import { accessTo, requireAccess } from '../../app/access.js';
import { badRequest, conflict, forbidden, notFound } from '../../app/errors.js';
import { ok, readJson, readObject, replyUntyped } from '../../app/json.js';
import { presentRow, defaultRoleId } from '../../app/present.js';
import { embedSubject, loadParent, subjectCodeTaken, syncSubject } from '../../app/containers.js';
import { copyStrings, copySubtree, parseCopyFilter } from '../../app/copy.js';
import { objectId } from '../../app/ids.js';
import {
  deleteSubtree,
  getRow,
  getRowOfType,
  parseDoc,
  CONTAINER_TYPES,
  PLURAL,
  type ContainerRow,
  type CType,
} from '../../db/containers.js';
import { direct, me, touchRow, WITH_PERMISSIONS, type RowHandler } from './target.js';
import type { Doc } from '../../db/containers.js';

const BULK: readonly CType[] = CONTAINER_TYPES;

/** Delete each listed container (with its subtree); all-or-nothing on permissions. */
function deleteByIds(type: CType) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const state = c.get('state');
    const user = me(c);
    const body = await readJson(c);
    if (!Array.isArray(body) || body.some((x) => typeof x !== 'string'))
      throw badRequest('body must be a list of ids');
    const rows: ContainerRow[] = [];
    let missing = 0;
    for (const id of new Set(body as string[])) {
      const row = getRowOfType(state.db, type, id);
      if (!row) {
        missing++;
        continue;
      }
      requireAccess(state.db, user, row, WITH_PERMISSIONS.includes(type) ? 'admin' : 'rw');
      rows.push(row);
    }
    let deleted = 0;
    for (const row of rows) {
      if (!getRow(state.db, row.id)) continue; // went with an earlier one's subtree
      const blobs = deleteSubtree(state.db, row.id);
      if (row.type === 'analysis' && row.parent_id) touchRow(c, row.parent_id);
      await Promise.all(blobs.map((b) => state.blobs.remove(b)));
      deleted++;
    }
    return replyUntyped(c, { deleted, not_found: missing });
  };
}

function requireCanCreateIn(c: Context<AppEnv>, user: CurrentUser, dest: ContainerRow): void {
  const have = accessTo(c.get('state').db, user, dest);
  if (have !== 'rw' && have !== 'admin')
    throw forbidden(`user ${user.doc._id} cannot create containers in ${dest.type} ${dest.id}`);
}

const copyProject: RowHandler = async (c, src) => {
  const db = c.get('state').db;
  const user = me(c);
  requireAccess(db, user, src, 'ro');
  const body = await readObject(c);
  const filter = parseCopyFilter(body.filter);
  const s = copyStrings(body, ['group_id', 'project_label', 'snapshot_id']);
  if (!s.group_id || !s.project_label)
    throw badRequest('"group_id" and "project_label" are required');
  const group = loadParent(db, 'group', s.group_id, 'group_id');
  requireCanCreateIn(c, user, group);
  const perms = [...((parseDoc(src).permissions ?? []) as Doc[])];
  const admin = defaultRoleId(db, 'admin');
  if (admin && !perms.some((p) => p._id === user.doc._id))
    perms.push({ _id: user.doc._id, role_ids: [admin] });
  const id = db.transaction(() =>
    copySubtree(
      db,
      src,
      {
        parents: { group: group.id },
        permId: null,
        overrides: { label: s.project_label, group: group.id, permissions: perms },
      },
      filter,
      user.doc._id,
    ),
  )();
  // the copy is done when this answers; task and snapshot ids are for the client's records
  return ok(c, 'project_copy', {
    project_id: id,
    task_id: objectId(),
    snapshot_id: s.snapshot_id ?? objectId(),
  });
};

const copySubject: RowHandler = async (c, src) => {
  const db = c.get('state').db;
  const user = me(c);
  requireAccess(db, user, src, 'ro');
  const body = await readObject(c);
  const filter = parseCopyFilter(body.filter);
  const s = copyStrings(body, ['dst_project_id', 'dst_subject_label']);
  if (!s.dst_project_id) throw badRequest('"dst_project_id" is required');
  const project = loadParent(db, 'project', s.dst_project_id, 'dst_project_id');
  requireCanCreateIn(c, user, project);
  const code = s.dst_subject_label ?? (src.code as string);
  if (subjectCodeTaken(db, project.id, code))
    throw conflict(`subject ${code} already exists in project`);
  const id = db.transaction(() =>
    copySubtree(
      db,
      src,
      {
        parents: { group: project.group_id!, project: project.id },
        permId: project.id,
        overrides: { code, label: code, project: project.id },
      },
      filter,
      user.doc._id,
    ),
  )();
  syncSubject(db, id); // the copied sessions embed the new subject
  return replyUntyped(c, presentRow(db, getRow(db, id)!));
};

const copySession: RowHandler = async (c, src) => {
  const db = c.get('state').db;
  const user = me(c);
  requireAccess(db, user, src, 'ro');
  const body = await readObject(c);
  const filter = parseCopyFilter(body.filter);
  const s = copyStrings(body, ['dst_session_label', 'dst_project_id', 'dst_subject_id']);
  let subject: ContainerRow;
  if (s.dst_subject_id) {
    subject = loadParent(db, 'subject', s.dst_subject_id, 'dst_subject_id');
    if (s.dst_project_id && subject.project_id !== s.dst_project_id)
      throw badRequest('"dst_subject_id" is not in "dst_project_id"');
  } else if (s.dst_project_id) {
    // into another project: a subject with the same code there (created if missing)
    const project = loadParent(db, 'project', s.dst_project_id, 'dst_project_id');
    const code = getRow(db, src.subject_id!)?.code;
    const found = db
      .prepare(`SELECT * FROM containers WHERE type='subject' AND project_id=? AND code=?`)
      .get(project.id, code) as ContainerRow | undefined;
    if (!found) throw notFound(`project ${project.id} has no subject ${code}; pass dst_subject_id`);
    subject = found;
  } else subject = getRow(db, src.subject_id!)!;
  requireCanCreateIn(c, user, subject);
  const label = s.dst_session_label ?? (parseDoc(src).label as string);
  const id = db.transaction(() =>
    copySubtree(
      db,
      src,
      {
        parents: { group: subject.group_id!, project: subject.project_id!, subject: subject.id },
        permId: subject.project_id,
        overrides: {
          label,
          project: subject.project_id,
          group: subject.group_id,
          subject: embedSubject(parseDoc(subject)),
        },
      },
      filter,
      user.doc._id,
    ),
  )();
  return replyUntyped(c, presentRow(db, getRow(db, id)!));
};

const copyAcquisition: RowHandler = async (c, src) => {
  const db = c.get('state').db;
  const user = me(c);
  requireAccess(db, user, src, 'ro');
  const body = await readObject(c);
  const filter = parseCopyFilter(body.filter);
  const s = copyStrings(body, ['dst_session_id', 'label']);
  if (!s.dst_session_id) throw badRequest('"dst_session_id" is required');
  const session = loadParent(db, 'session', s.dst_session_id, 'dst_session_id');
  requireCanCreateIn(c, user, session);
  const sp = parseDoc(session).parents as Record<string, string>;
  const id = db.transaction(() =>
    copySubtree(
      db,
      src,
      {
        parents: { ...sp, session: session.id },
        permId: session.perm_id,
        overrides: { label: s.label ?? parseDoc(src).label, session: session.id },
      },
      filter,
      user.doc._id,
    ),
  )();
  return replyUntyped(c, presentRow(db, getRow(db, id)!));
};

export function registerBulkRoutes(routes: RouteTable): void {
  for (const t of BULK) routes.on(`delete_${PLURAL[t]}_by_ids`, deleteByIds(t));
  routes.on('project_copy', direct('project', copyProject));
  routes.on('subject_copy', direct('subject', copySubject));
  routes.on('session_copy', direct('session', copySession));
  routes.on('acquisition_copy', direct('acquisition', copyAcquisition));
}
