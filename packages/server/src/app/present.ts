import type { Db } from '../db/open.js';
import { getRow, parseDoc, type ContainerRow, type Doc } from '../db/containers.js';
import { presentJob } from './jobs.js';

/**
 * The columns of a container row that presenting it reads. List queries select just these: for
 * a page of 250 sessions, `SELECT c.*` took 0.72 ms in better-sqlite3 and these five 0.27 ms
 * (the other ten columns are copies of doc fields, there for indexes and filters).
 */
const PRESENT_COLUMNS = ['id', 'type', 'project_id', 'subject_id', 'doc'] as const;
export type PresentableRow = Pick<ContainerRow, (typeof PRESENT_COLUMNS)[number]>;

/** The SELECT list of {@link PresentableRow} for table alias `a` (`c.id, c.type, …`). */
export function presentColumns(a: string): string {
  return PRESENT_COLUMNS.map((col) => `${a}.${col}`).join(', ');
}

export interface PresentOptions {
  /** List projection: `info` emptied with `info_exists`, no embedded analyses. */
  list?: boolean;
  /** `Slim-Containers` feature: omit the embedded analyses list. */
  slim?: boolean;
  /** Add `container_type` (lookup, /containers/{id}). */
  withType?: boolean;
  /** Replace an analysis' job id with the job document. */
  inflateJob?: boolean;
  /** Lookups shared by the rows of one response (see `newPresentMemo`). */
  memo?: PresentMemo;
}

/**
 * What the rows of one response look up alike: the parent rows they embed and the project
 * permissions they repeat. A page of sessions reads each project (and role) once instead of
 * twice per session. Scope it to one response, so a later write is always seen.
 */
export interface PresentMemo {
  rows: Map<string, PresentableRow | undefined>;
  permissions: Map<string, Doc[]>;
  roleIds: Map<string, string | undefined>;
  /** Presented subjects by `${list}:${id}`, embedded as is (read-only once presented). */
  subjects: Map<string, Doc>;
  /** File docs (JSON text, in list order) by `${role}:${containerId}`, from `prefetchPage`. */
  files: Map<string, string[]>;
}

export function newPresentMemo(): PresentMemo {
  return {
    rows: new Map(),
    permissions: new Map(),
    roleIds: new Map(),
    subjects: new Map(),
    files: new Map(),
  };
}

const ID_LIST = 'SELECT value FROM json_each(?)';

/**
 * Read what a page of rows will embed in two queries instead of a few per row: the parent rows
 * (projects, and the subjects of sessions) and the files of the rows and those subjects.
 */
export function prefetchPage(db: Db, rows: PresentableRow[], memo: PresentMemo): void {
  const parents = new Set<string>();
  const owners = new Set<string>();
  for (const r of rows) {
    if (r.project_id) parents.add(r.project_id);
    if (r.type === 'session' && r.subject_id) parents.add(r.subject_id);
    if (r.type !== 'group') owners.add(r.id);
  }
  for (const id of memo.rows.keys()) parents.delete(id);
  if (parents.size > 0) {
    const found = db
      .prepare(`SELECT ${presentColumns('c')} FROM containers c WHERE id IN (${ID_LIST})`)
      .all(JSON.stringify([...parents])) as PresentableRow[];
    for (const id of parents) memo.rows.set(id, undefined);
    for (const row of found) memo.rows.set(row.id, row);
  }
  for (const r of rows)
    if (r.type === 'session' && r.subject_id && memo.rows.get(r.subject_id))
      owners.add(r.subject_id);
  if (owners.size === 0) return;
  for (const id of owners) {
    memo.files.set(`files:${id}`, []);
    memo.files.set(`inputs:${id}`, []);
  }
  // the order filesOf gives, kept within each owner and role by the stable grouping below
  const files = db
    .prepare(
      `SELECT container_id, role, doc FROM files WHERE container_id IN (${ID_LIST}) ORDER BY created, id`,
    )
    .all(JSON.stringify([...owners])) as { container_id: string; role: string; doc: string }[];
  for (const f of files) memo.files.get(`${f.role}:${f.container_id}`)?.push(f.doc);
}

function memoRow(db: Db, id: string, memo: PresentMemo): PresentableRow | undefined {
  if (memo.rows.has(id)) return memo.rows.get(id);
  const row = getRow(db, id);
  memo.rows.set(id, row);
  return row;
}

export function filesOf(
  db: Db,
  containerId: string,
  role: 'files' | 'inputs' = 'files',
  memo?: PresentMemo,
): Doc[] {
  const fetched = memo?.files.get(`${role}:${containerId}`);
  if (fetched) return fetched.map((d) => presentFile(JSON.parse(d) as Doc, role));
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
function projectPermissions(db: Db, row: PresentableRow, memo: PresentMemo): Doc[] {
  const pid = row.type === 'project' ? row.id : row.project_id;
  if (!pid) return [];
  let perms = memo.permissions.get(pid);
  if (!perms) {
    const p = memoRow(db, pid, memo);
    perms = p ? rolePermissions(db, (parseDoc(p).permissions ?? []) as Doc[], memo) : [];
    memo.permissions.set(pid, perms);
  }
  // each doc gets its own copy, so later edits of one response item never reach another
  return perms.map((p) => ({ _id: p._id, role_ids: [...(p.role_ids as unknown[])] }));
}

/** v21 project permissions `{_id, role_ids}` (older docs stored an access level). */
export function rolePermissions(db: Db, perms: Doc[], memo?: PresentMemo): Doc[] {
  return perms.map((p) =>
    Array.isArray(p.role_ids)
      ? { _id: p._id, role_ids: p.role_ids }
      : { _id: p._id, role_ids: [defaultRoleId(db, p.access, memo)].filter(Boolean) },
  );
}

/** Id of the default role (`admin`, `rw`, `ro`). */
export function defaultRoleId(db: Db, access: string, memo?: PresentMemo): string | undefined {
  if (memo?.roleIds.has(access)) return memo.roleIds.get(access);
  const r = db
    .prepare(`SELECT id FROM roles WHERE json_extract(doc, '$.default_flywheel_role') = ?`)
    .get(access) as { id: string } | undefined;
  memo?.roleIds.set(access, r?.id);
  return r?.id;
}

/** Fields every v21 container output carries, filled in for docs that lack them. */
function v21Fields(db: Db, row: PresentableRow, doc: Doc, memo: PresentMemo): void {
  doc.created ??= doc.modified;
  doc.revision ??= 1;
  doc.tags ??= [];
  if (row.type === 'group') {
    doc.editions ??= { lab: false };
    doc.permissions ??= [];
    doc.permissions_template = rolePermissions(db, (doc.permissions_template ?? []) as Doc[], memo);
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
    doc.permissions = rolePermissions(db, (doc.permissions ?? []) as Doc[], memo);
  } else if (row.type === 'subject' || row.type === 'session' || row.type === 'acquisition') {
    doc.permissions = projectPermissions(db, row, memo);
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
export function presentRow(db: Db, row: PresentableRow, o: PresentOptions = {}): Doc {
  const memo = o.memo ?? newPresentMemo();
  const doc = parseDoc(row);
  v21Fields(db, row, doc, memo);
  if (row.type === 'session' && row.subject_id) {
    const key = `${Boolean(o.list)}:${row.subject_id}`;
    let subject = memo.subjects.get(key);
    if (!subject) {
      const srow = memoRow(db, row.subject_id, memo);
      if (srow) subject = presentRow(db, srow, { list: o.list, slim: true, memo });
      if (subject) memo.subjects.set(key, subject);
    }
    if (subject) doc.subject = subject;
  }
  if (row.type !== 'group') doc.files = filesOf(db, row.id, 'files', memo);
  else {
    const roles = db
      .prepare('SELECT role_id FROM group_roles WHERE group_id = ? ORDER BY role_id')
      .all(row.id) as { role_id: string }[];
    doc.roles = roles.map((r) => r.role_id);
  }
  if (row.type === 'analysis') {
    doc.inputs = filesOf(db, row.id, 'inputs', memo);
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
        .prepare(
          `SELECT ${presentColumns('c')} FROM containers c WHERE type = 'analysis' AND parent_id = ? ORDER BY id`,
        )
        .all(row.id) as PresentableRow[];
      doc.analyses = rows.map((r) => presentRow(db, r, { inflateJob: o.inflateJob, memo }));
    }
  }
  if (o.list) {
    projectInfo(doc);
    if (row.type === 'session') {
      delete doc.age;
      if (doc.subject) {
        // a shared subject (see PresentMemo) is already trimmed: deleting again changes nothing
        for (const k of ['age', 'sex', 'firstname', 'lastname']) delete doc.subject[k];
      }
    }
  }
  if (o.withType) doc.container_type = row.type;
  return doc;
}
