/**
 * Flywheel's `.metadata.json`: what a gear asks to change besides uploading files. Keyed by
 * container level (`project`, `subject`, `session`, `acquisition`, `analysis`), each entry may
 * carry container fields (`info` is merged, `tags` are added, other fields as a container PUT)
 * and `files`: per file name, metadata for an output being uploaded or for a file already in
 * that container. Shared by the local engine and the engine upload route (`POST /engine`).
 */
import { getRow, parseDoc, saveContainer, type ContainerRow, type Doc } from '../db/containers.js';
import { getFile, saveFileDoc } from '../db/files.js';
import type { Db } from '../db/open.js';
import { modifyContainer } from '../app/containers.js';
import { checkFileMetadata } from '../app/file-meta.js';
import { badRequest } from '../app/errors.js';
import { now } from '../app/time.js';
import { unionTags } from '../app/tags.js';
import { checkDepth, isObj, sanitizeInfo, type Obj } from '../app/validate.js';

export const METADATA_LEVELS = ['project', 'subject', 'session', 'acquisition', 'analysis'];

export type GearMetadata = Record<string, Obj>;

/** 400 naming the problem unless `meta` is a well-formed metadata object; the checked object. */
export function checkGearMetadata(meta: unknown): GearMetadata {
  if (meta === undefined || meta === null) return {};
  checkDepth(meta, undefined, '.metadata.json');
  if (!isObj(meta)) throw badRequest('.metadata.json must be a JSON object keyed by level');
  for (const [lvl, entry] of Object.entries(meta)) {
    if (!METADATA_LEVELS.includes(lvl))
      throw badRequest(
        `.metadata.json: unknown level "${lvl}" (use ${METADATA_LEVELS.join(', ')})`,
      );
    if (!isObj(entry)) throw badRequest(`.metadata.json: "${lvl}" must be an object`);
    if (entry.files === undefined) continue;
    if (!Array.isArray(entry.files))
      throw badRequest(`.metadata.json: "${lvl}.files" must be a list`);
    for (const f of entry.files) {
      if (!isObj(f) || typeof f.name !== 'string' || f.name === '')
        throw badRequest(`.metadata.json: every entry of "${lvl}.files" needs a "name"`);
      checkFileMetadata(f, `.metadata.json ${lvl}.files "${f.name}"`);
    }
  }
  return meta as GearMetadata;
}

/** Metadata for output `name` of a job writing to a `destType` container (`name` removed). */
export function outputFileMeta(meta: GearMetadata, destType: string, name: string): Obj {
  const list = (meta[destType]?.files ?? []) as Obj[];
  const found = list.find((f) => f.name === name);
  if (!found) return {};
  const { name: _n, ...rest } = found;
  void _n;
  return rest;
}

/** The container a level of the metadata addresses: the destination or one of its ancestors. */
function levelRow(db: Db, dest: ContainerRow, level: string): ContainerRow | undefined {
  if (dest.type === level) return dest;
  const parents = (parseDoc(dest).parents ?? {}) as Record<string, string>;
  const id = parents[level];
  const row = id ? getRow(db, id) : undefined;
  return row?.type === level ? row : undefined;
}

/** Merge file metadata into an existing file entry (info merged, tags added). */
function updateExistingFile(db: Db, containerId: string, f: Obj): void {
  const row = getFile(db, containerId, 'files', String(f.name));
  if (!row) return; // not there (and not an output): nothing to update, as on a site
  const doc = JSON.parse(row.doc) as Doc;
  for (const k of ['type', 'mimetype', 'modality', 'classification', 'zip_member_count'])
    if (f[k] !== undefined) doc[k] = f[k];
  if (isObj(f.info)) doc.info = { ...((doc.info ?? {}) as Doc), ...(sanitizeInfo(f.info) as Obj) };
  if (Array.isArray(f.tags)) doc.tags = unionTags(doc.tags, f.tags);
  doc.modified = now();
  saveFileDoc(db, row, doc);
}

/**
 * Apply the container-level parts and the metadata of files that are not outputs (those get
 * theirs when they are stored). Runs inside the caller's transaction; throws (400) on a field
 * a container does not take, so the whole commit is undone.
 */
export function applyContainerMetadata(
  db: Db,
  dest: ContainerRow,
  meta: GearMetadata,
  outputNames: Set<string>,
): void {
  for (const [level, entry] of Object.entries(meta)) {
    const row = levelRow(db, dest, level);
    if (!row) continue; // e.g. `session` for a project-level destination
    const { files, tags, ...fields } = entry;
    if (Object.keys(fields).length > 0) modifyContainer(db, row, fields);
    if (tags !== undefined) {
      if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string'))
        throw badRequest(`.metadata.json: "${level}.tags" must be a list of strings`);
      const fresh = getRow(db, row.id)!;
      const doc = parseDoc(fresh);
      doc.tags = unionTags(doc.tags, tags);
      doc.modified = now();
      saveContainer(db, fresh, doc);
    }
    for (const f of (files ?? []) as Obj[]) {
      const isOutput = row.id === dest.id && outputNames.has(String(f.name));
      if (!isOutput) updateExistingFile(db, row.id, f);
    }
  }
}
