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
  routes.on('generate_user_key', async (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const body = c.req.raw.body ? await readObject(c) : {};
    const label = typeof body.label === 'string' ? body.label : 'api key';
    const key = newKey();
    addKey(db, user.doc._id, key);
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
