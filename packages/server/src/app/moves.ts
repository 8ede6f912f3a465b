import type { Db } from '../db/open.js';
import {
  getRow,
  insertContainer,
  LEVELS,
  parseDoc,
  saveContainer,
  subtreeIds,
  type ContainerRow,
  type Doc,
} from '../db/containers.js';
import type { CurrentUser } from './context.js';
import { requireAccess, type Access } from './access.js';
import { badRequest, conflict } from './errors.js';
import { objectId } from './ids.js';
import { now } from './time.js';

/**
 * Moving a container to another parent (`PUT /projects/{id} {group}`, `/subjects/{id}
 * {project}`, `/sessions/{id} {project}|{subject}`, `/acquisitions/{id} {session}`), as a site
 * does it: the caller needs write access on both ends (a project move changes who governs the
 * project, so the project itself needs admin), and everything below follows, `parents` and the
 * ancestry columns rewritten, subjects/sessions/acquisitions governed by their new project.
 */
export interface Move {
  /** The new parents of the moved container itself. */
  parents: Doc;
  /** Top-level fields naming the parent (`group`, `project`, `session`). */
  fields: Doc;
  /** The container that now governs access (perm_id). */
  permId: string;
  /** Sessions: the subject they now belong to. */
  subject?: ContainerRow;
}

const SOURCE_LEVEL: Record<string, Access> = { project: 'admin' };

/** Check both ends and describe the move; `target` is the new parent row. */
export function planMove(
  db: Db,
  user: CurrentUser | undefined,
  row: ContainerRow,
  target: ContainerRow,
  subjectFor?: (project: ContainerRow) => ContainerRow,
): Move {
  if (user) {
    requireAccess(db, user, row, SOURCE_LEVEL[row.type] ?? 'rw');
    requireAccess(db, user, target, 'rw');
  }
  const tdoc = parseDoc(target);
  switch (row.type) {
    case 'project':
      return { parents: { group: target.id }, fields: { group: target.id }, permId: row.id };
    case 'subject': {
      const code = row.code;
      const taken =
        code !== null &&
        db
          .prepare(
            `SELECT 1 FROM containers WHERE type='subject' AND project_id=? AND code=? AND id != ?`,
          )
          .get(target.id, code, row.id);
      if (taken)
        throw conflict(
          `subject ${code} already exists in project ${target.id}: rename one of them first`,
        );
      return {
        parents: { group: target.group_id, project: target.id },
        fields: { project: target.id },
        permId: target.id,
      };
    }
    case 'session': {
      // to a subject (any project), or to a project: the subject with the same code there,
      // created as a copy of the session's subject when the project has none
      const subject = target.type === 'subject' ? target : subjectFor!(target);
      const projectId = subject.project_id!;
      return {
        parents: { group: subject.group_id, project: projectId, subject: subject.id },
        fields: { project: projectId, group: subject.group_id },
        permId: projectId,
        subject,
      };
    }
    case 'acquisition':
      return {
        parents: { ...(tdoc.parents ?? {}), session: target.id },
        fields: { session: target.id },
        permId: target.perm_id ?? target.project_id!,
      };
    default:
      throw badRequest(`a ${row.type} cannot be moved`);
  }
}

/** The subject a session moving to `project` lands on (same code, else a copy). */
export function subjectInProject(
  db: Db,
  project: ContainerRow,
  current: Doc | undefined,
): ContainerRow {
  const code = current?.code ?? current?.label;
  if (typeof code === 'string') {
    const found = db
      .prepare(`SELECT * FROM containers WHERE type='subject' AND project_id=? AND code=? LIMIT 1`)
      .get(project.id, code) as ContainerRow | undefined;
    if (found) return found;
  }
  const src = current?._id ? getRow(db, current._id as string) : undefined;
  if (!src && typeof code !== 'string')
    throw badRequest('the session has no subject: give "subject" with a code to move it');
  const base = src ? parseDoc(src) : { code, label: code };
  const t = now();
  const doc: Doc = {
    ...base,
    _id: objectId(),
    project: project.id,
    parents: { group: project.group_id, project: project.id },
    created: t,
    modified: t,
  };
  delete doc.revision;
  insertContainer(db, 'subject', doc, project.id);
  return getRow(db, doc._id)!;
}

/** Rewrite everything below a moved container (after the container itself is saved). */
export function moveDescendants(db: Db, moved: ContainerRow, move: Move): void {
  const depth = LEVELS.indexOf(moved.type as (typeof LEVELS)[number]);
  const above: Doc = {};
  for (const lvl of LEVELS.slice(0, depth)) if (move.parents[lvl]) above[lvl] = move.parents[lvl];
  for (const id of subtreeIds(db, moved.id)) {
    if (id === moved.id) continue;
    const r = getRow(db, id)!;
    const d = parseDoc(r);
    d.parents = { ...(d.parents ?? {}), ...above };
    for (const f of ['group', 'project'] as const)
      if (typeof d[f] === 'string' && above[f]) d[f] = above[f];
    // a project's own analyses and children are governed by the project, which did not change
    saveContainer(db, { ...r, perm_id: moved.type === 'project' ? r.perm_id : move.permId }, d);
  }
}
