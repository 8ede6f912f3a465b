/**
 * Upserts: `POST /projects/{id}/upsert-hierarchy` (subject → session →
 * acquisition by `_id`, `uid` or label; created, updated or left) and the
 * storage-level signed upload (`POST /upload/signed-url` → PUT bytes to `/upload/fs-file?token=`
 * → `POST /files` with the `uuid` → a file; `POST /upload/signed-url/cleanup` drops an unused one).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireAccess, requireUser } from '../app/access.js';
import { badRequest, forbidden, notFound } from '../app/errors.js';
import { ok, readObject, replyUntyped } from '../app/json.js';
import { createContainer, LEVEL_FIELDS, modifyContainer } from '../app/containers.js';
import { LOCAL_PROVIDER_ID } from '../app/present.js';
import { uuid } from '../app/ids.js';
import { isObj, type Obj } from '../app/validate.js';
import { getRow, parseDoc, type ContainerRow } from '../db/containers.js';
import type { Db } from '../db/open.js';
import { direct, me } from './containers/target.js';

const UPSERT_FIELDS: Record<string, readonly string[]> = LEVEL_FIELDS;

function upsertLevel(
  db: Db,
  user: CurrentUser,
  type: 'subject' | 'session' | 'acquisition',
  input: unknown,
  parent: { col: string; id: string; create: Obj },
  uidScope: string,
): { row: ContainerRow; result: string } {
  if (!isObj(input)) throw badRequest(`"${type}" must be an object`);
  const fields: Obj = {};
  for (const [k, v] of Object.entries(input)) {
    if (['_id', 'routing_field', 'source'].includes(k)) continue;
    if (!UPSERT_FIELDS[type]!.includes(k)) throw badRequest(`unexpected property "${type}.${k}"`);
    fields[k] = v;
  }
  let row: ContainerRow | undefined;
  if (typeof input._id === 'string') {
    row = getRow(db, input._id);
    if (!row || row.type !== type) throw notFound(`${type} ${input._id} not found`);
  } else {
    const byUid = type !== 'subject' && typeof fields.uid === 'string';
    const key = byUid
      ? `json_extract(doc, '$.uid')`
      : type === 'subject'
        ? 'code'
        : `json_extract(doc, '$.label')`;
    const value = byUid ? fields.uid : fields.label;
    if (typeof value !== 'string' || value === '')
      throw badRequest(`"${type}" needs "_id", ${type === 'subject' ? '' : '"uid" or '}"label"`);
    const scope = byUid && uidScope === 'group' ? 'group_id' : parent.col;
    const scopeId = byUid && uidScope === 'group' ? getRow(db, parent.id)!.group_id : parent.id;
    row = db
      .prepare(
        `SELECT * FROM containers WHERE type = ? AND ${scope} = ? AND ${key} = ? ORDER BY id LIMIT 1`,
      )
      .get(type, scopeId, value) as ContainerRow | undefined;
  }
  if (!row) {
    const body: Obj = { ...parent.create, ...fields };
    if (type === 'subject') body.code = fields.label;
    const id = createContainer(db, user, type, body);
    return { row: getRow(db, id)!, result: 'created' };
  }
  requireAccess(db, user, row, 'rw');
  const doc = parseDoc(row);
  const changed = Object.entries(fields).filter(
    ([k, v]) => JSON.stringify(doc[k]) !== JSON.stringify(v),
  );
  if (changed.length === 0) return { row, result: 'ignored' };
  const patch = Object.fromEntries(changed);
  if (type === 'subject' && patch.label !== undefined) patch.code = patch.label;
  modifyContainer(db, row, patch);
  return { row: getRow(db, row.id)!, result: 'updated' };
}

const brief = (r: ContainerRow, result: string) => {
  const d = parseDoc(r);
  return {
    _id: r.id,
    ...(d.uid ? { uid: d.uid } : {}),
    ...(d.label ? { label: d.label } : {}),
    upsert_result: result,
  };
};

// signed uploads to the local storage provider, kept in the site table (`fs_upload:<uuid>`)
const TTL = 60 * 60 * 1000;
const tokenHash = (t: string) => createHash('sha256').update(t).digest('hex');

function fsUpload(db: Db, id: string): Obj | undefined {
  const row = db.prepare('SELECT value FROM site WHERE key = ?').get(`fs_upload:${id}`) as
    { value: string } | undefined;
  return row ? (JSON.parse(row.value) as Obj) : undefined;
}
const saveFsUpload = (db: Db, id: string, v: Obj) =>
  db
    .prepare(
      'INSERT INTO site (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    )
    .run(`fs_upload:${id}`, JSON.stringify(v));

/** The blob behind a storage-level signed upload (for `POST /files` with `uuid`), if uploaded. */
export function takeFsUpload(
  db: Db,
  user: CurrentUser,
  id: string,
): { blobId: string; size: number; hash: string } {
  const u = fsUpload(db, id);
  if (!u || u.user !== user.doc._id) throw notFound(`upload ${id} not found`);
  if (!u.blob) throw badRequest(`upload ${id} has no bytes yet`);
  db.prepare('DELETE FROM site WHERE key = ?').run(`fs_upload:${id}`);
  return { blobId: u.blob as string, size: u.size as number, hash: u.hash as string };
}

export function registerUpsertRoutes(routes: RouteTable): void {
  routes.on(
    'upsert_project_hierarchy',
    direct('project', async (c, project) => {
      const db = c.get('state').db;
      const user = me(c);
      requireAccess(db, user, project, 'rw');
      const uidScope = c.req.query('uid_scope') ?? 'project';
      if (!['project', 'group'].includes(uidScope))
        throw badRequest('"uid_scope" must be project or group');
      const body = await readObject(c);
      if (!isObj(body.origin) || typeof body.origin.type !== 'string')
        throw badRequest('"origin" is required');
      if (body.subject === undefined) throw badRequest('"subject" is required');
      const out = db.transaction(() => {
        const subject = upsertLevel(
          db,
          user,
          'subject',
          body.subject,
          { col: 'project_id', id: project.id, create: { project: project.id } },
          uidScope,
        );
        const res: Obj = { subject: brief(subject.row, subject.result) };
        if (body.session !== undefined) {
          const session = upsertLevel(
            db,
            user,
            'session',
            body.session,
            {
              col: 'subject_id',
              id: subject.row.id,
              create: { project: project.id, subject: { _id: subject.row.id } },
            },
            uidScope,
          );
          res.session = brief(session.row, session.result);
          if (body.acquisition !== undefined) {
            const acq = upsertLevel(
              db,
              user,
              'acquisition',
              body.acquisition,
              { col: 'session_id', id: session.row.id, create: { session: session.row.id } },
              uidScope,
            );
            res.acquisition = brief(acq.row, acq.result);
          }
        } else if (body.acquisition !== undefined)
          throw badRequest('"acquisition" needs "session"');
        return res;
      })();
      return replyUntyped(c, out);
    }),
  );

  routes.on('create_signed_upload_url', async (c) => {
    const user = requireUser(c.get('user'));
    const { db, origin } = c.get('state');
    const body = await readObject(c);
    if (body.provider_id !== LOCAL_PROVIDER_ID)
      throw notFound(
        `storage provider ${String(body.provider_id)} not found (this site has ${LOCAL_PROVIDER_ID})`,
      );
    if (body.size !== undefined && (!Number.isSafeInteger(body.size) || (body.size as number) < 0))
      throw badRequest('"size" must be a non-negative integer');
    const id = uuid();
    const token = randomBytes(32).toString('base64url');
    saveFsUpload(db, id, {
      user: user.doc._id,
      token: tokenHash(token),
      expires: Date.now() + TTL,
    });
    return ok(c, 'create_signed_upload_url', {
      provider_id: LOCAL_PROVIDER_ID,
      uuid: id,
      upload_urls: [`${origin}/api/upload/fs-file?token=${id}.${token}`],
      upload_headers: { 'Content-Type': 'application/octet-stream' },
    });
  });
  routes.on('upload_signed_fs_file', async (c) => {
    const { db, blobs } = c.get('state');
    const [id = '', token = ''] = (c.req.query('token') ?? '').split('.');
    const u = fsUpload(db, id);
    if (!u || u.token !== tokenHash(token)) throw notFound('upload URL not found');
    if ((u.expires as number) < Date.now()) throw forbidden('upload URL expired');
    if (u.blob) throw forbidden('upload URL already used');
    const info = await blobs.write(
      Readable.fromWeb((c.req.raw.body ?? new Blob([]).stream()) as never),
    );
    saveFsUpload(db, id, { ...u, blob: info.id, size: info.size, hash: info.hash });
    return ok(c, 'upload_signed_fs_file', { provider_id: LOCAL_PROVIDER_ID, uuid: id });
  });
  routes.on('cleanup_signed_upload_url', async (c) => {
    const user = requireUser(c.get('user'));
    const { db, blobs } = c.get('state');
    const body = await readObject(c);
    if (typeof body.uuid !== 'string' || typeof body.provider_id !== 'string')
      throw badRequest('"provider_id" and "uuid" are required');
    const u = fsUpload(db, body.uuid);
    if (!u || u.user !== user.doc._id) throw notFound(`upload ${body.uuid} not found`);
    db.prepare('DELETE FROM site WHERE key = ?').run(`fs_upload:${body.uuid}`);
    if (u.blob) await blobs.remove(u.blob as string);
    return c.body(null, 204);
  });
}

export type { Context, AppEnv };
