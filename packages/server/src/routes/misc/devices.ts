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
import { readJson, replyUntyped } from '../../app/json.js';
import type { Db } from '../../db/open.js';

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

const present = (d: StoredDoc, keys: boolean): StoredDoc => {
  const { api_keys, ...rest } = d;
  return keys ? { ...rest, api_keys: api_keys ?? [] } : rest;
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
    requireUser(c.get('user'));
    return replyUntyped(c, present(mustDoc(c.get('state').db, KIND, id, 'device'), false));
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
