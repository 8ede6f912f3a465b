import type { Context } from 'hono';
import type { AppEnv } from '../../app/context.js';
import type { RouteTable } from '../../app/operations.js';
import { requireUser } from '../../app/access.js';
import {
  deleteDoc,
  findDocs,
  getDoc,
  insertDoc,
  listDocs,
  mustDoc,
  saveDoc,
  shaped,
  type Shape,
  type StoredDoc,
} from '../../app/documents.js';
import { badRequest, forbidden } from '../../app/errors.js';
import { pageBody, queryParams } from '../../app/finder.js';
import { readJson, readOptionalObject, replyUntyped } from '../../app/json.js';
import type { Db } from '../../db/open.js';
import {
  deleteDeviceKey,
  generateDeviceKey,
  isDevice,
  presentKey,
  type DeviceKey,
} from '../../app/device-keys.js';
import { now } from '../../app/time.js';
import { toStoredTimestamp } from '../../query/index.js';

/**
 * Devices (readers, uploaders, engines registered by a site admin). Devices report in through
 * their own keys on a real site; here they are managed documents whose status is derived from
 * `last_seen`, `interval` and `errors`.
 */
const KIND = 'device';
const STORAGE: Shape = {
  fields: { storage_strategy: { enum: ['site', 'project', 'custom'] }, provider: 'string' },
};
const CREATE: Shape = {
  fields: { label: 'string', type: 'string', storage_config: STORAGE },
  required: ['label', 'type'],
};
const KEY_INPUT: Shape = { fields: { label: 'string', expires_at: 'string' } };
const ADMIN_UPDATE: Shape = {
  fields: {
    disabled: 'bool',
    storage_config: {
      ...(STORAGE as { fields: Record<string, Shape> }),
      required: ['storage_strategy'],
    },
  },
};

function checkStorage(db: Db, sc: StoredDoc | undefined): StoredDoc {
  const out = { storage_strategy: 'site', ...(sc ?? {}) } as StoredDoc;
  if (out.storage_strategy === 'custom') {
    const p = typeof out.provider === 'string' ? getDoc(db, 'provider', out.provider) : undefined;
    if (!p || p.provider_class !== 'storage')
      throw badRequest('a custom storage strategy needs a storage provider');
  } else if (out.provider !== undefined)
    throw badRequest('provider is only set with the custom storage strategy');
  return out;
}

const admin = (c: Context<AppEnv>) => {
  const user = requireUser(c.get('user'));
  if (!user.isAdmin) throw forbidden('only site admins manage devices');
  return user;
};

/** ok: seen within two intervals without errors; error: reported errors; missing: overdue. */
export function deviceStatus(d: StoredDoc, nowMs = Date.now()): StoredDoc {
  const out: StoredDoc = { errors: d.errors ?? [] };
  if (d.last_seen) out.last_seen = d.last_seen;
  if ((d.errors ?? []).length) out.status = 'error';
  else if (!d.last_seen) out.status = 'unknown';
  else if (
    typeof d.interval === 'number' &&
    nowMs - Date.parse(d.last_seen) > 2 * d.interval * 1000
  )
    out.status = 'missing';
  else out.status = 'ok';
  return out;
}

/**
 * A device as answered: its keys only with `join_keys` (ids, never secrets); the drone `key`
 * only to the device itself (the second step of a drone login).
 */
const present = (d: StoredDoc, keys: boolean, self = false): StoredDoc => {
  const { api_keys, key, ...rest } = d;
  const out: StoredDoc = keys
    ? { ...rest, api_keys: ((api_keys ?? []) as DeviceKey[]).map(presentKey) }
    : rest;
  if (self && typeof key === 'string') out.key = key;
  return out;
};

/** The calling device (`/devices/self`): 403 for a user key. */
const callingDevice = (c: Context<AppEnv>): StoredDoc => {
  const user = requireUser(c.get('user'));
  if (!isDevice(user)) throw forbidden('only a device may read or update /devices/self');
  return mustDoc(c.get('state').db, KIND, user.doc._id, 'device');
};
const SELF_UPDATE: Shape = {
  fields: {
    type: 'string',
    version: 'string',
    interval: 'int',
    errors: { array: 'string' },
    info: 'object',
  },
};

export function registerDeviceRoutes(routes: RouteTable): void {
  routes.on('create_device', async (c) => {
    admin(c);
    const db = c.get('state').db;
    const body = shaped(await readJson(c), CREATE, 'device');
    if ((body.label as string).trim() === '') throw badRequest('label must not be empty');
    const d = insertDoc(db, KIND, {
      label: body.label,
      type: body.type,
      name: body.label,
      disabled: false,
      errors: [],
      info: {},
      storage_config: checkStorage(db, body.storage_config as StoredDoc | undefined),
    });
    return replyUntyped(c, present(d, false));
  });
  routes.on('get_all_devices', (c) => {
    requireUser(c.get('user'));
    const keys = ['true', '1'].includes(queryParams(c).get('join_keys') ?? '');
    const { items, total } = findDocs(c, KIND);
    return replyUntyped(
      c,
      pageBody(
        c,
        items.map((d) => present(d, keys)),
        total,
      ),
    );
  });
  routes.on('get_all_devices_status', (c) => {
    requireUser(c.get('user'));
    const out: Record<string, StoredDoc> = {};
    for (const d of listDocs(c.get('state').db, KIND))
      if (!d.disabled) out[d._id as string] = deviceStatus(d);
    return replyUntyped(c, out);
  });
  routes.on('get_device', (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const self = isDevice(user) && user.doc._id === id;
    return replyUntyped(c, present(mustDoc(c.get('state').db, KIND, id, 'device'), false, self));
  });
  routes.on('get_current_device', (c) => replyUntyped(c, present(callingDevice(c), false, true)));
  routes.on('update_device', async (c) => {
    const d = callingDevice(c);
    const body = shaped(await readJson(c), SELF_UPDATE, 'device');
    for (const k of ['type', 'version', 'interval', 'errors', 'info'])
      if (body[k] !== undefined) d[k] = body[k];
    d.last_seen = now();
    return replyUntyped(c, present(saveDoc(c.get('state').db, KIND, d), false, true));
  });
  routes.on('generate_key', async (c, [id = '']) => {
    admin(c);
    const body = shaped((await readOptionalObject(c)) ?? {}, KEY_INPUT, 'key');
    const expires = body.expires_at as string | undefined;
    if (expires !== undefined && Number.isNaN(Date.parse(expires)))
      throw badRequest('"expires_at" must be a date-time');
    const { entry, key } = generateDeviceKey(c.get('state').db, id, {
      label: body.label as string | undefined,
      expires_at: expires && toStoredTimestamp(expires),
    });
    // the secret is answered this once (ApiKeyOutput.unencrypted_secret)
    return replyUntyped(c, { ...presentKey(entry), unencrypted_secret: key });
  });
  routes.on('delete_device_key', (c, [id = '', keyId = '']) => {
    admin(c);
    deleteDeviceKey(c.get('state').db, id, keyId);
    return c.body(null, 204);
  });
  routes.on('modify_device', async (c, [id = '']) => {
    admin(c);
    const db = c.get('state').db;
    const d = mustDoc(db, KIND, id, 'device');
    const body = shaped(await readJson(c), ADMIN_UPDATE, 'device');
    if (body.disabled !== undefined) d.disabled = body.disabled;
    if (body.storage_config) d.storage_config = checkStorage(db, body.storage_config as StoredDoc);
    return replyUntyped(c, present(saveDoc(db, KIND, d), false));
  });
  routes.on('delete_device', (c, [id = '']) => {
    admin(c);
    const db = c.get('state').db;
    mustDoc(db, KIND, id, 'device');
    deleteDoc(db, KIND, id);
    return c.body(null, 204);
  });
}
