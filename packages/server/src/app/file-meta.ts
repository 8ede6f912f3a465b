/**
 * File metadata shared by the multipart upload and the signed-URL upload: validation of the
 * `metadata` a client sends with its files and the stored doc of a freshly uploaded version.
 */
import mime from 'mime';
import type { Doc } from '../db/containers.js';
import { badRequest } from './errors.js';
import { guessFileType } from './filetypes.js';
import { uuid } from './ids.js';
import { now } from './time.js';
import { checkDepth, isObj, sanitizeInfo, type Obj } from './validate.js';

const METADATA_KEYS = [
  'name',
  'type',
  'mimetype',
  'modality',
  'classification',
  'tags',
  'info',
  'zip_member_count',
];

export function checkFileMetadata(meta: Obj, where: string, extraKeys: string[] = []): void {
  for (const k of Object.keys(meta)) {
    if (!METADATA_KEYS.includes(k) && !extraKeys.includes(k))
      throw badRequest(`unexpected property "${k}" in ${where}`);
  }
  if (
    meta.tags !== undefined &&
    (!Array.isArray(meta.tags) || meta.tags.some((t) => typeof t !== 'string'))
  ) {
    throw badRequest(`"tags" in ${where} must be a list of strings`);
  }
  if (meta.info !== undefined && !isObj(meta.info))
    throw badRequest(`"info" in ${where} must be an object`);
  if (meta.classification !== undefined && !isObj(meta.classification)) {
    throw badRequest(`"classification" in ${where} must be an object`);
  }
  for (const k of ['type', 'mimetype', 'modality'] as const) {
    if (meta[k] !== undefined && meta[k] !== null && typeof meta[k] !== 'string')
      throw badRequest(`"${k}" in ${where} must be a string`);
  }
}

/**
 * A function giving the metadata for one file name: containers take one object for their file;
 * analyses a list of file objects (or `{files: [...]}`) matched by `name`. Keys in `ignoreKeys`
 * are accepted and dropped (the signed-URL flow adds `size`); `name` is always dropped.
 */
export function metadataFor(
  meta: unknown,
  isAnalysis: boolean,
  ignoreKeys: string[] = [],
): (name: string) => Obj {
  checkDepth(meta, undefined, 'metadata');
  const strip = (m: Obj): Obj => {
    const out: Obj = {};
    for (const [k, v] of Object.entries(m)) if (k !== 'name' && !ignoreKeys.includes(k)) out[k] = v;
    return out;
  };
  return (name) => {
    if (meta === undefined || meta === null) return {};
    if (isAnalysis) {
      const list = Array.isArray(meta)
        ? meta
        : isObj(meta) && Array.isArray(meta.files)
          ? meta.files
          : null;
      if (!list) throw badRequest('metadata for analysis outputs must be a list of file objects');
      const m = list.find((x: unknown) => isObj(x) && x.name === name);
      if (m !== undefined) checkFileMetadata(m as Obj, 'metadata', ignoreKeys);
      return strip((m ?? {}) as Obj);
    }
    if (!isObj(meta)) throw badRequest('metadata must be a JSON object');
    checkFileMetadata(meta, 'metadata', ignoreKeys);
    return strip(meta);
  };
}

/**
 * The mimetype of an uploaded part. A part without a Content-Type header reaches us as
 * `text/plain` (the multipart default the parser applies), so that, like octet-stream, is
 * taken from the name's extension when the extension says something else (`mime`, as the
 * rest of the server).
 */
export function partMimetype(declared: string, name: string): string {
  if (declared !== 'text/plain' && declared !== 'application/octet-stream') return declared;
  return mime.getType(name) ?? declared;
}

/** `filename_path=true` in any case (a site reads the flag case-insensitively). */
export const filenamePathFlag = (v: string | undefined): boolean => v?.toLowerCase() === 'true';

/**
 * The stored name of a container upload: the metadata's `name` when given (a site names the
 * file after it), else the part's file name. Reduced like part names: no directories or `..`.
 */
export function storedName(meta: unknown, partName: string, withPath: boolean): string {
  const n = isObj(meta) ? meta.name : undefined;
  if (n === undefined || n === null) return partName;
  if (typeof n !== 'string' || n === '')
    throw badRequest('"name" in metadata must be a non-empty string');
  const parts = n.split('/');
  if (parts.some((p) => p === '..' || p === '.' || p === '') || n.includes('\0'))
    throw badRequest(`"name" in metadata is not a valid file name: ${JSON.stringify(n)}`);
  return withPath ? n : parts[parts.length - 1]!;
}

/** What the doc of a new file version is built from. */
export interface StoredContent {
  name: string;
  size: number;
  hash: string;
  contentType: string;
}

/** The doc of a new upload; `file_id`, `version` and `parent_ref` are set by `putFile`. */
export function fileDoc(f: StoredContent, meta: Obj, userId: string): Doc {
  const t = now();
  return {
    _id: uuid(),
    name: f.name,
    type: (meta.type as string | undefined) ?? guessFileType(f.name),
    mimetype: (meta.mimetype as string | undefined) ?? partMimetype(f.contentType, f.name),
    modality: (meta.modality as string | undefined) ?? null,
    classification: (meta.classification as Obj | undefined) ?? {},
    tags: (meta.tags as string[] | undefined) ?? [],
    info: sanitizeInfo(meta.info ?? {}),
    size: f.size,
    hash: f.hash,
    origin: { type: 'user', id: userId },
    created: t,
    modified: t,
    ...(meta.zip_member_count !== undefined ? { zip_member_count: meta.zip_member_count } : {}),
  };
}

/** Metadata a re-upload keeps from the version it replaces under `preserve_metadata=true`. */
const PRESERVED = ['info', 'tags', 'classification', 'modality', 'type'];

/**
 * `preserve_metadata=true`: the previous version's info, tags, classification, modality and
 * type carry over to the new version, except where the upload's own metadata sets them.
 */
export function withPreservedMetadata(previous: Doc | undefined, meta: Obj): Obj {
  if (!previous) return meta;
  const out: Obj = { ...meta };
  for (const k of PRESERVED)
    if (out[k] === undefined && previous[k] !== undefined && previous[k] !== null)
      out[k] = previous[k];
  return out;
}

/** The `preserve_metadata` query flag (400 unless true/false). */
export function preserveFlag(v: string | undefined): boolean {
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  throw badRequest('"preserve_metadata" must be true or false');
}
