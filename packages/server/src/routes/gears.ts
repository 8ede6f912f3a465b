import type { AppEnv } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireGearAdmin, requireUser } from '../app/access.js';
import { badRequest, conflict, forbidden, notFound } from '../app/errors.js';
import { ok, readObject, replyUntyped } from '../app/json.js';
import { pageBody, runFinder } from '../app/finder.js';
import { gearCategory, getGear, presentGear } from '../app/jobs.js';
import { validateManifest } from '../app/gear-manifest.js';
import { objectId } from '../app/ids.js';
import { now } from '../app/time.js';
import { isObj, type Obj } from '../app/validate.js';
import type { Doc } from '../db/containers.js';
import type { Db } from '../db/open.js';
import { registerGearTicketRoutes } from './gear-tickets.js';

const NAME_RE = /^[a-z0-9][a-z0-9.-]*$/;

/**
 * Check a `GearDocumentInput` (`{gear: manifest, category?, exchange?}`) for gear `name` and
 * store it as a new gear version; 400 on a bad manifest, 409 if the version exists.
 */
export function saveGearDoc(db: Db, name: string, body: Obj, exchange: Obj = {}): Doc {
  if (!NAME_RE.test(name))
    throw badRequest('gear names are lowercase letters, digits, "." and "-"');
  const manifest = body.gear;
  if (!isObj(manifest)) throw badRequest('"gear" (the gear manifest) is required');
  if (manifest.name !== name)
    throw badRequest(
      `the manifest name "${String(manifest.name)}" must match the gear name "${name}"`,
    );
  if (typeof manifest.version !== 'string' || manifest.version === '')
    throw badRequest('the manifest needs a "version"');
  validateManifest(manifest);
  for (const k of Object.keys(body))
    if (!['gear', 'category', 'exchange'].includes(k))
      throw badRequest(`unexpected property "${k}"`);
  if (db.prepare('SELECT 1 FROM gears WHERE name = ? AND version = ?').get(name, manifest.version))
    throw conflict(`gear ${name} ${String(manifest.version)} already exists`);
  const t = now();
  const doc = {
    _id: objectId(),
    category:
      typeof body.category === 'string'
        ? body.category
        : gearCategory({ gear: manifest, category: 'converter' }),
    gear: { inputs: {}, config: {}, ...manifest },
    exchange: { ...(isObj(body.exchange) ? body.exchange : {}), ...exchange },
    created: t,
    modified: t,
  };
  db.prepare(
    'INSERT INTO gears (id, name, version, created, modified, doc) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(doc._id, name, manifest.version, t, t, JSON.stringify(doc));
  return doc;
}

/** Gear registry: register a manifest, list (finder; latest version per name unless all_versions), get, delete. */
export function registerGearRoutes(routes: RouteTable): void {
  routes.on('get_all_gears', (c) => {
    requireUser(c.get('user'));
    const all = c.req.query('all_versions') === 'true';
    const where = all
      ? []
      : [
          {
            sql: `g.id = (SELECT g2.id FROM gears g2 WHERE g2.name = g.name ORDER BY g2.created DESC, g2.id DESC LIMIT 1)`,
            params: [],
          },
        ];
    const { rows, total } = runFinder<{ doc: string }>(c, {
      from: 'gears g',
      where,
      target: {
        docColumn: 'g.doc',
        columns: {
          _id: 'g.id',
          'gear.name': 'g.name',
          'gear.version': 'g.version',
          created: 'g.created',
          modified: 'g.modified',
        },
      },
      select: 'g.doc',
      words: {
        // gears that take exactly one file input
        single_input: {
          sql: `(SELECT count(*) FROM json_each(g.doc, '$.gear.inputs') i WHERE json_extract(i.value, '$.base') = 'file') = 1`,
          params: [],
        },
        // gears whose api-key input asks for a read-only key (v21 manifests: "read-only": true)
        read_only_key: {
          sql: `EXISTS (SELECT 1 FROM json_each(g.doc, '$.gear.inputs') i WHERE json_extract(i.value, '$.base') = 'api-key' AND json_extract(i.value, '$."read-only"') = 1)`,
          params: [],
        },
      },
    });
    return replyUntyped(
      c,
      pageBody(
        c,
        rows.map((r) => presentGear(JSON.parse(r.doc))),
        total,
      ),
    );
  });
  routes.on('get_gear', (c, [id = '']) => {
    requireUser(c.get('user'));
    const gear = getGear(c.get('state').db, id);
    if (!gear) throw notFound(`gear ${id} not found`);
    return replyUntyped(c, presentGear(gear));
  });
  routes.on('add_gear', async (c, [gearName]) => {
    const user = requireUser(c.get('user'));
    requireGearAdmin(user);
    const doc = saveGearDoc(c.get('state').db, gearName!, await readObject(c));
    return ok(c, 'add_gear', { _id: doc._id });
  });
  registerGearTicketRoutes(routes);
  routes.on('delete_gear', (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    if (!user.isAdmin) throw forbidden('only site admins can delete gears');
    const db = c.get('state').db;
    const gear = getGear(db, id);
    if (!gear) throw notFound(`gear ${id} not found`);
    db.prepare('DELETE FROM gears WHERE id = ?').run(gear._id);
    return c.body(null, 204);
  });
}
