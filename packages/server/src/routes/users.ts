import type { Context } from 'hono';
import type { AppEnv } from '../app/context.js';
import type { OpHandler, RouteTable } from '../app/operations.js';
import { forbidden, badRequest, conflict, notFound } from '../app/errors.js';
import { requireUser } from '../app/access.js';
import { readObject, replyUntyped } from '../app/json.js';
import {
  addKey,
  createUserDoc,
  getUser,
  keyInfo,
  newKey,
  saveUser,
  userKeys,
  NEVER,
} from '../db/users.js';
import { now } from '../app/time.js';
import { optBool, optObject, optString, optStringArray } from '../app/validate.js';
import { visibleSql } from '../app/access.js';
import type { CurrentUser } from '../app/context.js';
import { applyInfoUpdate } from '../app/subdocs.js';
import { runFinder } from '../app/finder.js';
import { JOB_STATES, presentJob } from '../app/jobs.js';
import { listRows } from './containers/target.js';
import { hashKey } from '../db/users.js';

const EDITABLE = [
  'firstname',
  'lastname',
  'email',
  'root',
  'disabled',
  'avatar',
  'preferences',
  'info',
  'roles',
];

/** Types of the editable user fields (400 otherwise). */
function checkUserFields(body: Record<string, unknown>): void {
  for (const k of ['firstname', 'lastname', 'email', 'avatar']) optString(body, k);
  optBool(body, 'root');
  optBool(body, 'disabled');
  optStringArray(body, 'roles');
  optObject(body, 'preferences');
  optObject(body, 'info');
}

/**
 * Whose keys a key operation acts on: the caller, or with `?user_id=` (site admins only) that
 * user, so that admins can issue and revoke keys for other users over the API.
 */
function keyOwner(c: Context<AppEnv>): string {
  const user = requireUser(c.get('user'));
  const uid = c.req.query('user_id');
  if (uid === undefined || uid === user.doc._id) return user.doc._id;
  if (!user.isAdmin) throw forbidden('only site admins can manage the API keys of other users');
  if (!getUser(c.get('state').db, uid)) throw notFound(`user ${uid} not found`);
  return uid;
}

/** Users: self, list, CRUD (admin), and key regeneration. */
export function registerUserRoutes(routes: RouteTable): void {
  routes.on('get_current_user', (c) => {
    const user = requireUser(c.get('user'));
    const info = user.key ? keyInfo(c.get('state').db, user.key) : undefined;
    return replyUntyped(c, {
      ...user.doc,
      api_key: user.key
        ? { key: user.key, created: info?.created ?? null, last_used: info?.last_used ?? null }
        : null,
      // v21: the user's keys (this server's keys never expire)
      api_keys: userKeys(c.get('state').db, user.doc._id),
    });
  });
  // v21 generate_user_key: a new key is added (users may hold several); answers ApiKeyOutput
  // `?user_id=` (site admins only): the key is issued for that user instead of the caller
  routes.on('generate_user_key', async (c) => {
    const owner = keyOwner(c);
    const db = c.get('state').db;
    const body = c.req.raw.body ? await readObject(c) : {};
    if (body.label !== undefined && typeof body.label !== 'string')
      throw badRequest('"label" must be a string');
    const label = typeof body.label === 'string' ? body.label : 'api key';
    const key = newKey();
    addKey(db, owner, key);
    const info = keyInfo(db, key);
    return replyUntyped(c, { label, key, created: info?.created ?? now(), expires_at: NEVER });
  });
  routes.on('get_all_users', (c) => {
    requireUser(c.get('user'));
    const rows = c.get('state').db.prepare('SELECT doc FROM users ORDER BY id').all() as {
      doc: string;
    }[];
    return replyUntyped(
      c,
      rows.map((r) => JSON.parse(r.doc)),
    );
  });
  routes.on('add_user', async (c) => {
    const user = requireUser(c.get('user'));
    if (!user.isAdmin) throw forbidden('only site admins can add users');
    const db = c.get('state').db;
    const body = await readObject(c);
    const id = optString(body, '_id', 256);
    if (!id || !/^[^\s/]+$/.test(id))
      throw badRequest('"_id" must be a user id without spaces or "/"');
    if (getUser(db, id)) throw conflict(`user ${id} already exists`);
    for (const k of Object.keys(body))
      if (k !== '_id' && !EDITABLE.includes(k)) throw badRequest(`unexpected property "${k}"`);
    checkUserFields(body);
    saveUser(db, createUserDoc({ ...body, _id: id }));
    return replyUntyped(c, { _id: id });
  });
  const userItem: OpHandler = async (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;

    const doc = getUser(db, id);
    if (!doc) throw notFound(`user ${id} not found`);
    // another user's key is never shown; the spec's User.api_key is an object, so it is omitted
    if (c.req.method === 'GET') return replyUntyped(c, doc);
    const self = id === user.doc._id;
    if (!user.isAdmin && !(self && c.req.method === 'PUT'))
      throw forbidden('only site admins can change other users');
    if (c.req.method === 'DELETE') {
      if (self) throw badRequest('cannot delete yourself');
      db.prepare('DELETE FROM users WHERE id = ?').run(id);
      return replyUntyped(c, { deleted: 1 });
    }
    const body = await readObject(c);
    for (const k of Object.keys(body))
      if (!EDITABLE.includes(k)) throw badRequest(`unexpected property "${k}"`);
    if (
      !user.isAdmin &&
      (body.root !== undefined || body.disabled !== undefined || body.roles !== undefined)
    ) {
      throw forbidden('only site admins can change root, disabled or roles');
    }
    checkUserFields(body);
    const next = { ...doc, ...body, modified: now() };
    if (body.root !== undefined) next.roles = body.root ? ['site_admin', 'user'] : ['user'];
    saveUser(db, next);
    return replyUntyped(c, { modified: 1 });
  };
  routes.on('get_user', userItem);
  routes.on('modify_user', userItem);
  routes.on('delete_user', userItem);
}

/** The id of an API key as listed and deleted (`/users/self/key/{id_}`); never the secret. */
export const keyId = (keyHash: string): string => keyHash.slice(0, 24);

/** The v21 `/users/self/…` and `/users/{uid}/…` family. */
export function registerUserExtraRoutes(routes: RouteTable): void {
  const self = (c: Parameters<OpHandler>[0]) => requireUser(c.get('user'));
  routes.on('get_current_user_info', (c) => {
    const info = (self(c).doc.info ?? {}) as Record<string, unknown>;
    const fields = c.req.query('fields');
    if (!fields) return replyUntyped(c, info);
    const keys = fields
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    return replyUntyped(
      c,
      Object.fromEntries(keys.filter((k) => k in info).map((k) => [k, info[k]])),
    );
  });
  routes.on('modify_current_user_info', async (c) => {
    const user = self(c);
    const db = c.get('state').db;
    const body = await readObject(c);
    const doc = { ...getUser(db, user.doc._id)! } as Record<string, unknown>;
    applyInfoUpdate(doc, body);
    doc.modified = now();
    saveUser(db, doc as never);
    return c.body(null, 204);
  });
  routes.on('delete_user_key', (c, [id = '']) => {
    const owner = keyOwner(c);
    const db = c.get('state').db;
    // by its listed id, or by the key itself
    const r = db
      .prepare(
        'DELETE FROM api_keys WHERE user_id = ? AND (substr(key_hash, 1, 24) = ? OR key_hash = ?)',
      )
      .run(owner, id, hashKey(id));
    if (r.changes === 0) throw notFound(`api key ${id} not found`);
    return c.body(null, 204);
  });
  routes.on('get_current_user_jobs', (c) => {
    const user = self(c);
    const db = c.get('state').db;
    const where = [
      { sql: `json_extract(j.doc, '$.origin.id') = ?`, params: [user.doc._id] as unknown[] },
    ];
    const gear = c.req.query('gear');
    if (gear) where.push({ sql: `json_extract(j.doc, '$.gear_info.name') = ?`, params: [gear] });
    const { rows, total } = runFinder<{ doc: string }>(c, {
      from: 'jobs j',
      where,
      target: {
        docColumn: 'j.doc',
        columns: { _id: 'j.id', state: 'j.state', created: 'j.created' },
      },
      select: 'j.doc',
    });
    const counts = db
      .prepare(
        `SELECT state, count(*) AS n FROM jobs WHERE json_extract(doc, '$.origin.id') = ? GROUP BY state`,
      )
      .all(user.doc._id) as { state: string; n: number }[];
    const stats: Record<string, number> = Object.fromEntries(JOB_STATES.map((s) => [s, 0]));
    for (const r of counts) stats[r.state] = r.n;
    return replyUntyped(c, {
      total,
      jobs: rows.map((r) => presentJob(db, JSON.parse(r.doc))),
      stats,
    });
  });
  // avatars are URLs on a user (no images are stored): redirect to it, or to `default`
  const avatar = (c: Parameters<OpHandler>[0], id: string) => {
    requireUser(c.get('user'));
    const doc = getUser(c.get('state').db, id);
    if (!doc) throw notFound(`user ${id} not found`);
    const url = (typeof doc.avatar === 'string' && doc.avatar) || c.req.query('default');
    if (!url) throw notFound(`user ${id} has no avatar`);
    if (!/^https?:\/\//.test(url)) throw badRequest('avatar is not an http(s) URL');
    return c.redirect(url, 307);
  };
  routes.on('get_current_user_avatar', (c) => avatar(c, self(c).doc._id));
  routes.on('get_user_avatar', (c, [id = '']) => avatar(c, id));
  // containers a user has access to (admins, or the user themself)
  const ofUser =
    (type: string): OpHandler =>
    (c, [uid = '']) => {
      const user = self(c);
      if (!user.isAdmin && uid !== user.doc._id)
        throw forbidden('only site admins can list the containers of other users');
      const target = getUser(c.get('state').db, uid);
      if (!target) throw notFound(`user ${uid} not found`);
      const as = { doc: target, isAdmin: false, key: null } as unknown as CurrentUser;
      return listRows(c, [{ sql: 'c.type = ?', params: [type] }], { as });
    };
  routes.on('get_user_groups', ofUser('group'));
  routes.on('get_user_projects', ofUser('project'));
  routes.on('get_user_sessions', ofUser('session'));
  routes.on('get_user_acquisitions', ofUser('acquisition'));
  routes.on('get_user_collections', ofUser('collection'));
}
