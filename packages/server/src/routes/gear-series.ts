/**
 * Gear series (per gear name: restriction and permissions) and gear invocation schemas. Series
 * live in the `site` key/value table under `gear_series:<name>` (no schema migration).
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireUser } from '../app/access.js';
import { badRequest, forbidden, notFound } from '../app/errors.js';
import { ok, readObject, replyUntyped } from '../app/json.js';
import { getGear } from '../app/jobs.js';
import { createHash } from 'node:crypto';
import { now } from '../app/time.js';
import { isObj } from '../app/validate.js';
import type { Doc } from '../db/containers.js';
import type { Db } from '../db/open.js';

const KINDS = ['users', 'projects'] as const;

function seriesOf(db: Db, name: string): Doc {
  const gearRow = db
    .prepare('SELECT created FROM gears WHERE name = ? ORDER BY created LIMIT 1')
    .get(name) as { created: string } | undefined;
  if (!gearRow) throw notFound(`gear ${name} not found`);
  const row = db.prepare('SELECT value FROM site WHERE key = ?').get(`gear_series:${name}`) as
    { value: string } | undefined;
  if (row) return JSON.parse(row.value) as Doc;
  return {
    // stable until first saved: derived from the name
    _id: createHash('sha256').update(`gear_series:${name}`).digest('hex').slice(0, 24),
    name,
    permissions: { users: [], projects: [] },
    is_restricted: false,
    created: gearRow.created,
    modified: gearRow.created,
  };
}

function saveSeries(db: Db, s: Doc): Doc {
  s.modified = now();
  db.prepare(
    'INSERT INTO site (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(`gear_series:${s.name}`, JSON.stringify(s));
  return s;
}

const admin = (c: Context<AppEnv>) => {
  const u = requireUser(c.get('user'));
  if (!u.isAdmin) throw forbidden('only site admins can change gear series');
  return u;
};

function kindOf(v: string): (typeof KINDS)[number] {
  if (!(KINDS as readonly string[]).includes(v))
    throw badRequest('permission type must be users or projects');
  return v as (typeof KINDS)[number];
}

/** The JSON schema a job of this gear is validated with (inputs and config of the manifest). */
function invocation(gear: Doc): Doc {
  const manifest = (gear.gear ?? {}) as Doc;
  const inputs: Doc = {};
  const required: string[] = [];
  for (const [k, v] of Object.entries((manifest.inputs ?? {}) as Doc)) {
    const base = isObj(v) ? v.base : undefined;
    inputs[k] =
      base === 'file'
        ? {
            type: 'object',
            properties: {
              type: { type: 'string' },
              id: { type: 'string' },
              name: { type: 'string' },
            },
          }
        : { type: base === 'api-key' ? 'object' : 'object' };
    if (!(isObj(v) && v.optional === true) && base !== 'api-key' && base !== 'context')
      required.push(k);
  }
  const config: Doc = {};
  const cfgRequired: string[] = [];
  for (const [k, v] of Object.entries((manifest.config ?? {}) as Doc)) {
    if (!isObj(v)) continue;
    const { description, default: def, optional, ...schema } = v as Doc;
    config[k] = {
      ...schema,
      ...(description ? { description } : {}),
      ...(def !== undefined ? { default: def } : {}),
    };
    if (def === undefined && optional !== true) cfgRequired.push(k);
  }
  return {
    title: `Invocation manifest for ${manifest.label ?? manifest.name}`,
    $schema: 'http://json-schema.org/draft-04/schema#',
    type: 'object',
    properties: {
      config: { type: 'object', properties: config, required: cfgRequired },
      inputs: { type: 'object', properties: inputs, required },
    },
    required: ['config', 'inputs'],
  };
}

export function registerGearSeriesRoutes(routes: RouteTable): void {
  routes.on('get_gear_invocation', (c, [id = '']) => {
    requireUser(c.get('user'));
    const gear = getGear(c.get('state').db, id);
    if (!gear) throw notFound(`gear ${id} not found`);
    return replyUntyped(c, invocation(gear));
  });
  routes.on('get_gear_series', (c, [name = '']) => {
    requireUser(c.get('user'));
    return ok(c, 'get_gear_series', seriesOf(c.get('state').db, name) as never);
  });
  routes.on('modify_gear_series', async (c, [name = '']) => {
    admin(c);
    const body = await readObject(c);
    for (const k of Object.keys(body))
      if (k !== 'is_restricted') throw badRequest(`unexpected property "${k}"`);
    if (typeof body.is_restricted !== 'boolean')
      throw badRequest('"is_restricted" must be a boolean');
    const db = c.get('state').db;
    const s = seriesOf(db, name);
    s.is_restricted = body.is_restricted;
    return replyUntyped(c, saveSeries(db, s));
  });
  routes.on('replace_gear_permissions', async (c, [name = '']) => {
    admin(c);
    const body = await readObject(c);
    const perms: Doc = { users: [], projects: [] };
    for (const [k, v] of Object.entries(body)) {
      const kind = kindOf(k);
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
        throw badRequest(`"${k}" must be a list of ids`);
      perms[kind] = [...new Set(v as string[])];
    }
    const db = c.get('state').db;
    const s = seriesOf(db, name);
    s.permissions = perms;
    return replyUntyped(c, saveSeries(db, s));
  });
  routes.on('delete_gear_permissions', (c, [name = '']) => {
    admin(c);
    const db = c.get('state').db;
    const s = seriesOf(db, name);
    s.permissions = { users: [], projects: [] };
    saveSeries(db, s);
    return c.body(null, 204);
  });
  routes.on('add_gear_permission', async (c, [name = '', type = '']) => {
    admin(c);
    const kind = kindOf(type);
    const body = await readObject(c);
    if (typeof body.id !== 'string' || body.id === '') throw badRequest('"id" is required');
    const db = c.get('state').db;
    const s = seriesOf(db, name);
    const list = new Set<string>(((s.permissions ?? {})[kind] ?? []) as string[]);
    list.add(body.id);
    s.permissions = { users: [], projects: [], ...(s.permissions ?? {}), [kind]: [...list] };
    return replyUntyped(c, saveSeries(db, s));
  });
  routes.on('delete_gear_permission', (c, [name = '', type = '', pid = '']) => {
    admin(c);
    const kind = kindOf(type);
    const db = c.get('state').db;
    const s = seriesOf(db, name);
    const list = ((s.permissions ?? {})[kind] ?? []) as string[];
    if (!list.includes(pid)) throw notFound(`${pid} has no ${kind} permission on gear ${name}`);
    s.permissions = { ...s.permissions, [kind]: list.filter((x) => x !== pid) };
    saveSeries(db, s);
    return c.body(null, 204);
  });
}
