/**
 * Deep copy of a container with its descendants, analyses and files (`POST /{types}/{id}/copy`).
 * Every copied container and file gets a new id and `copy_of` (the source id); `original_copy_of`
 * keeps the first source of a chain. Blobs are shared by reference: a blob is removed only when
 * no file row (latest or older version) points at it any more (`unreferenced`), so deleting the
 * source or the copy never orphans or breaks the other.
 */
import {
  getRow,
  insertContainer,
  LEVELS,
  parseDoc,
  subtreeIds,
  type ContainerRow,
  type CType,
  type Doc,
} from '../db/containers.js';
import { putFile, type FileRow } from '../db/files.js';
import type { Db } from '../db/open.js';
import { objectId } from './ids.js';
import { now } from './time.js';
import { badRequest } from './errors.js';
import { isObj, type Obj } from './validate.js';

export interface CopyFilter {
  exclude_analysis: boolean;
  exclude_notes: boolean;
  exclude_tags: boolean;
  exclude_empty_containers: boolean;
}

/** Validate `CopyFilter` (`include_rules`/`exclude_rules` are accepted; no gear rules here). */
export function parseCopyFilter(v: unknown): CopyFilter {
  if (v === undefined) throw badRequest('"filter" is required');
  if (!isObj(v)) throw badRequest('"filter" must be an object');
  const out: CopyFilter = {
    exclude_analysis: false,
    exclude_notes: false,
    exclude_tags: false,
    exclude_empty_containers: false,
  };
  for (const [k, x] of Object.entries(v)) {
    if (k in out) {
      if (x !== null && typeof x !== 'boolean') throw badRequest(`"filter.${k}" must be a boolean`);
      out[k as keyof CopyFilter] = x === true;
    } else if (k === 'include_rules' || k === 'exclude_rules') {
      if (x !== null && (!Array.isArray(x) || x.some((r) => typeof r !== 'string')))
        throw badRequest(`"filter.${k}" must be a list of strings`);
    } else throw badRequest(`unexpected property "filter.${k}"`);
  }
  return out;
}

const DEPTH: Record<string, number> = Object.fromEntries(LEVELS.map((l, i) => [l, i]));

export interface CopyTarget {
  /** The copy's `parents` (the destination's ancestry). */
  parents: Record<string, string>;
  /** Container that governs permissions of the copy (project id; the copy itself for projects). */
  permId: string | null;
  /** Fields set on the root copy (label, code, group/project/subject references). */
  overrides: Doc;
}

/** Copy `src` and its subtree under `target`; returns the new root id. Run inside a transaction. */
export function copySubtree(
  db: Db,
  src: ContainerRow,
  target: CopyTarget,
  filter: CopyFilter,
  userId: string,
): string {
  const rows = subtreeIds(db, src.id)
    .map((id) => getRow(db, id)!)
    .filter((r) => r && (r.id === src.id || !(filter.exclude_analysis && r.type === 'analysis')));
  // parents before children; analyses after the containers they hang on (chains: by created)
  rows.sort(
    (a, b) =>
      (DEPTH[a.type] ?? 9) - (DEPTH[b.type] ?? 9) ||
      a.created.localeCompare(b.created) ||
      a.id.localeCompare(b.id),
  );
  const fileCount = db.prepare('SELECT count(*) AS n FROM files WHERE container_id = ?');
  const hasChild = (id: string) =>
    rows.some((r) => r.parent_id === id && r.type !== 'analysis' && kept.has(r.id));
  const kept = new Set(rows.map((r) => r.id));
  if (filter.exclude_empty_containers) {
    // deepest first: a container with no files and no kept children is left out
    for (const r of [...rows].reverse()) {
      if (r.id === src.id || r.type === 'analysis') continue;
      if ((fileCount.get(r.id) as { n: number }).n === 0 && !hasChild(r.id)) kept.delete(r.id);
    }
  }
  const ids = new Map<string, string>();
  for (const r of rows) if (kept.has(r.id)) ids.set(r.id, objectId());
  const map = (v: unknown, key: string): unknown =>
    typeof v === 'string' ? (ids.get(v) ?? target.parents[key] ?? v) : v;
  const t = now();
  const rootId = ids.get(src.id)!;
  const newProject = src.type === 'project' ? rootId : (target.parents.project ?? null);

  for (const r of rows) {
    if (!kept.has(r.id)) continue;
    if (r.parent_id && r.id !== src.id && !ids.has(r.parent_id)) continue; // parent left out
    const doc = parseDoc(r);
    const copy: Doc = { ...doc, _id: ids.get(r.id), created: t, modified: t, revision: 1 };
    copy.copy_of = r.id;
    copy.original_copy_of = doc.original_copy_of ?? doc.copy_of ?? r.id;
    if (filter.exclude_notes) copy.notes = [];
    if (filter.exclude_tags) copy.tags = [];
    const parents: Record<string, string> = {};
    for (const [k, v] of Object.entries((doc.parents ?? {}) as Record<string, string>))
      parents[k] = map(v, k) as string;
    if (r.id === src.id) Object.assign(parents, target.parents);
    copy.parents = parents;
    for (const k of ['group', 'project', 'session'])
      if (typeof copy[k] === 'string') copy[k] = map(copy[k], k);
    if (isObj(copy.subject) && typeof copy.subject._id === 'string')
      copy.subject = { ...copy.subject, _id: map(copy.subject._id, 'subject') };
    if (r.type === 'analysis' && isObj(doc.parent)) {
      const pid = doc.parent.id as string;
      copy.parent = { ...doc.parent, id: ids.get(pid) ?? pid };
    }
    if (r.id === src.id) Object.assign(copy, target.overrides);
    if (r.type === 'project') delete copy.permissions;
    if (r.type === 'project') copy.permissions = target.overrides.permissions ?? doc.permissions;
    const permId = r.type === 'project' ? rootId : (newProject ?? target.permId);
    insertContainer(db, r.type as CType, copy, permId);
    copyFiles(db, r, copy._id as string, userId);
  }
  return rootId;
}

function copyFiles(db: Db, src: ContainerRow, dest: string, userId: string): void {
  const files = db
    .prepare('SELECT * FROM files WHERE container_id = ? ORDER BY created, id')
    .all(src.id) as FileRow[];
  const t = now();
  for (const f of files) {
    const doc = JSON.parse(f.doc) as Doc;
    const copy: Doc = { ...doc, _id: objectId(), created: t, modified: t, revision: 1 };
    // FileVersionCopyOf / FileVersion: the source file and version
    const parents = (parseDoc(src).parents ?? {}) as Record<string, string>;
    copy.copy_of = {
      file_id: doc.file_id,
      version: doc.version ?? 1,
      parents: { ...parents, [src.type]: src.id },
    };
    copy.original_copy_of = isObj(doc.original_copy_of)
      ? doc.original_copy_of
      : { file_id: doc.file_id, version: doc.version ?? 1 };
    copy.origin = { type: 'user', id: userId };
    delete copy.restored_from;
    delete copy.restored_by;
    delete copy.replaced;
    if (f.role === 'files') {
      delete copy.file_id;
      delete copy.version;
      delete copy.parent_ref;
    } else delete copy.copy_of; // inputs keep their source identity
    putFile(db, dest, src.type, f.role, copy, f.blob_id);
  }
}

/** The fields of a copy body other than `filter`, checked as optional strings. */
export function copyStrings(body: Obj, keys: string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'filter') continue;
    if (!keys.includes(k)) throw badRequest(`unexpected property "${k}" in copy input`);
    if (v !== undefined && v !== null && (typeof v !== 'string' || v === ''))
      throw badRequest(`"${k}" must be a non-empty string`);
    out[k] = (v as string | null) ?? undefined;
  }
  return out;
}
