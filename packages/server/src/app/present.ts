import type { Db } from '../db/open.js';
import { getRow, parseDoc, type ContainerRow, type Doc } from '../db/containers.js';
import { presentJob } from './jobs.js';

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
  return rows.map((r) => presentFile(JSON.parse(r.doc) as Doc, role));
}

/** The storage provider every file of this server lives in (the blob store). */
export const LOCAL_PROVIDER_ID = '000000000000000000000001';

/**
 * The v21 wire form of a file doc (`FileOutput`): fields the reference always sends are filled
 * in (`provider_id`, `revision`, `file_group`, `origin`, `info`), unset optional fields
 * (stored as null) are left out.
 */
export function presentFile(doc: Doc, role: 'files' | 'inputs' = 'files'): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(doc)) if (v !== null && v !== undefined) out[k] = v;
  out.provider_id ??= LOCAL_PROVIDER_ID;
  out.revision ??= 1;
  out.file_group = role;
  out.origin ??= { type: 'user' };
  out.info ??= {};
  out.info_exists = Object.keys(out.info as object).length > 0;
  out.tags ??= [];
  out.size ??= 0;
  out.mimetype ??= 'application/octet-stream';
  return out;
}

/** Role permissions of the project governing `row` (subjects, sessions, acquisitions). */
function projectPermissions(db: Db, row: ContainerRow): Doc[] {
  const pid = row.type === 'project' ? row.id : row.project_id;
  const p = pid ? getRow(db, pid) : undefined;
  if (!p) return [];
  return rolePermissions(db, (parseDoc(p).permissions ?? []) as Doc[]);
}

/** v21 project permissions `{_id, role_ids}` (older docs stored an access level). */
export function rolePermissions(db: Db, perms: Doc[]): Doc[] {
  return perms.map((p) =>
    Array.isArray(p.role_ids)
      ? { _id: p._id, role_ids: p.role_ids }
      : { _id: p._id, role_ids: [defaultRoleId(db, p.access)].filter(Boolean) },
  );
}

/** Id of the default role (`admin`, `rw`, `ro`). */
export function defaultRoleId(db: Db, access: string): string | undefined {
  const r = db
    .prepare(`SELECT id FROM roles WHERE json_extract(doc, '$.default_flywheel_role') = ?`)
    .get(access) as { id: string } | undefined;
  return r?.id;
}

/** Fields every v21 container output carries, filled in for docs that lack them. */
function v21Fields(db: Db, row: ContainerRow, doc: Doc): void {
  doc.created ??= doc.modified;
  doc.revision ??= 1;
  doc.tags ??= [];
  if (row.type === 'group') {
    doc.editions ??= { lab: false };
    doc.permissions ??= [];
    doc.permissions_template = rolePermissions(db, (doc.permissions_template ?? []) as Doc[]);
    return;
  }
  doc.notes ??= [];
  doc.info ??= {};
  doc.info_exists = Object.keys(doc.info as object).length > 0;
  if (row.type !== 'collection' && row.type !== 'acquisition') {
    doc.copy_of ??= '';
    doc.original_copy_of ??= '';
  }
  if (row.type === 'project') {
    doc.description ??= '';
    doc.editions ??= { lab: false };
    doc.providers ??= { storage: LOCAL_PROVIDER_ID, compute: LOCAL_PROVIDER_ID };
    doc.templates ??= [];
    doc.permissions = rolePermissions(db, (doc.permissions ?? []) as Doc[]);
  } else if (row.type === 'subject' || row.type === 'session' || row.type === 'acquisition') {
    doc.permissions = projectPermissions(db, row);
    if (row.type === 'session' && doc.project) doc.group ??= doc.parents?.group;
  } else if (row.type === 'analysis') {
    doc.description ??= '';
    doc.label ??= '';
    doc.parents ??= {};
  } else if (row.type === 'collection') {
    doc.permissions ??= [];
    doc.description ??= '';
  }
}

function projectInfo(doc: Doc): void {
  const info = doc.info;
  doc.info_exists = Boolean(info && typeof info === 'object' && Object.keys(info).length > 0);
  doc.info = {};
}

/** The wire form of a container row. */
export function presentRow(db: Db, row: ContainerRow, o: PresentOptions = {}): Doc {
  const doc = parseDoc(row);
  v21Fields(db, row, doc);
  if (row.type === 'session' && row.subject_id) {
    const subject = getRow(db, row.subject_id);
    if (subject) doc.subject = presentRow(db, subject, { list: o.list, slim: true });
  }
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
      if (j) doc.job = presentJob(db, JSON.parse(j.doc) as Doc);
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
        for (const k of ['age', 'sex', 'firstname', 'lastname']) delete doc.subject[k];
      }
    }
  }
  if (o.withType) doc.container_type = row.type;
  return doc;
}
