import type { Db } from '../db/open.js';
import { parseDoc, type ContainerRow, type Doc } from '../db/containers.js';

export interface PresentOptions {
  /** List projection: `info` emptied with `info_exists`, no embedded analyses. */
  list?: boolean;
  /** `Slim-Containers` feature: omit the embedded analyses list. */
  slim?: boolean;
  /** Add `container_type` (lookup, /containers/{id}). */
  withType?: boolean;
  /** Replace an analysis' job id with the job document. */
  inflateJob?: boolean;
}

export function filesOf(db: Db, containerId: string, role: 'files' | 'inputs' = 'files'): Doc[] {
  const rows = db
    .prepare('SELECT doc FROM files WHERE container_id = ? AND role = ? ORDER BY created, id')
    .all(containerId, role) as { doc: string }[];
  return rows.map((r) => JSON.parse(r.doc) as Doc);
}

function projectInfo(doc: Doc): void {
  const info = doc.info;
  doc.info_exists = Boolean(info && typeof info === 'object' && Object.keys(info).length > 0);
  doc.info = {};
}

/** The wire form of a container row. */
export function presentRow(db: Db, row: ContainerRow, o: PresentOptions = {}): Doc {
  const doc = parseDoc(row);
  if (row.type !== 'group') doc.files = filesOf(db, row.id, 'files');
  else {
    const roles = db
      .prepare('SELECT role_id FROM group_roles WHERE group_id = ? ORDER BY role_id')
      .all(row.id) as { role_id: string }[];
    doc.roles = roles.map((r) => r.role_id);
  }
  if (row.type === 'analysis') {
    doc.inputs = filesOf(db, row.id, 'inputs');
    if (doc.job && o.inflateJob) {
      const j = db.prepare('SELECT doc FROM jobs WHERE id = ?').get(doc.job) as
        { doc: string } | undefined;
      if (j) doc.job = JSON.parse(j.doc);
    }
  } else if (row.type !== 'group') {
    if (o.list || o.slim) {
      // list projections and Slim-Containers leave the embedded analyses out
      delete doc.analyses;
    } else {
      const rows = db
        .prepare(`SELECT * FROM containers WHERE type = 'analysis' AND parent_id = ? ORDER BY id`)
        .all(row.id) as ContainerRow[];
      doc.analyses = rows.map((r) => presentRow(db, r, { inflateJob: o.inflateJob }));
    }
  }
  if (o.list) {
    projectInfo(doc);
    if (row.type === 'session') {
      delete doc.age;
      if (doc.subject) {
        for (const k of ['age', 'sex', 'firstname', 'lastname', 'info']) delete doc.subject[k];
      }
    }
  }
  if (o.withType) doc.container_type = row.type;
  return doc;
}
