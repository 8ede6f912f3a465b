import type { Context } from 'hono';
import type { AppEnv } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireUser } from '../app/access.js';
import {
  deleteDoc,
  findDocs,
  getDoc,
  insertDoc,
  mustDoc,
  putDoc,
  saveDoc,
  shaped,
  type Shape,
  type StoredDoc,
} from '../app/documents.js';
import { badRequest, conflict, forbidden } from '../app/errors.js';
import { readJson, replyUntyped } from '../app/json.js';
import { LOCAL_PROVIDER_ID } from '../app/present.js';
import { queryParams } from '../app/finder.js';
import { objectId } from '../app/ids.js';
import type { Db } from '../db/open.js';

/** Site settings (one document), providers, the site bookmark list. */
const PROVIDER = 'provider';
const SETTINGS = 'site_settings';
const BOOKMARKS = 'bookmarks';
/** The static compute provider every site has (the local storage one is LOCAL_PROVIDER_ID). */
export const LOCAL_COMPUTE_ID = '000000000000000000000002';

const PROVIDER_TYPES = ['local', 'static', 'aws', 'azure', 'gc', 's3_compat', 'exchange'] as const;
const PROVIDER_IN: Shape = {
  fields: {
    label: 'string',
    provider_class: { enum: ['compute', 'storage'] },
    provider_type: { enum: PROVIDER_TYPES },
    creds: 'object',
    config: 'object',
    access_type: { enum: ['read-only', 'read-write'] },
  },
  required: ['label', 'provider_class', 'provider_type', 'creds', 'config'],
};
const PROVIDER_UPDATE: Shape = { fields: { label: 'string', creds: 'object', config: 'object' } };

const ORIGIN: Shape = {
  fields: {
    type: {
      enum: ['user', 'user_workspace', 'device', 'job', 'system', 'unknown', 'gear_rule', 'task'],
    },
    id: 'string',
  },
  required: ['type'],
};
export const VIEWER_APP_IN: Shape = {
  fields: {
    id: 'string',
    type: { enum: ['viewer', 'form'] },
    name: 'string',
    url: 'string',
    origin: ORIGIN,
    options: { map: 'object' },
    files: { map: 'object' },
    containers: { map: 'object' },
  },
  required: ['name', 'url'],
};
const PROVIDERS_IN: Shape = {
  fields: {
    storage: 'string',
    compute: 'string',
    change_log: 'string',
    access_log: 'string',
    job_logs: 'string',
  },
};
const SETTINGS_IN: Shape = {
  fields: {
    center_gears: { array: 'string' },
    providers: PROVIDERS_IN,
    viewer_apps: { array: VIEWER_APP_IN },
    deid_profile: 'any',
    mfa: { fields: { disallowed_channels: { array: { enum: ['sms', 'call', 'totp'] } } } },
  },
};
const BOOKMARK: Shape = { fields: { label: 'string', url: 'string' }, required: ['label', 'url'] };

/** The built-in providers: local disk storage and the static compute provider. */
function ensureProviders(db: Db): void {
  if (getDoc(db, PROVIDER, LOCAL_PROVIDER_ID)) return;
  insertDoc(
    db,
    PROVIDER,
    {
      label: 'Local Storage',
      provider_class: 'storage',
      provider_type: 'local',
      config: { path: 'data' },
      creds: {},
      access_type: 'read-write',
    },
    { id: LOCAL_PROVIDER_ID, parent: 'site' },
  );
  insertDoc(
    db,
    PROVIDER,
    {
      label: 'Static Compute',
      provider_class: 'compute',
      provider_type: 'static',
      config: {},
      creds: {},
    },
    { id: LOCAL_COMPUTE_ID, parent: 'site' },
  );
}

/** A provider as answered: never its credentials. */
const presentProvider = ({ creds: _creds, ...p }: StoredDoc): StoredDoc => p;

function loadProvider(db: Db, id: string): StoredDoc {
  ensureProviders(db);
  return mustDoc(db, PROVIDER, id, 'provider');
}

/** Site settings, created with the built-in providers on first read. */
export function siteSettings(db: Db): StoredDoc {
  ensureProviders(db);
  return (
    getDoc(db, SETTINGS, 'site') ??
    putDoc(db, SETTINGS, 'site', {
      center_gears: [],
      providers: { storage: LOCAL_PROVIDER_ID, compute: LOCAL_COMPUTE_ID },
      viewer_apps: [],
      deid_profile: {},
      mfa: { disallowed_channels: [] },
    })
  );
}

const requireAdmin = (c: Context<AppEnv>, what: string) => {
  const user = requireUser(c.get('user'));
  if (!user.isAdmin) throw forbidden(`only site admins can ${what}`);
  return user;
};

export function registerSiteRoutes(routes: RouteTable): void {
  routes.on('get_site_settings', (c) => {
    requireUser(c.get('user'));
    return replyUntyped(c, siteSettings(c.get('state').db));
  });
  routes.on('modify_site_settings', async (c) => {
    requireAdmin(c, 'change site settings');
    const db = c.get('state').db;
    const body = shaped(await readJson(c), SETTINGS_IN, 'settings');
    const doc = siteSettings(db);
    if (body.providers) {
      const classOf = { storage: 'storage', compute: 'compute' } as Record<string, string>;
      for (const [k, id] of Object.entries(body.providers as Record<string, string>)) {
        const p = getDoc(db, PROVIDER, id);
        if (!p) throw badRequest(`provider ${id} not found`);
        const want = classOf[k];
        if (want && p.provider_class !== want)
          throw badRequest(`provider ${id} is not a ${want} provider`);
      }
      doc.providers = { ...(doc.providers as object), ...(body.providers as object) };
    }
    if (body.center_gears) doc.center_gears = body.center_gears;
    if (body.viewer_apps)
      doc.viewer_apps = (body.viewer_apps as StoredDoc[]).map((a) => ({
        id: objectId(),
        type: 'viewer',
        ...a,
      }));
    if (body.deid_profile !== undefined) {
      const d = body.deid_profile;
      if (typeof d === 'string') {
        doc.deid_profile = { name: d };
      } else if (d !== null && typeof d === 'object' && !Array.isArray(d)) {
        doc.deid_profile = d;
      } else throw badRequest('settings.deid_profile must be a string or an object');
    }
    if (body.mfa) doc.mfa = body.mfa;
    return replyUntyped(c, saveDoc(db, SETTINGS, doc));
  });

  routes.on('get_providers', (c) => {
    requireUser(c.get('user'));
    ensureProviders(c.get('state').db);
    const q = queryParams(c);
    const cls = q.get('class');
    if (cls !== null && cls !== 'compute' && cls !== 'storage')
      throw badRequest('class must be compute or storage');
    q.delete('class');
    const where = cls
      ? [{ sql: "json_extract(d.doc, '$.provider_class') = ?", params: [cls] }]
      : [];
    const { items } = findDocs(c, PROVIDER, where);
    return replyUntyped(c, items.map(presentProvider));
  });
  routes.on('add_provider', async (c) => {
    requireAdmin(c, 'add providers');
    const db = c.get('state').db;
    ensureProviders(db);
    const body = shaped(await readJson(c), PROVIDER_IN, 'provider');
    const label = (body.label as string).trim();
    if (!label) throw badRequest('provider.label must not be empty');
    const dup = db
      .prepare("SELECT 1 FROM documents WHERE kind = ? AND json_extract(doc, '$.label') = ?")
      .get(PROVIDER, label);
    if (dup) throw conflict(`a provider labelled ${label} already exists`);
    if (body.provider_class === 'storage' && body.provider_type === 'static')
      throw badRequest('static providers are compute providers');
    const p = insertDoc(
      db,
      PROVIDER,
      { access_type: 'read-write', ...body, label },
      { parent: 'site' },
    );
    return replyUntyped(c, { _id: p._id });
  });
  routes.on('get_provider', (c, [id = '']) => {
    requireUser(c.get('user'));
    return replyUntyped(c, presentProvider(loadProvider(c.get('state').db, id)));
  });
  routes.on('get_provider_config', (c, [id = '']) => {
    requireAdmin(c, 'read provider configuration');
    return replyUntyped(c, loadProvider(c.get('state').db, id).config ?? {});
  });
  routes.on('modify_provider', async (c, [id = '']) => {
    requireAdmin(c, 'change providers');
    const db = c.get('state').db;
    const p = loadProvider(db, id);
    const body = shaped(await readJson(c), PROVIDER_UPDATE, 'provider');
    if (body.label !== undefined) p.label = body.label;
    if (body.config !== undefined)
      p.config = { ...(p.config as object), ...(body.config as object) };
    if (body.creds !== undefined) p.creds = body.creds;
    return replyUntyped(c, presentProvider(saveDoc(db, PROVIDER, p)));
  });
  routes.on('delete_provider', (c, [id = '']) => {
    requireAdmin(c, 'delete providers');
    const db = c.get('state').db;
    loadProvider(db, id);
    const settings = siteSettings(db);
    if (Object.values((settings.providers ?? {}) as Record<string, string>).includes(id))
      throw conflict(`provider ${id} is a site default provider`);
    const inUse = db
      .prepare(
        "SELECT 1 FROM documents WHERE kind = 'gear_rule' AND json_extract(doc, '$.compute_provider_id') = ? LIMIT 1",
      )
      .get(id);
    if (inUse) throw conflict(`provider ${id} is used by a gear rule`);
    deleteDoc(db, PROVIDER, id);
    return c.body(null, 204);
  });

  routes.on('get_bookmark_list', (c) => {
    requireUser(c.get('user'));
    const d = getDoc(c.get('state').db, BOOKMARKS, 'site');
    return replyUntyped(c, (d?.bookmarks as unknown[]) ?? []);
  });
  routes.on('modify_bookmark_list', async (c) => {
    requireAdmin(c, 'change the bookmark list');
    const list = (await readJson(c)) as StoredDoc[];
    shaped({ list }, { fields: { list: { array: BOOKMARK } } });
    putDoc(c.get('state').db, BOOKMARKS, 'site', { bookmarks: list }, 'site');
    return replyUntyped(c, list);
  });
}
