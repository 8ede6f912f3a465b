/**
 * Signed-URL uploads, API side: create a ticket for a container's files (`POST …/files?ticket=`
 * with `{metadata, filenames}`) and close it (`POST …/files?ticket=<id>`, optional
 * `{multipart: {e_tags, upload_id}}`), which saves every uploaded file as a new file or version.
 * The bytes go to `PUT <origin>/storage/uploads/<token>` (routes/storage.ts), no API key needed.
 */
import { guessContentType } from '../transfer/content-type.js';
import { parseDoc, type ContainerRow, type Doc } from '../db/containers.js';
import type { Db } from '../db/open.js';
import { getFile, putFile } from '../db/files.js';
import {
  claimUploadTicket,
  getUploadTicket,
  issueUploadTicket,
  type BlobStore,
} from '../storage/index.js';
import { safeFileName } from '../transfer/filename.js';
import { requireAccess } from './access.js';
import { touch } from './containers.js';
import type { CurrentUser } from './context.js';
import { badRequest, notFound } from './errors.js';
import { fileDoc, metadataFor, withPreservedMetadata } from './file-meta.js';
import { isObj, type Obj } from './validate.js';

/** Where signed upload URLs point, relative to the server's origin (outside `/api`). */
export const STORAGE_UPLOAD_PATH = '/storage/uploads';

export interface UploadSettings {
  /** The site offers signed-URL uploads (`/config` `signed_url`, `features.signed_url`). */
  signedUrls: boolean;
  /** Lifetime of an upload ticket and its URLs in ms. */
  ttlMs: number;
  /** Files whose declared `size` exceeds this get several URLs (S3-style multipart). */
  partSize: number;
}

export interface SignedUploadState {
  db: Db;
  blobs: BlobStore;
  origin: string;
  uploads: UploadSettings;
}

export interface UploadTicketAnswer {
  ticket: string;
  urls: Record<string, string | string[]>;
  headers: Record<string, string>;
}

const MAX_PARTS = 10_000;
/** Keys the signed flow adds to file metadata (the SDK sets `size`); accepted and not stored. */
const SIGNED_META_KEYS = ['size'];

function checkTarget(row: ContainerRow): boolean {
  if (row.type === 'group') throw badRequest('groups have no files');
  const isAnalysis = row.type === 'analysis';
  if (isAnalysis && parseDoc(row).job)
    throw badRequest('outputs of job-based analyses are uploaded by their job');
  return isAnalysis;
}

/** The `size` a client declared for one file in the ticket metadata, if any. */
function declaredSize(meta: unknown, isAnalysis: boolean, name: string): number | undefined {
  let m: unknown = meta;
  if (isAnalysis) {
    const list = Array.isArray(meta)
      ? meta
      : isObj(meta) && Array.isArray(meta.files)
        ? meta.files
        : [];
    m = (list as unknown[]).find((x) => isObj(x) && x.name === name);
  }
  const size = isObj(m) ? m.size : undefined;
  if (size === undefined || size === null) return undefined;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0)
    throw badRequest(`"size" of file "${name}" must be a non-negative integer`);
  return size;
}

/**
 * Create an upload ticket. `body` is `{metadata?, filenames}`; metadata is validated now so a
 * bad value fails before any bytes move. Needs rw access to the container.
 */
export function createUploadTicket(
  state: SignedUploadState,
  user: CurrentUser,
  row: ContainerRow,
  body: Obj | undefined,
  o: { filenamePath?: boolean; preserve?: boolean } = {},
): UploadTicketAnswer {
  requireAccess(state.db, user, row, 'rw');
  const isAnalysis = checkTarget(row);
  if (!body) throw badRequest('an upload ticket needs a body with "filenames"');
  for (const k of Object.keys(body))
    if (k !== 'metadata' && k !== 'filenames')
      throw badRequest(`unexpected property "${k}" in upload ticket request`);
  const { filenames, metadata } = body;
  if (
    !Array.isArray(filenames) ||
    filenames.length === 0 ||
    filenames.some((n) => typeof n !== 'string')
  )
    throw badRequest('"filenames" must be a non-empty list of file names');
  const names = filenames as string[];
  for (const n of names) {
    if (safeFileName(n, o.filenamePath) !== n) throw badRequest(`invalid file name "${n}"`);
  }
  if (new Set(names).size !== names.length) throw badRequest('"filenames" names a file twice');
  const metaFor = metadataFor(metadata, isAnalysis, SIGNED_META_KEYS);
  const files = names.map((name) => {
    metaFor(name); // validation only
    const size = declaredSize(metadata, isAnalysis, name);
    const parts =
      size !== undefined && size > state.uploads.partSize
        ? Math.ceil(size / state.uploads.partSize)
        : 1;
    if (parts > MAX_PARTS) throw badRequest(`file "${name}" is too large`);
    return { name, parts };
  });
  const issued = issueUploadTicket(state.db, {
    containerId: row.id,
    containerType: row.type,
    userId: user.doc._id,
    files,
    doc: { metadata: metadata ?? null, preserve_metadata: o.preserve === true },
    ttlMs: state.uploads.ttlMs,
  });
  const base = `${state.origin}${STORAGE_UPLOAD_PATH}`;
  const urls: Record<string, string | string[]> = {};
  for (const [name, tokens] of Object.entries(issued.tokens)) {
    urls[name] =
      tokens.length === 1
        ? `${base}/${tokens[0]}`
        : tokens.map((t, i) => `${base}/${t}?uploadId=${issued.uploadId}&partNumber=${i + 1}`);
  }
  return {
    ticket: issued.ticket,
    urls,
    headers: { 'Content-Type': 'application/octet-stream' },
  };
}

/**
 * Close a ticket: save every uploaded file (new file, or new version of a same-named one) with
 * the ticket's metadata and answer their docs. A file not (fully) uploaded → 400, nothing saved,
 * and the ticket is dropped with the blobs of the parts that did arrive (a second close is 404).
 * Refusals the client can fix with the same ticket keep it: an unexpected body property, a
 * malformed or mismatching `multipart`, the wrong container, a concurrent close (409). Only the
 * ticket's creator (or a site admin) may close it.
 */
export async function closeUploadTicket(
  state: SignedUploadState,
  user: CurrentUser,
  row: ContainerRow,
  ticketId: string,
  body: Obj | undefined,
  o: { preserve?: boolean } = {},
): Promise<Doc[]> {
  const { db, blobs } = state;
  requireAccess(db, user, row, 'rw');
  const isAnalysis = checkTarget(row);
  for (const k of Object.keys(body ?? {}))
    if (k !== 'multipart') throw badRequest(`unexpected property "${k}" in upload ticket close`);
  const ticket = getUploadTicket(db, ticketId);
  if (!ticket || ticket.expires < Date.now() || (ticket.user_id !== user.doc._id && !user.isAdmin))
    throw notFound('upload ticket not found or expired');
  if (ticket.container_id !== row.id)
    throw badRequest(`upload ticket was not issued for ${row.type} ${row.id}`);
  const claimed = await claimUploadTicket(db, blobs, ticket, { multipart: body?.multipart });
  let docs: Doc[];
  try {
    const metaFor = metadataFor(claimed.doc.metadata, isAnalysis, SIGNED_META_KEYS);
    // preserve_metadata on the create or on the close request
    const preserve = o.preserve === true || claimed.doc.preserve_metadata === true;
    docs = db.transaction(() => {
      claimed.commit(db);
      const out = claimed.files.map((f) => {
        const previous = preserve ? getFile(db, row.id, 'files', f.name) : undefined;
        const doc = fileDoc(
          {
            name: f.name,
            size: f.size,
            hash: f.hash,
            contentType: guessContentType(f.name),
          },
          withPreservedMetadata(
            previous && (JSON.parse(previous.doc) as Doc),
            metaFor(f.name) as Obj,
          ),
          ticket.user_id,
        );
        putFile(db, row.id, row.type, 'files', doc, f.blobId);
        return doc;
      });
      touch(db, row.id);
      return out;
    })();
  } catch (err) {
    await claimed.abort();
    throw err;
  }
  await claimed.finish();
  return docs;
}
