/**
 * `POST /upload/label`, `/upload/uid`, `/upload/reaper`: files with a `metadata` part describing
 * where they go (`{group: {_id}, project: {label}, session: {label|uid, subject: {code}},
 * acquisition: {label|uid}}`, each level optionally with `files: [{name, …metadata}]`). Missing
 * projects, subjects, sessions and acquisitions are created; `label` mode finds them by label,
 * `uid` and `reaper` by `uid` (sessions, acquisitions). A file listed in a level's `files` goes
 * there with that metadata; the others go to the deepest level given. Answers `File[]`.
 */
import type { Context } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireUser } from '../app/access.js';
import { badRequest, notFound } from '../app/errors.js';
import { replyUntyped } from '../app/json.js';
import { createContainer, loadParent, touch } from '../app/containers.js';
import {
  checkFileMetadata,
  fileDoc,
  preserveFlag,
  withPreservedMetadata,
} from '../app/file-meta.js';
import { isObj, type Obj } from '../app/validate.js';
import { LOCAL_PROVIDER_ID } from '../app/present.js';
import { getRow, parseDoc, type ContainerRow, type Doc } from '../db/containers.js';
import { getFile, putFile } from '../db/files.js';
import type { Db } from '../db/open.js';
import { parseMultipartUpload } from '../transfer/index.js';

type Mode = 'label' | 'uid';
const LEVELS = ['project', 'subject', 'session', 'acquisition'] as const;

function find(
  db: Db,
  type: string,
  parentCol: string,
  parentId: string,
  key: 'label' | 'uid' | 'code',
  value: string,
) {
  const col =
    key === 'label'
      ? `json_extract(doc, '$.label')`
      : key === 'code'
        ? 'code'
        : `json_extract(doc, '$.uid')`;
  return db
    .prepare(
      `SELECT * FROM containers WHERE type = ? AND ${parentCol} = ? AND ${col} = ? ORDER BY id LIMIT 1`,
    )
    .get(type, parentId, value) as ContainerRow | undefined;
}

const str = (o: Obj, k: string, where: string): string | undefined => {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '')
    throw badRequest(`"${where}.${k}" must be a non-empty string`);
  return v;
};

/** Find or create the containers the metadata names; returns them by level. */
function resolve(
  db: Db,
  user: CurrentUser,
  meta: Obj,
  mode: Mode,
): Partial<Record<string, ContainerRow>> {
  const out: Partial<Record<string, ContainerRow>> = {};
  const g = meta.group;
  if (!isObj(g) || typeof g._id !== 'string') throw badRequest('"metadata.group._id" is required');
  const group = loadParent(db, 'group', g._id, 'group._id');
  const p = meta.project;
  if (!isObj(p)) throw badRequest('"metadata.project" is required');
  const plabel = str(p, 'label', 'project');
  if (!plabel) throw badRequest('"metadata.project.label" is required');
  const extra = (o: Obj) => {
    const e: Obj = {};
    for (const k of ['info', 'tags', 'timestamp', 'timezone', 'operator'])
      if (o[k] !== undefined) e[k] = o[k];
    return e;
  };
  out.project =
    find(db, 'project', 'group_id', group.id, 'label', plabel) ??
    getRow(
      db,
      createContainer(db, user, 'project', { group: group.id, label: plabel, ...extra(p) }),
    )!;
  const s = meta.session;
  const subjectMeta = isObj(meta.subject)
    ? meta.subject
    : isObj(s) && isObj(s.subject)
      ? s.subject
      : undefined;
  if (subjectMeta) {
    const code = str(subjectMeta, 'code', 'subject') ?? str(subjectMeta, 'label', 'subject');
    if (!code) throw badRequest('"metadata.subject.code" is required');
    out.subject =
      find(db, 'subject', 'project_id', out.project.id, 'code', code) ??
      getRow(db, createContainer(db, user, 'subject', { project: out.project.id, code }))!;
  }
  if (isObj(s)) {
    const key = mode === 'uid' ? 'uid' : 'label';
    const value = str(s, key, 'session');
    if (!value) throw badRequest(`"metadata.session.${key}" is required`);
    const code = out.subject ? (out.subject.code as string) : value;
    out.session = find(db, 'session', 'project_id', out.project.id, key, value);
    if (!out.session) {
      const body: Obj = {
        project: out.project.id,
        label: str(s, 'label', 'session') ?? value,
        subject: { code },
        ...extra(s),
      };
      if (mode === 'uid' || s.uid !== undefined) body.uid = str(s, 'uid', 'session');
      out.session = getRow(db, createContainer(db, user, 'session', body))!;
    }
    out.subject ??= getRow(db, out.session.subject_id!);
  }
  const a = meta.acquisition;
  if (isObj(a)) {
    if (!out.session) throw badRequest('"metadata.acquisition" needs "metadata.session"');
    const key = mode === 'uid' ? 'uid' : 'label';
    const value = str(a, key, 'acquisition');
    if (!value) throw badRequest(`"metadata.acquisition.${key}" is required`);
    out.acquisition = find(db, 'acquisition', 'session_id', out.session.id, key, value);
    if (!out.acquisition) {
      const body: Obj = {
        session: out.session.id,
        label: str(a, 'label', 'acquisition') ?? value,
        ...extra(a),
      };
      if (mode === 'uid' || a.uid !== undefined) body.uid = str(a, 'uid', 'acquisition');
      out.acquisition = getRow(db, createContainer(db, user, 'acquisition', body))!;
    }
  }
  return out;
}

/** The v21 `File` form of a stored file doc (the answer of the upload-by-* operations). */
function presentFileModel(db: Db, doc: Doc, container: ContainerRow): Doc {
  const parents = {
    ...((parseDoc(container).parents ?? {}) as Doc),
    [container.type]: container.id,
  };
  return {
    _id: { file_id: doc.file_id, version: doc.version },
    parent_ref: doc.parent_ref,
    name: doc.name,
    file_group: 'files',
    provider_id: LOCAL_PROVIDER_ID,
    uuid: doc._id,
    size: doc.size ?? 0,
    ...(doc.hash ? { hash: doc.hash } : {}),
    revision: doc.revision ?? 1,
    origin: doc.origin ?? { type: 'user' },
    classification: doc.classification ?? {},
    tags: doc.tags ?? [],
    info: doc.info ?? {},
    parents,
    ...(doc.type ? { type: doc.type } : {}),
    mimetype: doc.mimetype ?? 'application/octet-stream',
    ...(doc.modality ? { modality: doc.modality } : {}),
    created: doc.created,
    modified: doc.modified,
  };
}

function uploadBy(mode: Mode) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const user = requireUser(c.get('user'));
    const { db, blobs } = c.get('state');
    if (c.req.query('ticket') !== undefined)
      throw badRequest('signed-URL tickets are not offered for uploads by label/uid');
    const preserve = preserveFlag(c.req.query('preserve_metadata'));
    const ctype = c.req.header('content-type') ?? '';
    if (!ctype.toLowerCase().startsWith('multipart/form-data'))
      throw badRequest('expected a multipart/form-data body');
    const upload = await parseMultipartUpload(c.env.incoming, c.req.raw.headers, blobs, {
      minFiles: 1,
      maxFiles: 1000,
    });
    try {
      const meta = upload.metadata;
      if (!isObj(meta)) throw badRequest('the "metadata" part is required (an object)');
      const names = new Set<string>();
      for (const f of upload.files) {
        if (names.has(f.name)) throw badRequest(`file "${f.name}" sent twice`);
        names.add(f.name);
      }
      // per-file metadata from each level's `files` list
      const placed = new Map<string, { level: string; meta: Obj }>();
      for (const level of LEVELS) {
        const lm = meta[level];
        if (!isObj(lm) || lm.files === undefined) continue;
        if (!Array.isArray(lm.files)) throw badRequest(`"metadata.${level}.files" must be a list`);
        for (const fm of lm.files) {
          if (!isObj(fm) || typeof fm.name !== 'string')
            throw badRequest(`"metadata.${level}.files" items need a "name"`);
          const { name, ...rest } = fm;
          checkFileMetadata(rest, `metadata.${level}.files`);
          placed.set(name as string, { level, meta: rest });
        }
      }
      const docs = db.transaction(() => {
        const rows = resolve(db, user, meta, mode);
        const deepest = [...LEVELS]
          .reverse()
          .find((l) => rows[l] && (l !== 'subject' || !rows.session))!;
        const out: Doc[] = [];
        for (const f of upload.files) {
          const plan = placed.get(f.name);
          const target = rows[plan?.level ?? deepest];
          if (!target) throw notFound(`no ${plan?.level} for file ${f.name}`);
          const previous = preserve ? getFile(db, target.id, 'files', f.name) : undefined;
          const kept = withPreservedMetadata(
            previous && (JSON.parse(previous.doc) as Doc),
            plan?.meta ?? {},
          );
          const doc = fileDoc(f, kept, user.doc._id);
          putFile(db, target.id, target.type, 'files', doc, f.blobId);
          touch(db, target.id);
          out.push(presentFileModel(db, doc, target));
        }
        return out;
      })();
      return replyUntyped(c, docs);
    } catch (err) {
      for (const f of upload.files) await blobs.remove(f.blobId);
      throw err;
    }
  };
}

export function registerUploadHierarchyRoutes(routes: RouteTable): void {
  routes.on('upload_by_label', uploadBy('label'));
  routes.on('upload_by_uid', uploadBy('uid'));
  routes.on('upload_by_reaper', uploadBy('uid'));
}
