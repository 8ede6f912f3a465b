/**
 * File identity and versions, app side: the operations behind `/files/{file_id}` (read latest
 * or `version`, list versions, restore, delete, move), with access checks on the file's
 * container and blob clean-up. Each takes the state and the caller and returns the wire body
 * (or throws an HttpError), so a route only parses the request and answers.
 */
import { getRow, unreferenced, type ContainerRow, type Doc } from '../db/containers.js';
import {
  deleteFileVersions,
  getFileById,
  listVersionRows,
  moveFileRows,
  restoreVersion,
  type FileRow,
} from '../db/files.js';
import type { Db } from '../db/open.js';
import type { BlobStore } from '../storage/index.js';
import { requireAccess, type Access } from './access.js';
import { loadContainer, touch } from './containers.js';
import type { CurrentUser } from './context.js';
import { badRequest, conflict, notFound } from './errors.js';
import { isObj, type Obj } from './validate.js';

export interface FileEngineState {
  db: Db;
  blobs: BlobStore;
}

/** `FileVersionOutput`: one entry of `GET /files/{file_id}/versions`. */
export interface FileVersionDoc {
  file_id: string;
  version: number;
  created: string;
  origin: unknown;
  restored_from?: number;
  restored_by?: unknown;
}

/** Parse a `version` query value: undefined when absent, 400 unless a positive integer. */
export function parseVersion(v: string | undefined | null): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (!/^[1-9][0-9]{0,9}$/.test(v)) throw badRequest(`invalid version "${v}"`);
  return Number(v);
}

function locate(
  db: Db,
  user: CurrentUser,
  fileId: string,
  level: Access,
  version?: number,
): { row: FileRow; container: ContainerRow } {
  const row = getFileById(db, fileId, version);
  const container = row && getRow(db, row.container_id);
  if (!row || !container)
    throw notFound(
      version === undefined
        ? `file ${fileId} not found`
        : `version ${version} of file ${fileId} not found`,
    );
  requireAccess(db, user, container, level);
  return { row, container };
}

/**
 * `GET /files/{file_id}[?version=N]`: the file doc (latest, or that version) and its row (for
 * downloads: `row.blob_id`, `row.size`; read bytes with `blobs.open(row.blob_id)`). ro access.
 */
export function getFileVersion(
  state: FileEngineState,
  user: CurrentUser,
  fileId: string,
  version?: number,
): { doc: Doc; row: FileRow; container: ContainerRow } {
  const { row, container } = locate(state.db, user, fileId, 'ro', version);
  return { doc: JSON.parse(row.doc) as Doc, row, container };
}

/** `GET /files/{file_id}/versions`: every version, oldest first. ro access. */
export function listFileVersions(
  state: FileEngineState,
  user: CurrentUser,
  fileId: string,
): FileVersionDoc[] {
  locate(state.db, user, fileId, 'ro');
  return listVersionRows(state.db, fileId).map((r) => {
    const d = JSON.parse(r.doc) as Doc;
    const v: FileVersionDoc = {
      file_id: r.file_id,
      version: r.version,
      created: r.created,
      origin: d.origin,
    };
    if (d.restored_from !== undefined) v.restored_from = d.restored_from;
    if (d.restored_by !== undefined) v.restored_by = d.restored_by;
    return v;
  });
}

/**
 * `POST /files/{file_id}/restore?version=N`: a new latest version with version N's content and
 * metadata (`restored_from: N`); answers its doc (`FileOutput`). rw access.
 */
export function restoreFileVersion(
  state: FileEngineState,
  user: CurrentUser,
  fileId: string,
  version: number,
): Doc {
  const { db } = state;
  const { container } = locate(db, user, fileId, 'rw');
  if (!getFileById(db, fileId, version))
    throw notFound(`version ${version} of file ${fileId} not found`);
  return db.transaction(() => {
    const doc = restoreVersion(db, fileId, version, { type: 'user', id: user.doc._id })!;
    touch(db, container.id);
    return doc;
  })();
}

/**
 * `DELETE /files/{file_id}[?version=N]`: the whole file (every version), or one version (the
 * previous one becomes current when the latest goes). Removes blobs no entry uses any more.
 * Answers `{deleted}` (`DeletedResult`). rw access.
 */
export async function deleteFileById(
  state: FileEngineState,
  user: CurrentUser,
  fileId: string,
  version?: number,
): Promise<{ deleted: number }> {
  const { db, blobs } = state;
  const { container } = locate(db, user, fileId, 'rw');
  if (version !== undefined && !getFileById(db, fileId, version))
    throw notFound(`version ${version} of file ${fileId} not found`);
  const r = db.transaction(() => {
    const out = deleteFileVersions(db, fileId, version);
    touch(db, container.id);
    return out;
  })();
  for (const b of unreferenced(db, r.blobs)) await blobs.remove(b);
  return { deleted: r.deleted };
}

/**
 * `POST /files/{file_id}/move` with `FileMoveInput` `{container_reference?: {type, id}, name?}`:
 * move to another container and/or rename (all versions). 409 when the target has another file
 * of that name. rw access on both containers. Answers `{modified: 1}` (`ModifiedResult`).
 */
export function moveFile(
  state: FileEngineState,
  user: CurrentUser,
  fileId: string,
  body: Obj,
): { modified: number } {
  const { db } = state;
  const { row, container } = locate(db, user, fileId, 'rw');
  for (const k of Object.keys(body))
    if (!['container_reference', 'name', 'run_gear_rules'].includes(k))
      throw badRequest(`unexpected property "${k}" in file move`);
  let target = container;
  if (body.container_reference !== undefined) {
    const ref = body.container_reference;
    if (!isObj(ref) || typeof ref.type !== 'string' || typeof ref.id !== 'string')
      throw badRequest('"container_reference" must be {type, id}');
    if (ref.type === 'group') throw badRequest('groups have no files');
    target = loadContainer(db, ref.type as never, ref.id);
    requireAccess(db, user, target, 'rw');
  }
  let name = row.name;
  if (body.name !== undefined) {
    if (typeof body.name !== 'string' || body.name === '' || /[/\\\0]/.test(body.name))
      throw badRequest('"name" must be a plain file name');
    name = body.name;
  }
  db.transaction(() => {
    const r = moveFileRows(db, fileId, {
      containerId: target.id,
      containerType: target.type,
      name,
    });
    if (r === 'conflict') throw conflict(`${target.type} ${target.id} already has a file ${name}`);
    touch(db, container.id);
    if (target.id !== container.id) touch(db, target.id);
  })();
  return { modified: 1 };
}
