/**
 * Gear upload tickets (`/gears/prepare-add`, `/gears/save`, `/gears/ticket/{id}`,
 * `/gears/my-tickets`) and context values (`/gears/{id}/context/{type}/{id}`).
 *
 * On a site, `prepare-add` checks a gear document and hands out a ticket under which the
 * gear's container image is pushed; `save` then registers the gear with the image's pointer.
 * Here there is no registry to push to: the ticket keeps the checked document, and `save`
 * registers it, recording `repo` and `pointer` in the gear's `exchange`. Tickets live in the
 * `documents` table (kind `gear_ticket`, owner = the user) until saved.
 */
import type { RouteTable } from '../app/operations.js';
import { requireAccess, requireUser } from '../app/access.js';
import { badRequest, forbidden, notFound } from '../app/errors.js';
import { readObject, replyUntyped } from '../app/json.js';
import { getGear, presentGear } from '../app/jobs.js';
import { deleteDoc, getDoc, insertDoc, listDocs } from '../app/documents.js';
import { loadContainer } from '../app/containers.js';
import { validateManifest } from '../app/gear-manifest.js';
import { isObj } from '../app/validate.js';
import { now } from '../app/time.js';
import { SINGULAR, type CType, type Doc } from '../db/containers.js';
import { lookupContextValue } from '../engine/index.js';
import { saveGearDoc } from './gears.js';

const KIND = 'gear_ticket';

export function registerGearTicketRoutes(routes: RouteTable): void {
  routes.on('prepare_add_gear', async (c) => {
    const user = requireUser(c.get('user'));
    if (!user.isAdmin) throw forbidden('only site admins can add gears');
    const body = await readObject(c);
    const manifest = body.gear;
    if (!isObj(manifest) || typeof manifest.name !== 'string')
      throw badRequest('"gear" (the gear manifest, with a "name") is required');
    validateManifest(manifest);
    const db = c.get('state').db;
    if (
      typeof manifest.version === 'string' &&
      db
        .prepare('SELECT 1 FROM gears WHERE name = ? AND version = ?')
        .get(manifest.name, manifest.version)
    )
      throw badRequest(`gear ${manifest.name} ${manifest.version} already exists`);
    const ticket = insertDoc(
      db,
      KIND,
      { origin: { type: 'user', id: user.doc._id }, geardoc: body, timestamp: now() },
      { owner: user.doc._id },
    );
    return replyUntyped(c, { ticket: ticket._id });
  });
  routes.on('get_gear_ticket', (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const t = getDoc(c.get('state').db, KIND, id);
    if (!t || (!user.isAdmin && t.origin?.id !== user.doc._id))
      throw notFound(`gear ticket ${id} not found`);
    // the manifest with the fields GearManifest requires filled in, as gears are answered
    const geardoc = { ...t.geardoc, gear: presentGear({ gear: t.geardoc.gear }).gear };
    return replyUntyped(c, { _id: t._id, origin: t.origin, geardoc, timestamp: t.timestamp });
  });
  routes.on('get_my_gear_tickets', (c) => {
    const user = requireUser(c.get('user'));
    const mine = listDocs(c.get('state').db, KIND, { owner: user.doc._id });
    return replyUntyped(
      c,
      mine.map((t) => t._id),
    );
  });
  routes.on('save_gear', async (c) => {
    const user = requireUser(c.get('user'));
    if (!user.isAdmin) throw forbidden('only site admins can add gears');
    const body = await readObject(c);
    for (const k of ['ticket', 'repo', 'pointer'])
      if (typeof body[k] !== 'string' || body[k] === '') throw badRequest(`"${k}" is required`);
    const db = c.get('state').db;
    const t = getDoc(db, KIND, String(body.ticket));
    if (!t || (t.origin?.id !== user.doc._id && !user.isAdmin))
      throw notFound(
        `gear ticket ${String(body.ticket)} not found (make one with POST /gears/prepare-add)`,
      );
    const geardoc = t.geardoc as Doc;
    const name = String(geardoc.gear?.name);
    if (body.repo !== name)
      throw badRequest(
        `"repo" must be the gear name of the ticket ("${name}"), got "${String(body.repo)}"`,
      );
    const doc = db.transaction(() => {
      const saved = saveGearDoc(db, name, geardoc, {
        repo: body.repo,
        pointer: body.pointer,
        'rootfs-hash': body.pointer,
      });
      deleteDoc(db, KIND, t._id);
      return saved;
    })();
    return replyUntyped(c, presentGear(doc));
  });
  routes.on('get_gear_context', (c, [gearId = '', type = '', id = '']) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const gear = getGear(db, gearId);
    if (!gear) throw notFound(`gear ${gearId} not found`);
    const ctype = (SINGULAR[type] ?? type) as CType;
    const row = loadContainer(db, ctype, id);
    requireAccess(db, user, row, 'ro');
    const out: Doc = {};
    for (const [name, spec] of Object.entries((gear.gear?.inputs ?? {}) as Record<string, Doc>)) {
      if (spec?.base !== 'context') continue;
      const v = lookupContextValue(db, row, name);
      out[name] = v.found
        ? {
            container_type: v.container_type,
            id: v.id,
            label: v.label,
            value: v.value,
            found: true,
          }
        : { found: false };
    }
    return replyUntyped(c, out);
  });
}
