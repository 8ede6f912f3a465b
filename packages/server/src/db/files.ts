import type { Db } from './open.js';
import type { Doc } from './containers.js';

export type FileRole = 'files' | 'inputs';

export interface FileRow {
  id: string;
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

/** Insert or replace (same container/role/name) a file entry. Returns the replaced blob id. */
export function putFile(
  db: Db,
  containerId: string,
  containerType: string,
  role: FileRole,
  doc: Doc,
  blobId: string | null,
): string | null {
  const old = getFile(db, containerId, role, doc.name);
  if (old) db.prepare('DELETE FROM files WHERE id = ?').run(old.id);
  db.prepare(
    `INSERT INTO files (id, container_id, container_type, role, name, blob_id, size, hash, type, created, modified, doc)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    doc._id,
    containerId,
    containerType,
    role,
    doc.name,
    blobId,
    doc.size ?? 0,
    doc.hash ?? null,
    doc.type ?? null,
    doc.created,
    doc.modified,
    JSON.stringify(doc),
  );
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
