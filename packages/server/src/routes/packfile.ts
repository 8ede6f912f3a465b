import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireAccess, requireUser } from '../app/access.js';
import { createContainer, loadContainer, touch } from '../app/containers.js';
import {
  deleteDoc,
  getDoc,
  insertDoc,
  listDocs,
  saveDoc,
  shaped,
  type Shape,
  type StoredDoc,
} from '../app/documents.js';
import { badRequest, forbidden, notFound } from '../app/errors.js';
import { fileDoc } from '../app/file-meta.js';
import { objectId } from '../app/ids.js';
import { replyUntyped } from '../app/json.js';
import { LOCAL_PROVIDER_ID, presentFile } from '../app/present.js';
import { now } from '../app/time.js';
import { zipStream } from '../app/zip-writer.js';
import { getRow, type ContainerRow } from '../db/containers.js';
import { putFile } from '../db/files.js';
import { runGearRules } from '../app/gear-rules.js';
import type { Db } from '../db/open.js';
import { parseMultipartUpload } from '../transfer/index.js';

/**
 * Packfiles: `packfile-start` issues a token, `packfile` stages files under it (any number of
 * requests), `packfile-end` zips the staged files into one file (`<acquisition>.<type>.zip`) on
 * the acquisition its metadata names (session and acquisition found by label or created) and
 * streams progress as server-sent events. Tokens live one hour; `POST /clean-packfiles`
 * removes expired ones with their staged blobs.
 */
const KIND = 'packfile_token';
const TTL_MS = 60 * 60 * 1000;

function loadToken(c: Context<AppEnv>, project: ContainerRow, user: CurrentUser): StoredDoc {
  const token = c.req.query('token');
  if (!token) throw badRequest('token is required');
  const t = getDoc(c.get('state').db, KIND, token);
  if (!t || t.project !== project.id) throw notFound('packfile token not found');
  if (t.user !== user.doc._id) throw forbidden('this packfile token belongs to another user');
  if (Date.parse(t.expires as string) < Date.now()) throw badRequest('packfile token expired');
  return t;
}

const METADATA: Shape = {
  fields: {
    project: { fields: { _id: 'string', label: 'string' }, open: true },
    subject: { fields: { code: 'string', label: 'string' }, open: true },
    session: {
      fields: {
        label: 'string',
        subject: { fields: { code: 'string', label: 'string' }, open: true },
      },
      open: true,
      required: ['label'],
    },
    acquisition: { fields: { label: 'string' }, open: true, required: ['label'] },
    packfile: { fields: { type: 'string' }, required: ['type'] },
  },
  required: ['session', 'acquisition', 'packfile'],
};

/** Container fields of a metadata node (identity keys and nested nodes dropped). */
function extra(node: StoredDoc, drop: string[]): StoredDoc {
  const out: StoredDoc = {};
  for (const [k, v] of Object.entries(node)) if (!drop.includes(k)) out[k] = v;
  return out;
}

function place(db: Db, user: CurrentUser, project: ContainerRow, meta: StoredDoc): ContainerRow {
  const one = (sql: string, ...p: unknown[]) =>
    db.prepare(sql).get(...p) as ContainerRow | undefined;
  const subjectNode = (meta.subject ??
    meta.session.subject ?? { code: meta.session.label }) as StoredDoc;
  const code = String(subjectNode.code ?? subjectNode.label);
  const subject =
    one(
      "SELECT * FROM containers WHERE type = 'subject' AND project_id = ? AND (code = ? OR label = ?) ORDER BY id LIMIT 1",
      project.id,
      code,
      code,
    ) ??
    getRow(
      db,
      createContainer(db, user, 'subject', {
        ...extra(subjectNode, ['label']),
        code,
        project: project.id,
      }),
    )!;
  const session =
    one(
      "SELECT * FROM containers WHERE type = 'session' AND subject_id = ? AND label = ? ORDER BY id LIMIT 1",
      subject.id,
      meta.session.label,
    ) ??
    getRow(
      db,
      createContainer(db, user, 'session', {
        ...extra(meta.session as StoredDoc, ['subject']),
        project: project.id,
        subject: { _id: subject.id },
      }),
    )!;
  return (
    one(
      "SELECT * FROM containers WHERE type = 'acquisition' AND session_id = ? AND label = ? ORDER BY id LIMIT 1",
      session.id,
      meta.acquisition.label,
    ) ??
    getRow(
      db,
      createContainer(db, user, 'acquisition', {
        ...(meta.acquisition as StoredDoc),
        session: session.id,
      }),
    )!
  );
}

export function registerPackfileRoutes(routes: RouteTable): void {
  routes.on('start_project_packfile_upload', (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const project = loadContainer(db, 'project', id);
    requireAccess(db, user, project, 'rw');
    const token = randomBytes(24).toString('hex');
    insertDoc(
      db,
      KIND,
      {
        project: project.id,
        user: user.doc._id,
        files: [],
        expires: new Date(Date.now() + TTL_MS).toISOString(),
      },
      { id: token, parent: project.id, owner: user.doc._id },
    );
    return replyUntyped(c, { token });
  });

  routes.on('project_packfile_upload', async (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const { db, blobs } = c.get('state');
    const project = loadContainer(db, 'project', id);
    requireAccess(db, user, project, 'rw');
    const token = loadToken(c, project, user);
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data'))
      throw badRequest('expected a multipart/form-data body');
    const upload = await parseMultipartUpload(c.env.incoming, c.req.raw.headers, blobs, {
      minFiles: 1,
      maxFiles: Infinity,
      filenamePath: true,
    });
    const files = (token.files as StoredDoc[]).slice();
    const replaced: string[] = [];
    for (const f of upload.files) {
      const i = files.findIndex((x) => x.name === f.name);
      const entry = {
        _id: objectId(),
        name: f.name,
        blob: f.blobId,
        size: f.size,
        hash: f.hash,
        mimetype: f.contentType,
      };
      if (i >= 0) {
        replaced.push(files[i]!.blob as string);
        files[i] = entry;
      } else files.push(entry);
    }
    token.files = files;
    saveDoc(db, KIND, token);
    await Promise.all(replaced.map((b) => blobs.remove(b)));
    const ts = now();
    return replyUntyped(
      c,
      upload.files.map((f) => {
        const e = files.find((x) => x.name === f.name)!;
        return presentFile({
          _id: e._id,
          file_id: e._id,
          version: 1,
          name: f.name,
          size: f.size,
          hash: f.hash,
          mimetype: f.contentType,
          provider_id: LOCAL_PROVIDER_ID,
          parent_ref: { type: 'project', id: project.id },
          origin: { type: 'user', id: user.doc._id },
          created: ts,
          modified: ts,
        });
      }),
    );
  });

  routes.on('end_project_packfile_upload', async (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const { db, blobs } = c.get('state');
    const project = loadContainer(db, 'project', id);
    requireAccess(db, user, project, 'rw');
    const token = loadToken(c, project, user);
    let raw: unknown;
    try {
      raw = JSON.parse(c.req.query('metadata') ?? '');
    } catch {
      throw badRequest('metadata must be JSON');
    }
    const meta = shaped(raw, METADATA, 'metadata') as StoredDoc;
    if (meta.project?._id !== undefined && meta.project._id !== project.id)
      throw badRequest('metadata.project is another project');
    const count = Number(c.req.query('file_count'));
    const staged = token.files as StoredDoc[];
    if (!Number.isInteger(count) || count < 0)
      throw badRequest('file_count must be a non-negative integer');
    if (count !== staged.length)
      throw badRequest(`file_count is ${count} but ${staged.length} files were uploaded`);
    if (staged.length === 0) throw badRequest('no files were uploaded with this token');
    const type = String(meta.packfile.type);
    if (!/^[\w.-]{1,64}$/.test(type)) throw badRequest('packfile.type must be a short name');
    const zip = Readable.from(
      zipStream(
        staged.map((f) => ({ name: String(f.name), open: () => blobs.open(String(f.blob)) })),
      ),
    );
    const info = await blobs.write(zip);
    let acquisition: ContainerRow;
    try {
      acquisition = db.transaction(() => {
        const acq = place(db, user, project, meta);
        requireAccess(db, user, acq, 'rw');
        const name = `${String(meta.acquisition.label).replace(/[\\/]/g, '_')}.${type}.zip`;
        const doc = fileDoc(
          { name, size: info.size, hash: info.hash, contentType: 'application/zip' },
          { type },
          user.doc._id,
        );
        doc.zip_member_count = staged.length;
        putFile(db, acq.id, 'acquisition', 'files', doc, info.id);
        touch(db, acq.id);
        runGearRules(db, user, acq.id, [doc]);
        deleteDoc(db, KIND, token._id as string);
        return acq;
      })();
    } catch (err) {
      await blobs.remove(info.id);
      throw err;
    }
    await Promise.all(staged.map((f) => blobs.remove(String(f.blob))));
    const events = [
      `event: progress\ndata: ${JSON.stringify({ done: staged.length, total: staged.length, percent: 100 })}\n\n`,
      `event: result\ndata: ${JSON.stringify({
        acquisition_id: acquisition.id,
        session_id: acquisition.session_id,
        info: 'Success',
      })}\n\n`,
    ];
    return c.body(events.join(''), 200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
    });
  });

  routes.on('clean_packfiles', async (c) => {
    const user = requireUser(c.get('user'));
    if (!user.isAdmin) throw forbidden('only site admins can clean packfiles');
    const { db, blobs } = c.get('state');
    let tokens = 0;
    let files = 0;
    for (const t of listDocs(db, KIND)) {
      if (Date.parse(t.expires as string) >= Date.now()) continue;
      for (const f of t.files as StoredDoc[]) {
        await blobs.remove(String(f.blob));
        files++;
      }
      deleteDoc(db, KIND, t._id as string);
      tokens++;
    }
    return replyUntyped(c, { removed: { tokens, files } });
  });
}
