/**
 * Files by id: `/files` and `/files/{file_id}…` on the versions engine (`app/file-versions.ts`).
 * A file's access is its container's (ro to read, rw to change). Edits apply to the latest
 * version; `?version=N` reads an older one.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireAccess, visibleSql } from '../app/access.js';
import { badRequest, notFound } from '../app/errors.js';
import {
  deleteFileById,
  getFileVersion,
  listFileVersions,
  moveFile,
  parseVersion,
  restoreFileVersion,
} from '../app/file-versions.js';
import { ok, readJson, readObject, replyUntyped } from '../app/json.js';
import { presentFile } from '../app/present.js';
import { applyInfoUpdate } from '../app/subdocs.js';
import { isObj, sanitizeInfo } from '../app/validate.js';
import { runFinder } from '../app/finder.js';
import { getRow, type Doc } from '../db/containers.js';
import {
  getFile,
  getFileById,
  getLatestById,
  putFile,
  type FileRole,
  type FileRow,
} from '../db/files.js';
import { objectId } from '../app/ids.js';
import { now } from '../app/time.js';
import { touch } from '../app/containers.js';
import { zipInfo } from '../transfer/index.js';
import { applyClassification, saveFileEdit } from './files.js';
import { useTicket } from './tickets.js';
import { me } from './containers/target.js';
import { checkFileMetadata } from '../app/file-meta.js';
import { takeFsUpload } from './upsert.js';

const stateOf = (c: Context<AppEnv>) => c.get('state');
const versionOf = (c: Context<AppEnv>) => parseVersion(c.req.query('version'));

/** The latest version of `fileId` and its container, with `level` access checked. */
function latest(c: Context<AppEnv>, fileId: string, level: 'ro' | 'rw') {
  const db = stateOf(c).db;
  const file = getLatestById(db, fileId);
  const container = file && getRow(db, file.container_id);
  if (!file || !container) throw notFound(`file ${fileId} not found`);
  requireAccess(db, me(c), container, level);
  return { file, container, doc: JSON.parse(file.doc) as Doc };
}

/** Edit the latest version's doc with `fn`, save it (revision + 1). */
function edit(c: Context<AppEnv>, fileId: string, fn: (doc: Doc) => void): void {
  const { file, container, doc } = latest(c, fileId, 'rw');
  fn(doc);
  saveFileEdit(stateOf(c).db, container, file, doc);
}

async function readStringList(c: Context<AppEnv>): Promise<string[]> {
  const v = await readJson(c);
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === ''))
    throw badRequest('body must be a list of non-empty strings');
  return v as string[];
}

const readOne = (c: Context<AppEnv>, id: string) =>
  getFileVersion(stateOf(c), me(c), id, versionOf(c));

/** `GET /files`: every file the caller can read (latest versions), as a page. */
function listFiles(c: Context<AppEnv>): Response {
  const user = me(c);
  const vis = visibleSql(user, c.req.query('exhaustive') === 'true' || user.isAdmin, 'c');
  const { rows, total } = runFinder<FileRow>(c, {
    from: 'files f JOIN containers c ON c.id = f.container_id',
    where: [{ sql: `f.role = 'files'`, params: [] }, vis],
    target: {
      docColumn: 'f.doc',
      columns: {
        _id: 'f.file_id',
        file_id: 'f.file_id',
        name: 'f.name',
        size: 'f.size',
        type: 'f.type',
        created: 'f.created',
        modified: 'f.modified',
        'parent_ref.id': 'f.container_id',
        'parent_ref.type': 'f.container_type',
      },
    },
    select: 'f.*',
  });
  const results = rows.map((r) => presentFile(JSON.parse(r.doc) as Doc, r.role as FileRole));
  return ok(c, 'get_all_files', { results, total, count: results.length } as never);
}

/** `DELETE /files` with a list of file ids: each deleted (all versions) or counted not found. */
async function deleteByIds(c: Context<AppEnv>): Promise<Response> {
  const ids = await readStringList(c);
  const state = stateOf(c);
  const user = me(c);
  // check everything first: one forbidden file fails the whole request, nothing deleted
  const found: string[] = [];
  let notFoundCount = 0;
  for (const id of new Set(ids)) {
    const f = getLatestById(state.db, id);
    const container = f && getRow(state.db, f.container_id);
    if (!f || !container) {
      notFoundCount++;
      continue;
    }
    requireAccess(state.db, user, container, 'rw');
    found.push(id);
  }
  let deleted = 0;
  for (const id of found) deleted += (await deleteFileById(state, user, id)).deleted > 0 ? 1 : 0;
  return ok(c, 'delete_files_by_ids', { deleted, not_found: notFoundCount });
}

export function registerFileByIdRoutes(routes: RouteTable): void {
  routes.on('get_all_files', listFiles);
  routes.on('delete_files_by_ids', deleteByIds);
  routes.on('get_file', (c, [id = '']) => {
    const { doc, row } = readOne(c, id);
    return replyUntyped(c, presentFile(doc, row.role as FileRole));
  });
  routes.on('delete_file', async (c, [id = '']) =>
    ok(c, 'delete_file', await deleteFileById(stateOf(c), me(c), id, versionOf(c))),
  );
  routes.on('get_file_versions', (c, [id = '']) =>
    replyUntyped(c, listFileVersions(stateOf(c), me(c), id)),
  );
  routes.on('restore_file', (c, [id = '']) => {
    const version = versionOf(c);
    if (version === undefined) throw badRequest('"version" is required');
    const ev = c.req.query('evaluate_gear_rules');
    if (ev !== undefined && !['true', 'false'].includes(ev))
      throw badRequest('"evaluate_gear_rules" must be true or false');
    // no gear rules run on this server: evaluate_gear_rules only gets validated
    return replyUntyped(c, presentFile(restoreFileVersion(stateOf(c), me(c), id, version)));
  });
  routes.on('move_file', async (c, [id = '']) =>
    ok(c, 'move_file', moveFile(stateOf(c), me(c), id, await readObject(c))),
  );

  routes.on('get_file_info', (c, [id = '']) => replyUntyped(c, readOne(c, id).doc.info ?? {}));
  routes.on('modify_file_info', async (c, [id = '']) => {
    const body = await readObject(c);
    edit(c, id, (doc) => applyInfoUpdate(doc, body));
    return ok(c, 'modify_file_info', { modified: 1, jobs_spawned: 0 });
  });
  routes.on('replace_file_info', async (c, [id = '']) => {
    const info = sanitizeInfo(await readObject(c));
    edit(c, id, (doc) => {
      doc.info = info;
    });
    return replyUntyped(c, info);
  });
  routes.on('modify_file_classification', async (c, [id = '']) => {
    const body = await readObject(c);
    edit(c, id, (doc) => applyClassification(c, doc, body));
    return ok(c, 'modify_file_classification', { modified: 1, jobs_spawned: 0 });
  });

  routes.on('get_file_tags', (c, [id = '']) =>
    ok(c, 'get_file_tags', (readOne(c, id).doc.tags ?? []) as string[]),
  );
  routes.on('add_file_tags', async (c, [id = '']) => {
    const tags = await readStringList(c);
    let out: string[] = [];
    edit(c, id, (doc) => {
      const list = [...((doc.tags ?? []) as string[])];
      for (const t of tags) if (!list.includes(t)) list.push(t);
      doc.tags = out = list;
    });
    return ok(c, 'add_file_tags', out);
  });
  routes.on('set_file_tags', async (c, [id = '']) => {
    const tags = [...new Set(await readStringList(c))];
    edit(c, id, (doc) => {
      doc.tags = tags;
    });
    return ok(c, 'set_file_tags', { modified: 1, jobs_spawned: 0 });
  });
  routes.on('delete_file_tags', async (c, [id = '']) => {
    const tags = await readStringList(c);
    edit(c, id, (doc) => {
      doc.tags = ((doc.tags ?? []) as string[]).filter((t) => !tags.includes(t));
    });
    return c.body(null, 204);
  });

  routes.on('get_file_zip_info', async (c, [id = '']) => {
    const state = stateOf(c);
    const version = versionOf(c);
    const ticket = c.req.query('ticket');
    let row: FileRow;
    if (ticket) {
      const f = getLatestById(state.db, id);
      if (!f) throw notFound(`file ${id} not found`);
      useTicket(state.db, ticket, {
        kind: 'file',
        container_id: f.container_id,
        role: f.role,
        name: f.name,
      });
      row = f;
      if (version !== undefined) {
        const old = getFileById(state.db, id, version);
        if (!old) throw notFound(`version ${version} of file ${id} not found`);
        row = old;
      }
    } else row = readOne(c, id).row;
    if (!row.blob_id) throw notFound(`file ${id} has no content`);
    return replyUntyped(c, await zipInfo(state.blobs.path(row.blob_id)));
  });

  routes.on('upsert_file', async (c) => {
    const body = await readObject(c);
    return upsertFile(c, body);
  });
}

/**
 * `POST /files` (`FileUpsertInput`): register a file by reference (no bytes pass through this
 * server) under `parent_ref`. A new name is `created`; an existing one with the same size and
 * hash is `ignored` unless `force_update`, otherwise it gets its metadata `updated`.
 */
function upsertFile(c: Context<AppEnv>, body: Record<string, unknown>): Response {
  const state = stateOf(c);
  const user = me(c);
  for (const k of ['provider_id', 'name'])
    if (typeof body[k] !== 'string' || body[k] === '') throw badRequest(`"${k}" is required`);
  if (!Number.isSafeInteger(body.size) || (body.size as number) < 0)
    throw badRequest('"size" must be a non-negative integer');
  const ref = body.parent_ref;
  if (!isObj(ref) || typeof ref.type !== 'string' || typeof ref.id !== 'string')
    throw badRequest('"parent_ref" must be {type, id}');
  if (!isObj(body.origin) || typeof body.origin.type !== 'string')
    throw badRequest('"origin" must be {type, id}');
  const name = body.name as string;
  if (/[/\\\0]/.test(name) || name === '.' || name === '..')
    throw badRequest('"name" must be a plain file name');
  const meta: Record<string, unknown> = {};
  for (const k of ['type', 'modality', 'classification', 'info', 'tags'])
    if (body[k] !== undefined) meta[k] = body[k];
  checkFileMetadata(meta, 'file upsert');
  const container = getRow(state.db, ref.id);
  if (!container || container.type !== ref.type || container.type === 'group')
    throw notFound(`${ref.type} ${ref.id} not found`);
  requireAccess(state.db, user, container, 'rw');
  // bytes sent through POST /upload/signed-url → PUT /upload/fs-file are named by `uuid`
  if (body.uuid !== undefined && typeof body.uuid !== 'string')
    throw badRequest('"uuid" must be a string');
  const content =
    typeof body.uuid === 'string' ? takeFsUpload(state.db, user, body.uuid) : undefined;
  return replyUntyped(c, upsertRecord(c, container, name, body, meta, content));
}

function upsertRecord(
  c: Context<AppEnv>,
  container: NonNullable<ReturnType<typeof getRow>>,
  name: string,
  body: Record<string, unknown>,
  meta: Record<string, unknown>,
  content?: { blobId: string; size: number; hash: string },
): Doc {
  const db = stateOf(c).db;
  const force = c.req.query('force_update') === 'true';
  const existing = getFile(db, container.id, 'files', name);
  const hash = content?.hash ?? (typeof body.client_hash === 'string' ? body.client_hash : null);
  if (!content && existing && !force && existing.size === body.size && existing.hash === hash) {
    return { ...presentFile(JSON.parse(existing.doc) as Doc), upsert_result: 'ignored' };
  }
  const t = now();
  const doc: Doc = {
    _id: objectId(),
    name,
    mimetype: typeof body.mimetype === 'string' ? body.mimetype : 'application/octet-stream',
    size: content?.size ?? body.size,
    hash,
    provider_id: body.provider_id,
    origin: body.origin,
    created: existing ? (JSON.parse(existing.doc) as Doc).created : t,
    modified: t,
    info: sanitizeInfo(isObj(meta.info) ? meta.info : {}),
    tags: meta.tags ?? [],
    classification: meta.classification ?? {},
    type: meta.type ?? null,
    modality: meta.modality ?? null,
    reference: body.reference === true,
  };
  if (typeof body.path === 'string') doc.path = body.path;
  db.transaction(() => {
    putFile(db, container.id, container.type, 'files', doc, content?.blobId ?? null);
    touch(db, container.id);
  })();
  const saved = getFile(db, container.id, 'files', name)!;
  return {
    ...presentFile(JSON.parse(saved.doc) as Doc),
    upsert_result: existing ? 'updated' : 'created',
  };
}
