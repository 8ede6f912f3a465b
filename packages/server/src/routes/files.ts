import type { Context } from 'hono';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { BlobError } from '../storage/index.js';
import type { AppEnv } from '../app/context.js';
import { parseDoc, type ContainerRow, type Doc } from '../db/containers.js';
import { presentFile } from '../app/present.js';
import {
  deleteFileVersions,
  getFile,
  putFile,
  saveFileDoc,
  type FileRole,
  type FileRow,
} from '../db/files.js';
import {
  checkFileMetadata,
  fileDoc,
  filenamePathFlag,
  metadataFor,
  storedName,
  preserveFlag,
  withPreservedMetadata,
} from '../app/file-meta.js';
import { closeUploadTicket, createUploadTicket } from '../app/signed-uploads.js';
import type { CurrentUser } from '../app/context.js';
import { unreferenced } from '../db/containers.js';
import { anonymousReader, requireAccess, requireUser } from '../app/access.js';
import { badRequest, HttpError, notFound } from '../app/errors.js';
import { now } from '../app/time.js';
import { isObj, sanitizeInfo, type Obj } from '../app/validate.js';
import { applyInfoUpdate } from '../app/subdocs.js';
import {
  type FamilyOpSuffix,
  ok,
  readObject,
  readOptionalObject,
  replyUntyped,
} from '../app/json.js';
import { touch } from '../app/containers.js';
import {
  parseMultipartUpload,
  zipInfo,
  openZipMember,
  parseRange,
  byteRangesBody,
} from '../transfer/index.js';
import { createTicket, useTicket } from './tickets.js';
import { parseVersion } from '../app/file-versions.js';
import { getFileById } from '../db/files.js';

/**
 * `POST …/files`: stream the multipart body into blobs, then record the entries in one
 * transaction. Containers take exactly one file; ad-hoc analyses take their outputs (many
 * files, metadata list matched by name) once.
 */
export async function uploadFiles(c: Context<AppEnv>, row: ContainerRow): Promise<Response> {
  const { db, blobs } = c.get('state');
  const user = requireUser(c.get('user'));
  requireAccess(db, user, row, 'rw');
  const isAnalysis = row.type === 'analysis';
  if (isAnalysis) {
    const doc = parseDoc(row);
    if (doc.job) throw badRequest('outputs of job-based analyses are uploaded by their job');
  }
  const preserve = preserveFlag(c.req.query('preserve_metadata'));
  const ticket = c.req.query('ticket');
  if (ticket !== undefined) return signedUpload(c, row, user, ticket, preserve);
  const ctype = c.req.header('content-type') ?? '';
  if (!ctype.toLowerCase().startsWith('multipart/form-data'))
    throw badRequest('expected a multipart/form-data body');
  const upload = await parseMultipartUpload(c.env.incoming, c.req.raw.headers, blobs, {
    minFiles: 1,
    maxFiles: isAnalysis ? Infinity : 1,
    filenamePath: filenamePathFlag(c.req.query('filename_path')),
  });
  const written = upload.files.map((f) => f.blobId);
  if (!isAnalysis && upload.files[0])
    upload.files[0].name = storedName(
      upload.metadata,
      upload.files[0].name,
      filenamePathFlag(c.req.query('filename_path')),
    );
  let docs: Doc[];
  try {
    const metaFor = metadataFor(upload.metadata, isAnalysis);
    const names = new Set<string>();
    for (const f of upload.files) {
      if (names.has(f.name)) throw badRequest(`file "${f.name}" sent twice`);
      names.add(f.name);
    }
    const plans = upload.files.map((f) => ({ f, meta: metaFor(f.name) }));
    docs = db.transaction(() => {
      const out: Doc[] = [];
      for (const { f, meta } of plans) {
        // an existing name becomes a new version; the old one is kept (nothing to remove)
        const previous = preserve ? getFile(db, row.id, 'files', f.name) : undefined;
        const kept = withPreservedMetadata(previous && (JSON.parse(previous.doc) as Doc), meta);
        const doc = fileDoc(f, kept, user.doc._id);
        putFile(db, row.id, row.type, 'files', doc, f.blobId);
        out.push(doc);
      }
      touch(db, row.id);
      return out;
    })();
  } catch (err) {
    await Promise.all(written.map((b) => blobs.remove(b)));
    throw err;
  }
  return replyUntyped(
    c,
    docs.map((d) => presentFile(d)),
  );
}

/** `?ticket=` (empty: create a signed-URL upload ticket) or `?ticket=<id>` (close it). */
async function signedUpload(
  c: Context<AppEnv>,
  row: ContainerRow,
  user: CurrentUser,
  ticket: string,
  preserve: boolean,
): Promise<Response> {
  const state = c.get('state');
  if (!state.uploads.signedUrls)
    throw badRequest('signed URL uploads are not enabled on this site');
  const body = await readOptionalObject(c);
  if (ticket === '')
    return replyUntyped(c, createUploadTicket(state, user, row, body, { preserve }));
  const saved = await closeUploadTicket(state, user, row, ticket, body, { preserve });
  return replyUntyped(
    c,
    saved.map((d) => presentFile(d)),
  );
}

export function findFile(
  c: Context<AppEnv>,
  row: ContainerRow,
  role: FileRole,
  name: string,
): FileRow {
  const f = getFile(c.get('state').db, row.id, role, name);
  if (!f) throw notFound(`file ${name} not found in ${row.type} ${row.id}`);
  return f;
}

/** GET of a file: ticket issue/redeem, zip info, zip member, or the bytes (Range with view). */
export async function downloadFile(
  c: Context<AppEnv>,
  row: ContainerRow,
  role: FileRole,
  name: string,
): Promise<Response> {
  const state = c.get('state');
  const ticketParam = c.req.query('ticket');
  if (ticketParam !== undefined && ticketParam !== '') {
    useTicket(state.db, ticketParam, { kind: 'file', container_id: row.id, role, name });
  } else {
    // without credentials: the anonymous reader, who may download from public projects
    requireAccess(state.db, c.get('user') ?? anonymousReader(), row, 'ro');
  }
  let file = findFile(c, row, role, name);
  const version = parseVersion(c.req.query('version'));
  if (version !== undefined && version !== file.version) {
    const old = getFileById(state.db, file.file_id, version);
    if (!old) throw notFound(`version ${version} of file ${name} not found`);
    file = old;
  }
  if (ticketParam === '') {
    const ticket = createTicket(state, 'file', { container_id: row.id, role, name });
    // v21 DownloadTicketStub
    return replyUntyped(c, {
      ticket,
      size: file.size,
      file_cnt: 1,
      filename: name.split('/').pop() ?? name,
    });
  }
  const hash = c.req.query('hash');
  if (hash !== undefined && hash !== file.hash)
    throw new HttpError(409, 'file hash does not match');
  if (!file.blob_id) throw notFound(`file ${name} has no content`);
  const path = state.blobs.path(file.blob_id);
  if (c.req.query('info') === 'true') return replyUntyped(c, await zipInfo(path));
  const member = c.req.query('member');
  if (member !== undefined && member !== '') {
    const m = await openZipMember(path, member);
    return streamResponse(m.stream, 200, {
      'Content-Type': m.contentType,
      'Content-Length': String(m.size),
      'Content-Disposition': disposition(member.split('/').pop() ?? member),
    });
  }
  const doc = JSON.parse(file.doc) as Doc;
  const view = c.req.query('view') === 'true';
  const headers: Record<string, string> = {};
  if (view) {
    headers['Content-Type'] = doc.mimetype ?? 'application/octet-stream';
    headers['Accept-Ranges'] = 'bytes';
    const plan = parseRange(c.req.header('range'), file.size);
    if (plan.kind === 'unsatisfiable') {
      throw new HttpError(416, 'Requested range not satisfiable', {});
    }
    if (plan.kind === 'single') {
      const stream = await state.blobs.open(file.blob_id, { start: plan.start, end: plan.end });
      return streamResponse(stream, 206, {
        ...headers,
        'Content-Range': plan.contentRange,
        'Content-Length': String(plan.end - plan.start + 1),
      });
    }
    if (plan.kind === 'multi') {
      const blobId = file.blob_id;
      const body = byteRangesBody({
        ranges: plan.ranges,
        size: file.size,
        contentType: headers['Content-Type']!,
        boundary: c.get('requestId'),
        open: (start, end) => state.blobs.open(blobId, { start, end }),
      });
      return streamResponse(body.stream, 206, {
        'Content-Type': body.contentType,
        'Content-Length': String(body.contentLength),
      });
    }
  } else {
    headers['Content-Type'] = 'application/octet-stream';
    headers['Content-Disposition'] = disposition(name.split('/').pop() ?? name);
  }
  if (file.size <= WHOLE_BODY_MAX) {
    // A small file goes out as one buffer: a file stream bridged to a web stream costs more CPU
    // per request than the read itself, which bounds walks over many small files.
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new BlobError('file not found', 404);
      throw err;
    }
    return new Response(new Uint8Array(bytes), {
      status: 200,
      headers: { ...headers, 'Content-Length': String(bytes.byteLength) },
    });
  }
  const stream = await state.blobs.open(file.blob_id);
  return streamResponse(stream, 200, { ...headers, 'Content-Length': String(file.size) });
}

/** Files up to this size are answered from one buffer rather than a stream. */
const WHOLE_BODY_MAX = 64 * 1024;

export function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function streamResponse(
  stream: Readable,
  status: number,
  headers: Record<string, string>,
): Response {
  return new Response(Readable.toWeb(stream) as ReadableStream, { status, headers });
}

/** PUT file (metadata fields), POST …/info, POST …/classification, DELETE, GET …/info. */
export async function fileOp(
  c: Context<AppEnv>,
  row: ContainerRow,
  name: string,
  op: 'get-info' | 'modify' | 'info' | 'classification' | 'delete',
): Promise<Response> {
  const { db, blobs } = c.get('state');
  const user = requireUser(c.get('user'));
  requireAccess(db, user, row, op === 'get-info' ? 'ro' : 'rw');
  const file = findFile(c, row, 'files', name);
  const doc = JSON.parse(file.doc) as Doc;
  if (op === 'get-info') return replyUntyped(c, presentFile(doc, file.role as FileRole));
  if (op === 'delete') {
    // the file with all its versions
    const gone = db.transaction(() => {
      touch(db, row.id);
      return deleteFileVersions(db, file.file_id).blobs;
    })();
    for (const b of unreferenced(db, gone)) await blobs.remove(b);
    return replyUntyped(c, { deleted: 1 });
  }
  const body = await readObject(c);
  if (op === 'modify') {
    const allowed = ['type', 'modality', 'mimetype', 'tags', 'info', 'classification', 'name'];
    for (const k of Object.keys(body))
      if (!allowed.includes(k)) throw badRequest(`unexpected property "${k}" in file update`);
    if (body.name !== undefined && body.name !== doc.name)
      throw badRequest('renaming files is not supported');
    // a site lets an update name a modality it has no table for (its classification is then
    // limited to the Custom aspect), so the modality is not looked up here
    checkFileMetadata(body, 'file update');
    Object.assign(doc, body);
    if (body.info !== undefined) doc.info = sanitizeInfo(body.info);
  } else if (op === 'info') {
    applyInfoUpdate(doc, body);
  } else {
    applyClassification(c, doc, body);
  }
  saveFileEdit(db, row, file, doc);
  return ok(c, 'modify_project_file_info' as FamilyOpSuffix<'modify', 'file_info'>, {
    modified: 1,
    jobs_spawned: 0,
  });
}

/** Save an edited file doc (latest version): bump `modified`/`revision`, touch the container. */
export function saveFileEdit(
  db: Parameters<typeof saveFileDoc>[0],
  container: ContainerRow,
  file: FileRow,
  doc: Doc,
): void {
  doc.modified = now();
  doc.revision = (typeof doc.revision === 'number' ? doc.revision : 1) + 1;
  db.transaction(() => {
    saveFileDoc(db, file, doc);
    touch(db, container.id);
  })();
}

/** The classification table of a modality; an unknown modality has none (only Custom fits). */
function modalityClassification(c: Context<AppEnv>, modality: string): Record<string, string[]> {
  const row = c.get('state').db.prepare('SELECT doc FROM modalities WHERE id = ?').get(modality) as
    { doc: string } | undefined;
  if (!row) return {};
  return ((JSON.parse(row.doc) as Doc).classification ?? {}) as Record<string, string[]>;
}

/** `{modality?, add?, delete?}` or `{modality?, replace}`, values checked against the modality. */
export function applyClassification(c: Context<AppEnv>, doc: Doc, body: Obj): void {
  for (const k of Object.keys(body)) {
    if (!['modality', 'add', 'delete', 'replace'].includes(k))
      throw badRequest(`unexpected property "${k}" in classification update`);
  }
  if (body.replace !== undefined && (body.add !== undefined || body.delete !== undefined)) {
    throw badRequest('"replace" cannot be combined with "add" or "delete"');
  }
  if (
    body.replace === undefined &&
    body.add === undefined &&
    body.delete === undefined &&
    body.modality === undefined
  ) {
    throw badRequest('classification update needs "add", "delete" or "replace"');
  }
  if (body.modality !== undefined) {
    if (body.modality !== null && typeof body.modality !== 'string')
      throw badRequest('"modality" must be a string');
    if (body.replace === undefined)
      throw badRequest('"modality" can only be changed together with "replace"');
    doc.modality = body.modality;
  }
  const table = doc.modality ? modalityClassification(c, doc.modality as string) : {};
  const check = (what: string, v: unknown): Record<string, string[]> => {
    if (!isObj(v)) throw badRequest(`"${what}" must be an object of lists`);
    for (const [k, vals] of Object.entries(v)) {
      if (!Array.isArray(vals) || vals.some((x) => typeof x !== 'string'))
        throw badRequest(`"${what}.${k}" must be a list of strings`);
      // the free-form aspect, whatever its case (`Custom`, `custom`), fits every file
      if (k.toLowerCase() === 'custom') continue;
      const allowed = table[k];
      if (!allowed)
        throw badRequest(
          `classification key "${k}" is not valid for modality ${doc.modality ?? '(none)'}`,
        );
      for (const x of vals as string[]) {
        if (!allowed.includes(x))
          throw badRequest(`"${x}" is not a valid ${k} for modality ${doc.modality}`);
      }
    }
    return v as Record<string, string[]>;
  };
  if (body.replace !== undefined) {
    doc.classification = { ...check('replace', body.replace) };
    return;
  }
  const cls: Record<string, string[]> = { ...(doc.classification ?? {}) };
  if (body.add !== undefined) {
    for (const [k, vals] of Object.entries(check('add', body.add))) {
      const list = [...(cls[k] ?? [])];
      for (const x of vals) if (!list.includes(x)) list.push(x);
      cls[k] = list;
    }
  }
  if (body.delete !== undefined) {
    if (!isObj(body.delete)) throw badRequest('"delete" must be an object of lists');
    for (const [k, vals] of Object.entries(body.delete)) {
      if (!Array.isArray(vals)) throw badRequest(`"delete.${k}" must be a list of strings`);
      const kept = (cls[k] ?? []).filter((x) => !(vals as unknown[]).includes(x));
      // an aspect with no values left is dropped rather than kept as an empty list
      if (kept.length > 0) cls[k] = kept;
      else delete cls[k];
    }
  }
  doc.classification = cls;
}
