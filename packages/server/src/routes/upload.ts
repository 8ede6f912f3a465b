import type { Context } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireAccess, requireUser } from '../app/access.js';
import { createContainer, LEVEL_FIELDS, touch } from '../app/containers.js';
import { badRequest, notFound } from '../app/errors.js';
import {
  checkFileMetadata,
  fileDoc,
  preserveFlag,
  withPreservedMetadata,
} from '../app/file-meta.js';
import { replyUntyped } from '../app/json.js';
import { presentFile } from '../app/present.js';
import { checkDepth, isObj, type Obj } from '../app/validate.js';
import { getRow, type ContainerRow, type Doc } from '../db/containers.js';
import { getFile, putFile } from '../db/files.js';
import { runGearRules } from '../app/gear-rules.js';
import type { Db } from '../db/open.js';
import { parseMultipartUpload } from '../transfer/index.js';

/**
 * Uploads that place files into the hierarchy from their `metadata`: by labels (`/upload/label`:
 * group `_id`, project label, subject code, session and acquisition labels) or by UIDs
 * (`/upload/uid`, `/upload/reaper`: sessions and acquisitions matched by `uid`). Missing
 * containers are created as a site does; each file goes to the container whose `files` list
 * names it, else to the deepest container the metadata describes.
 */
type Mode = 'label' | 'uid';
const LEVELS = ['project', 'subject', 'session', 'acquisition'] as const;
type Level = (typeof LEVELS)[number];
/** Per-level metadata keys: the level's fields, its `files`, and a session's `subject`. */
const CONTAINER_KEYS: Record<Level, readonly string[]> = {
  project: [...LEVEL_FIELDS.project, 'files'],
  subject: [...LEVEL_FIELDS.subject, 'files'],
  session: [...LEVEL_FIELDS.session, 'files', 'subject'],
  acquisition: [...LEVEL_FIELDS.acquisition, 'files'],
};

interface Plan {
  group: string;
  nodes: Partial<Record<Level, Obj>>;
}

function planOf(meta: unknown, mode: Mode): Plan {
  if (meta === undefined) throw badRequest('the upload needs a "metadata" field');
  checkDepth(meta, undefined, 'metadata');
  if (!isObj(meta)) throw badRequest('metadata must be a JSON object');
  for (const k of Object.keys(meta))
    if (!['group', 'project', 'subject', 'session', 'acquisition'].includes(k))
      throw badRequest(`unexpected property "${k}" in metadata`);
  const group = meta.group;
  if (!isObj(group) || typeof group._id !== 'string' || group._id === '')
    throw badRequest('metadata.group._id is required');
  const nodes: Plan['nodes'] = {};
  for (const lvl of LEVELS) {
    const n = meta[lvl];
    if (n === undefined) continue;
    if (!isObj(n)) throw badRequest(`metadata.${lvl} must be an object`);
    for (const k of Object.keys(n))
      if (!CONTAINER_KEYS[lvl].includes(k))
        throw badRequest(`unexpected property "${k}" in metadata.${lvl}`);
    if (n.files !== undefined) {
      if (!Array.isArray(n.files) || n.files.some((f) => !isObj(f) || typeof f.name !== 'string'))
        throw badRequest(`metadata.${lvl}.files must be a list of {name, …}`);
      for (const f of n.files as Obj[]) {
        const { name: _n, ...rest } = f;
        checkFileMetadata(rest, `metadata.${lvl}.files`);
      }
    }
    nodes[lvl] = n;
  }
  if (isObj(nodes.session?.subject) && !nodes.subject) nodes.subject = nodes.session.subject as Obj;
  if (!nodes.project || typeof nodes.project.label !== 'string' || nodes.project.label === '')
    throw badRequest('metadata.project.label is required');
  if (nodes.acquisition && !nodes.session) throw badRequest('an acquisition needs a session');
  if (nodes.session) {
    const s = nodes.session;
    const key = mode === 'uid' ? (s.uid ?? s.label) : s.label;
    if (typeof key !== 'string' || key === '')
      throw badRequest(`metadata.session.${mode === 'uid' ? 'uid' : 'label'} is required`);
    const sub = nodes.subject;
    if (!sub || typeof (sub.code ?? sub.label) !== 'string')
      throw badRequest('metadata.subject.code (or session.subject.code) is required for a session');
  }
  if (nodes.acquisition) {
    const a = nodes.acquisition;
    const key = mode === 'uid' ? (a.uid ?? a.label) : a.label;
    if (typeof key !== 'string' || key === '')
      throw badRequest(`metadata.acquisition.${mode === 'uid' ? 'uid' : 'label'} is required`);
  }
  return { group: group._id, nodes };
}

/** Container fields of a node for creating it (no `files`, no nested subject). */
function fieldsOf(n: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(n))
    if (k !== 'files' && k !== 'subject' && v !== undefined) out[k] = v;
  return out;
}

function findOrCreate(
  db: Db,
  user: CurrentUser,
  plan: Plan,
  mode: Mode,
): Partial<Record<Level, ContainerRow>> {
  const group = getRow(db, plan.group);
  if (!group || group.type !== 'group') throw notFound(`group ${plan.group} not found`);
  const rows: Partial<Record<Level, ContainerRow>> = {};
  const one = (sql: string, ...p: unknown[]) =>
    db.prepare(sql).get(...p) as ContainerRow | undefined;
  const n = plan.nodes;
  // project by label
  let project = one(
    "SELECT * FROM containers WHERE type = 'project' AND group_id = ? AND label = ? ORDER BY id LIMIT 1",
    group.id,
    n.project!.label,
  );
  if (!project) {
    requireAccess(db, user, group, 'rw');
    project = getRow(
      db,
      createContainer(db, user, 'project', { ...fieldsOf(n.project!), group: group.id }),
    )!;
  }
  requireAccess(db, user, project, 'rw');
  rows.project = project;
  if (n.subject) {
    const code = (n.subject.code ?? n.subject.label) as string;
    rows.subject =
      one(
        "SELECT * FROM containers WHERE type = 'subject' AND project_id = ? AND (code = ? OR label = ?) ORDER BY id LIMIT 1",
        project.id,
        code,
        code,
      ) ??
      getRow(
        db,
        createContainer(db, user, 'subject', { ...fieldsOf(n.subject), code, project: project.id }),
      )!;
  }
  if (n.session) {
    const s = n.session;
    const found =
      mode === 'uid' && typeof s.uid === 'string'
        ? one(
            "SELECT * FROM containers WHERE type = 'session' AND project_id = ? AND json_extract(doc, '$.uid') = ? ORDER BY id LIMIT 1",
            project.id,
            s.uid,
          )
        : one(
            "SELECT * FROM containers WHERE type = 'session' AND subject_id = ? AND label = ? ORDER BY id LIMIT 1",
            rows.subject!.id,
            s.label,
          );
    rows.session =
      found ??
      getRow(
        db,
        createContainer(db, user, 'session', {
          ...fieldsOf(s),
          ...(s.label === undefined && typeof s.uid === 'string' ? { label: s.uid } : {}),
          project: project.id,
          subject: { _id: rows.subject!.id },
        }),
      )!;
  }
  if (n.acquisition) {
    const a = n.acquisition;
    const found =
      mode === 'uid' && typeof a.uid === 'string'
        ? one(
            "SELECT * FROM containers WHERE type = 'acquisition' AND session_id = ? AND json_extract(doc, '$.uid') = ? ORDER BY id LIMIT 1",
            rows.session!.id,
            a.uid,
          )
        : one(
            "SELECT * FROM containers WHERE type = 'acquisition' AND session_id = ? AND label = ? ORDER BY id LIMIT 1",
            rows.session!.id,
            a.label,
          );
    rows.acquisition =
      found ??
      getRow(
        db,
        createContainer(db, user, 'acquisition', {
          ...fieldsOf(a),
          ...(a.label === undefined && typeof a.uid === 'string' ? { label: a.uid } : {}),
          session: rows.session!.id,
        }),
      )!;
  }
  return rows;
}

/** A stored file doc in the reference `File` shape (`_id` is the file version). */
function asFile(doc: Doc): Doc {
  const f = presentFile(doc);
  const { file_id, version, _id, ...rest } = f;
  return { ...rest, _id: { file_id, version }, uuid: _id, classification: f.classification ?? {} };
}

function uploader(mode: Mode) {
  return async (c: Context<AppEnv>) => {
    const { db, blobs } = c.get('state');
    const user = requireUser(c.get('user'));
    if (c.req.query('ticket') !== undefined)
      throw badRequest(
        'signed-URL tickets are not supported for placement uploads; send the files',
      );
    const preserve = preserveFlag(c.req.query('preserve_metadata'));
    const ctype = c.req.header('content-type') ?? '';
    if (!ctype.toLowerCase().startsWith('multipart/form-data'))
      throw badRequest('expected a multipart/form-data body');
    const upload = await parseMultipartUpload(c.env.incoming, c.req.raw.headers, blobs, {
      minFiles: 1,
      maxFiles: Infinity,
    });
    const written = upload.files.map((f) => f.blobId);
    try {
      const plan = planOf(upload.metadata, mode);
      const names = new Set<string>();
      for (const f of upload.files) {
        if (names.has(f.name)) throw badRequest(`file "${f.name}" sent twice`);
        names.add(f.name);
      }
      const docs = db.transaction(() => {
        const rows = findOrCreate(db, user, plan, mode);
        const deepest = [...LEVELS].reverse().find((l) => rows[l])!;
        const out: Doc[] = [];
        const touched = new Set<string>();
        for (const f of upload.files) {
          let level: Level = deepest;
          let meta: Obj = {};
          for (const l of LEVELS) {
            const entry = ((plan.nodes[l]?.files ?? []) as Obj[]).find((x) => x.name === f.name);
            if (entry && rows[l]) {
              level = l;
              const { name: _n, ...rest } = entry;
              meta = rest;
            }
          }
          const row = rows[level]!;
          const previous = preserve ? getFile(db, row.id, 'files', f.name) : undefined;
          const kept = withPreservedMetadata(previous && (JSON.parse(previous.doc) as Doc), meta);
          const doc = fileDoc(f, kept, user.doc._id);
          putFile(db, row.id, row.type, 'files', doc, f.blobId);
          touched.add(row.id);
          out.push(doc);
        }
        for (const id of touched) {
          touch(db, id);
          runGearRules(
            db,
            user,
            id,
            out.filter((d) => d.parent_ref?.id === id),
          );
        }
        return out;
      })();
      return replyUntyped(c, docs.map(asFile));
    } catch (err) {
      await Promise.all(written.map((b) => blobs.remove(b)));
      throw err;
    }
  };
}

export function registerUploadRoutes(routes: RouteTable): void {
  routes.on('upload_by_label', uploader('label'));
  routes.on('upload_by_uid', uploader('uid'));
  routes.on('upload_by_reaper', uploader('uid'));
}
