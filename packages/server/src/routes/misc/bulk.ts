import type { RouteTable } from '../../app/operations.js';
import type { CurrentUser } from '../../app/context.js';
import { requireAccess, requireUser } from '../../app/access.js';
import { createContainer, embedSubject, loadContainer } from '../../app/containers.js';
import { shaped } from '../../app/documents.js';
import { badRequest } from '../../app/errors.js';
import { readJson, replyUntyped } from '../../app/json.js';
import { now } from '../../app/time.js';
import {
  getRow,
  parseDoc,
  saveContainer,
  type ContainerRow,
  type Doc,
} from '../../db/containers.js';
import type { Db } from '../../db/open.js';

/**
 * `POST /bulk/move/sessions`: move sessions under another subject (or into another project,
 * under the subject with the same code there, created if missing), rewriting the parents of
 * the sessions, their acquisitions and every analysis below. Answers the conflicts: a session
 * with the same label already under the destination subject.
 */
function reparent(db: Db, row: ContainerRow, parents: Doc, permId: string, subject?: Doc): void {
  const doc = parseDoc(row);
  doc.parents = { ...doc.parents, ...parents };
  if (row.type === 'session') {
    doc.project = parents.project;
    doc.group = parents.group;
    if (subject) doc.subject = embedSubject(subject);
  }
  if (row.type === 'acquisition' || row.type === 'analysis') {
    // parents keep their own levels below the session
  }
  doc.modified = now();
  saveContainer(db, { ...row, perm_id: permId }, doc);
}

function moveSession(db: Db, session: ContainerRow, subject: ContainerRow): void {
  const parents = { group: subject.group_id, project: subject.project_id, subject: subject.id };
  const permId = subject.project_id!;
  reparent(db, session, parents, permId, parseDoc(subject));
  const below = db
    .prepare(
      "SELECT * FROM containers WHERE session_id = ? AND id != ? AND type IN ('acquisition', 'analysis')",
    )
    .all(session.id, session.id) as ContainerRow[];
  const analysesOfSession = db
    .prepare(
      "SELECT * FROM containers WHERE type = 'analysis' AND parent_id = ? AND session_id IS NULL",
    )
    .all(session.id) as ContainerRow[];
  for (const r of [...below, ...analysesOfSession]) reparent(db, r, parents, permId);
}

function subjectIn(
  db: Db,
  user: CurrentUser,
  project: ContainerRow,
  like: ContainerRow,
): ContainerRow {
  const code = like.code ?? like.label;
  const found = db
    .prepare(
      "SELECT * FROM containers WHERE type = 'subject' AND project_id = ? AND (code = ? OR label = ?) ORDER BY id LIMIT 1",
    )
    .get(project.id, code, code) as ContainerRow | undefined;
  if (found) return found;
  const src = parseDoc(like);
  const body: Doc = { project: project.id, code };
  for (const k of [
    'label',
    'sex',
    'species',
    'strain',
    'type',
    'race',
    'ethnicity',
    'firstname',
    'lastname',
  ])
    if (src[k] !== undefined) body[k] = src[k];
  return getRow(db, createContainer(db, user, 'subject', body))!;
}

export function registerBulkRoutes(routes: RouteTable): void {
  routes.on('bulk_move_sessions', async (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const body = shaped(await readJson(c), {
      fields: {
        destination_container_type: { enum: ['sessions', 'subjects', 'projects'] },
        sources: { array: 'string' },
        destinations: { array: 'string' },
        conflict_mode: { enum: ['skip', 'move', 'dry'] },
        remove_source: 'bool',
      },
      required: ['destination_container_type', 'sources', 'destinations', 'conflict_mode'],
    });
    const destType = body.destination_container_type as string;
    if (destType === 'sessions') throw badRequest('sessions can be moved to subjects or projects');
    const dests = body.destinations as string[];
    if (dests.length !== 1) throw badRequest('give exactly one destination');
    const dest = loadContainer(db, destType === 'subjects' ? 'subject' : 'project', dests[0]!);
    const destProject = destType === 'subjects' ? getRow(db, dest.project_id!)! : dest;
    requireAccess(db, user, destProject, 'rw');
    const sources = (body.sources as string[]).map((id) => {
      const s = loadContainer(db, 'session', id);
      requireAccess(db, user, s, 'rw');
      return s;
    });
    const mode = body.conflict_mode as string;
    const conflicts: Doc[] = [];
    db.transaction(() => {
      const moves: { s: ContainerRow; subject: () => ContainerRow }[] = [];
      for (const s of sources) {
        const srcSubject = getRow(db, s.subject_id!)!;
        const target =
          destType === 'subjects' ? () => dest : () => subjectIn(db, user, destProject, srcSubject);
        const existingSubject =
          destType === 'subjects'
            ? dest
            : (db
                .prepare(
                  "SELECT * FROM containers WHERE type = 'subject' AND project_id = ? AND code = ? LIMIT 1",
                )
                .get(destProject.id, srcSubject.code ?? srcSubject.label) as
                ContainerRow | undefined);
        const clash = existingSubject
          ? (db
              .prepare(
                "SELECT id, label FROM containers WHERE type = 'session' AND subject_id = ? AND label IS ? AND id != ? LIMIT 1",
              )
              .get(existingSubject.id, s.label, s.id) as
              { id: string; label: string | null } | undefined)
          : undefined;
        if (clash) {
          const conflict: Doc = {
            move_type: ['session'],
            id: s.id,
            conflict_with: { type: 'session', id: clash.id },
          };
          if (s.label !== null) conflict.label = s.label;
          if (clash.label !== null) conflict.conflict_label = clash.label;
          if (srcSubject.code) conflict.subject_code = srcSubject.code;
          conflicts.push(conflict);
          if (mode === 'skip') continue;
        }
        moves.push({ s, subject: target });
      }
      if (mode === 'dry') return;
      for (const m of moves) {
        const oldSubject = m.s.subject_id;
        const fresh = getRow(db, m.s.id)!;
        moveSession(db, fresh, m.subject());
        if (body.remove_source && oldSubject) {
          const left =
            db
              .prepare('SELECT 1 FROM containers WHERE subject_id = ? AND id != ? LIMIT 1')
              .get(oldSubject, oldSubject) ??
            db.prepare('SELECT 1 FROM files WHERE container_id = ? LIMIT 1').get(oldSubject);
          if (!left) db.prepare('DELETE FROM containers WHERE id = ?').run(oldSubject);
        }
      }
    })();
    return replyUntyped(c, conflicts);
  });
}
