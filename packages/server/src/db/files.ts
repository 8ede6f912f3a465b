import type { Db } from './open.js';
import type { Doc } from './containers.js';
import { objectId, uuid } from '../app/ids.js';
import { now } from '../app/time.js';

export type FileRole = 'files' | 'inputs';

/**
 * One file version. The `files` table holds the latest version of every file (what containers
 * list, search and download see); superseded versions of container files live in
 * `file_versions` with the same columns. `file_id` is stable across versions; `id` (the doc's
 * `_id`) is per version.
 */
export interface FileRow {
  id: string;
  file_id: string;
  version: number;
  container_id: string;
  container_type: string;
  role: FileRole;
  name: string;
  blob_id: string | null;
  size: number;
  hash: string | null;
  type: string | null;
  created: string;
  modified: string;
  doc: string;
}

const COLUMNS =
  'id, file_id, version, container_id, container_type, role, name, blob_id, size, hash, type, created, modified, doc';

export function getFile(
  db: Db,
  containerId: string,
  role: FileRole,
  name: string,
): FileRow | undefined {
  return db
    .prepare('SELECT * FROM files WHERE container_id = ? AND role = ? AND name = ?')
    .get(containerId, role, name) as FileRow | undefined;
}

function insertRow(db: Db, table: 'files' | 'file_versions', r: Omit<FileRow, 'doc'>, doc: Doc) {
  db.prepare(
    `INSERT INTO ${table} (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.id,
    r.file_id,
    r.version,
    r.container_id,
    r.container_type,
    r.role,
    r.name,
    r.blob_id,
    r.size,
    r.hash,
    r.type,
    r.created,
    r.modified,
    JSON.stringify(doc),
  );
}

function rowOf(
  doc: Doc,
  containerId: string,
  containerType: string,
  role: FileRole,
  blobId: string | null,
): Omit<FileRow, 'doc'> {
  return {
    id: doc._id,
    file_id: doc.file_id,
    version: doc.version,
    container_id: containerId,
    container_type: containerType,
    role,
    name: doc.name,
    blob_id: blobId,
    size: doc.size ?? 0,
    hash: doc.hash ?? null,
    type: doc.type ?? null,
    created: doc.created,
    modified: doc.modified,
  };
}

/** Move the latest version of a file into the history (marked `replaced`). */
function archive(db: Db, old: FileRow, replaced: string): void {
  const doc = JSON.parse(old.doc) as Doc;
  doc.replaced = replaced;
  db.prepare('DELETE FROM files WHERE id = ?').run(old.id);
  insertRow(db, 'file_versions', old, doc);
}

/**
 * Save an uploaded file entry. For container files (`role` 'files') a name that already exists
 * becomes a new version: same `file_id`, `version` + 1, the previous version (row and blob) kept
 * in the history. `doc` gets `file_id`, `version` and `parent_ref` set in place.
 * Analysis inputs (`role` 'inputs') are references and are replaced; their doc keeps the
 * source file's identity. Returns the blob id that is no longer listed (only ever for inputs;
 * the caller removes it if `unreferenced`).
 */
export function putFile(
  db: Db,
  containerId: string,
  containerType: string,
  role: FileRole,
  doc: Doc,
  blobId: string | null,
): string | null {
  const old = getFile(db, containerId, role, doc.name);
  if (role === 'files') {
    doc.file_id = old?.file_id ?? objectId();
    doc.version = old ? old.version + 1 : 1;
    doc.parent_ref = { type: containerType, id: containerId };
    if (old) archive(db, old, doc.created ?? now());
    insertRow(db, 'files', rowOf(doc, containerId, containerType, role, blobId), doc);
    return null;
  }
  doc.file_id ??= objectId();
  doc.version ??= 1;
  doc.parent_ref ??= { type: containerType, id: containerId };
  if (old) db.prepare('DELETE FROM files WHERE id = ?').run(old.id);
  insertRow(db, 'files', rowOf(doc, containerId, containerType, role, blobId), doc);
  return old?.blob_id ?? null;
}

export function saveFileDoc(db: Db, row: FileRow, doc: Doc): void {
  db.prepare('UPDATE files SET type = ?, modified = ?, doc = ? WHERE id = ?').run(
    doc.type ?? null,
    doc.modified,
    JSON.stringify(doc),
    row.id,
  );
}

/** The latest version of a container file by its `file_id`. */
export function getLatestById(db: Db, fileId: string): FileRow | undefined {
  return db.prepare(`SELECT * FROM files WHERE file_id = ? AND role = 'files'`).get(fileId) as
    FileRow | undefined;
}

/** A container file by `file_id`: the latest version, or version `version` if given. */
export function getFileById(db: Db, fileId: string, version?: number): FileRow | undefined {
  const latest = getLatestById(db, fileId);
  if (version === undefined || !latest || latest.version === version) return latest;
  return db
    .prepare('SELECT * FROM file_versions WHERE file_id = ? AND version = ?')
    .get(fileId, version) as FileRow | undefined;
}

/** Every version of a file, oldest first (empty when the file does not exist). */
export function listVersionRows(db: Db, fileId: string): FileRow[] {
  const latest = getLatestById(db, fileId);
  if (!latest) return [];
  const old = db
    .prepare('SELECT * FROM file_versions WHERE file_id = ? ORDER BY version')
    .all(fileId) as FileRow[];
  return [...old, latest];
}

/**
 * Make version `version` current again: a new latest version (`version` = latest + 1) whose
 * content is that version's blob (shared, not copied) and whose metadata is that version's, with
 * `restored_from` / `restored_by` set. Name and container stay the latest's. Returns the new doc,
 * or undefined when the file or version does not exist.
 */
export function restoreVersion(
  db: Db,
  fileId: string,
  version: number,
  restoredBy: { type: string; id: string },
): Doc | undefined {
  const latest = getLatestById(db, fileId);
  const src = latest && getFileById(db, fileId, version);
  if (!latest || !src) return undefined;
  const t = now();
  const doc: Doc = {
    ...(JSON.parse(src.doc) as Doc),
    _id: uuid(),
    name: latest.name,
    file_id: fileId,
    version: latest.version + 1,
    parent_ref: { type: latest.container_type, id: latest.container_id },
    restored_from: version,
    restored_by: restoredBy,
    created: t,
    modified: t,
  };
  delete doc.replaced;
  archive(db, latest, t);
  insertRow(
    db,
    'files',
    rowOf(doc, latest.container_id, latest.container_type, 'files', src.blob_id),
    doc,
  );
  return doc;
}

/**
 * Delete a file by `file_id`: every version, or only `version`. Deleting the latest version of
 * a file with history makes the newest remaining version the latest again. Returns the number
 * of versions removed and their blob ids (pass them through `unreferenced` after commit).
 */
export function deleteFileVersions(
  db: Db,
  fileId: string,
  version?: number,
): { deleted: number; blobs: string[]; containerId: string | null } {
  const latest = getLatestById(db, fileId);
  if (!latest) return { deleted: 0, blobs: [], containerId: null };
  const containerId = latest.container_id;
  if (version === undefined) {
    const rows = listVersionRows(db, fileId);
    db.prepare(`DELETE FROM files WHERE file_id = ? AND role = 'files'`).run(fileId);
    db.prepare('DELETE FROM file_versions WHERE file_id = ?').run(fileId);
    return { deleted: rows.length, blobs: blobsOf(rows), containerId };
  }
  if (version !== latest.version) {
    const row = getFileById(db, fileId, version);
    if (!row) return { deleted: 0, blobs: [], containerId };
    db.prepare('DELETE FROM file_versions WHERE id = ?').run(row.id);
    return { deleted: 1, blobs: blobsOf([row]), containerId };
  }
  db.prepare('DELETE FROM files WHERE id = ?').run(latest.id);
  const prev = db
    .prepare('SELECT * FROM file_versions WHERE file_id = ? ORDER BY version DESC LIMIT 1')
    .get(fileId) as FileRow | undefined;
  if (prev) {
    const doc = JSON.parse(prev.doc) as Doc;
    delete doc.replaced;
    db.prepare('DELETE FROM file_versions WHERE id = ?').run(prev.id);
    insertRow(db, 'files', prev, doc);
  }
  return { deleted: 1, blobs: blobsOf([latest]), containerId };
}

/**
 * Move and/or rename a file (all its versions). Returns 'conflict' when the target container
 * already has another file of that name, undefined when the file does not exist.
 */
export function moveFileRows(
  db: Db,
  fileId: string,
  to: { containerId: string; containerType: string; name: string },
): 'moved' | 'conflict' | undefined {
  const latest = getLatestById(db, fileId);
  if (!latest) return undefined;
  const clash = getFile(db, to.containerId, 'files', to.name);
  if (clash && clash.file_id !== fileId) return 'conflict';
  const t = now();
  for (const table of ['files', 'file_versions'] as const) {
    db.prepare(
      `UPDATE ${table} SET container_id = ?, container_type = ?, name = ?,
         doc = json_set(doc, '$.name', ?, '$.parent_ref', json_object('type', ?, 'id', ?))
       WHERE file_id = ? AND role = 'files'`,
    ).run(
      to.containerId,
      to.containerType,
      to.name,
      to.name,
      to.containerType,
      to.containerId,
      fileId,
    );
  }
  db.prepare(
    `UPDATE files SET modified = ?, doc = json_set(doc, '$.modified', ?) WHERE id = ?`,
  ).run(t, t, latest.id);
  return 'moved';
}

function blobsOf(rows: FileRow[]): string[] {
  return rows.flatMap((r) => (r.blob_id ? [r.blob_id] : []));
}
