/**
 * Gear series (per gear name: restriction and permissions) and gear invocation schemas. Series
 * live in the `site` key/value table under `gear_series:<name>` (no schema migration).
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { accessTo, requireAccess, requireUser } from '../app/access.js';
import { badRequest, forbidden, notFound } from '../app/errors.js';
import { ok, readObject, replyUntyped } from '../app/json.js';
import { getGear } from '../app/jobs.js';
import { createHash } from 'node:crypto';
import { now } from '../app/time.js';
import { isObj } from '../app/validate.js';
import {
  getRow,
  parseDoc,
  PLURAL,
  SINGULAR,
  type ContainerRow,
  type Doc,
} from '../db/containers.js';
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

const CHILD: Record<string, string[]> = {
  group: ['project'],
  project: ['subject'],
  subject: ['session'],
  session: ['acquisition'],
  acquisition: [],
  collection: ['session', 'acquisition'],
  analysis: [],
};

/**
 * `GET /gears/{gear_id}/suggest/{container_name}/{container_id}`: the container with its parents
 * and children (for browsing) and its files, each marked per file input of the gear as
 * suggested when its type fits the input (`type.enum`; no constraint fits any file).
 */
function suggest(c: Context<AppEnv>, gearId: string, kind: string, id: string): Response {
  const user = requireUser(c.get('user'));
  const db = c.get('state').db;
  const gear = getGear(db, gearId);
  if (!gear) throw notFound(`gear ${gearId} not found`);
  const type = SINGULAR[kind] ?? kind;
  const row = getRow(db, id);
  if (!row || row.type !== type) throw notFound(`${type} ${id} not found`);
  requireAccess(db, user, row, 'ro');
  const label = (r: ContainerRow) => (parseDoc(r).label ?? r.label ?? r.id) as string;
  const parents = Object.entries((parseDoc(row).parents ?? {}) as Record<string, string>)
    .map(([, pid]) => getRow(db, pid))
    .filter((p): p is ContainerRow => !!p)
    .map((p) => ({ _id: p.id, cont_type: p.type, label: label(p) }));
  const children: Record<string, Doc[]> = {};
  for (const ct of CHILD[row.type] ?? []) {
    const rows = (
      row.type === 'collection'
        ? []
        : (db
            .prepare(`SELECT * FROM containers WHERE type = ? AND parent_id = ? ORDER BY id`)
            .all(ct, row.id) as ContainerRow[])
    ).filter((r) => accessTo(db, user, r));
    children[PLURAL[ct as keyof typeof PLURAL]] = rows.map((r) => ({
      _id: r.id,
      cont_type: r.type,
      label: label(r),
    }));
  }
  children.analyses = (
    db
      .prepare(`SELECT * FROM containers WHERE type = 'analysis' AND parent_id = ? ORDER BY id`)
      .all(row.id) as ContainerRow[]
  ).map((r) => ({ _id: r.id, cont_type: 'analysis', label: label(r) }));
  const inputs = Object.entries(((gear.gear ?? {}) as Doc).inputs ?? {}).filter(
    ([, v]) => isObj(v) && (v.base ?? 'file') === 'file',
  ) as [string, Doc][];
  const files = (
    db
      .prepare(`SELECT doc FROM files WHERE container_id = ? AND role = 'files' ORDER BY name`)
      .all(row.id) as { doc: string }[]
  ).map((f) => {
    const d = JSON.parse(f.doc) as Doc;
    const suggested: Record<string, boolean> = {};
    for (const [name, input] of inputs) {
      const allowed =
        isObj(input.type) && Array.isArray(input.type.enum) ? (input.type.enum as unknown[]) : null;
      suggested[name] = !allowed || allowed.includes(d.type);
    }
    return { name: d.name, file_id: d.file_id, version: d.version ?? 1, suggested };
  });
  return replyUntyped(c, {
    _id: row.id,
    cont_type: row.type,
    label: label(row),
    parents,
    children,
    files,
  });
}

export function registerGearSuggestRoutes(routes: RouteTable): void {
  routes.on('get_gear_suggest', (c, [gear = '', kind = '', id = '']) => suggest(c, gear, kind, id));
}
