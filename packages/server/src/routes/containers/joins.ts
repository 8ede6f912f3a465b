import type { Context } from 'hono';
import type { AppEnv } from '../../app/context.js';
import type { Db } from '../../db/open.js';
import type { ContainerRow, Doc } from '../../db/containers.js';
import { getUser } from '../../db/users.js';

/**
 * The `join` flags of container reads, applied to presented docs (lists and single GETs):
 * - `join_avatars=true`: notes and permission entries carry the user's `firstname`,
 *   `lastname` and `avatar` (as a site joins them from its users);
 * - `join=origin`: `join-origin` maps the origins of the container's files to the user, job
 *   or device behind them (`{user: {id: {firstname, lastname}}, job: {…}, device: {…}}`).
 * Collections always carry `session_count` (sessions holding one of its acquisitions).
 * Reads without credentials (public data) carry no permission entries.
 */
export function applyJoins(
  c: Context<AppEnv>,
  rows: Pick<ContainerRow, 'id' | 'type'>[],
  docs: Doc[],
): void {
  const db = c.get('state').db;
  const avatars = flag(c.req.query('join_avatars'));
  const joins = (c.req.queries('join') ?? []).flatMap((j) => j.split(','));
  const users = new Map<string, Doc | null>();
  const user = (id: string) => {
    if (!users.has(id)) users.set(id, (getUser(db, id) as Doc | undefined) ?? null);
    return users.get(id)!;
  };
  // who has access is not public data: anonymous readers see no permission entries
  const anonymous = !c.get('user');
  docs.forEach((doc, i) => {
    const row = rows[i]!;
    if (anonymous) {
      if (Array.isArray(doc.permissions)) doc.permissions = [];
      // a session embeds its subject with the subject's permissions (one object per response)
      const subject = doc.subject as Doc | undefined;
      if (subject && Array.isArray(subject.permissions)) subject.permissions = [];
    }
    if (avatars) joinAvatars(doc, user);
    if (joins.includes('origin')) doc['join-origin'] = joinOrigin(db, doc, user);
    if (row.type === 'collection') doc.session_count = sessionCount(db, row.id);
  });
}

const flag = (v: string | undefined) => v === 'true' || v === '1';

function joinAvatars(doc: Doc, user: (id: string) => Doc | null): void {
  const add = (entry: Doc, id: unknown) => {
    const u = typeof id === 'string' ? user(id) : null;
    if (!u) return;
    for (const k of ['firstname', 'lastname', 'avatar'])
      if (typeof u[k] === 'string') entry[k] = u[k];
  };
  for (const n of Array.isArray(doc.notes) ? (doc.notes as Doc[]) : []) add(n, n.user);
  for (const p of Array.isArray(doc.permissions) ? (doc.permissions as Doc[]) : []) add(p, p._id);
}

function joinOrigin(db: Db, doc: Doc, user: (id: string) => Doc | null): Doc {
  const out: { user: Doc; job: Doc; device: Doc } = { user: {}, job: {}, device: {} };
  const files = Array.isArray(doc.files) ? (doc.files as Doc[]) : [];
  for (const f of files) {
    const o = f.origin as Doc | undefined;
    if (!o || typeof o.id !== 'string') continue;
    if (o.type === 'user') {
      const u = user(o.id);
      if (u) out.user[o.id] = { firstname: u.firstname ?? '', lastname: u.lastname ?? '' };
    } else if (o.type === 'job') {
      const j = db.prepare('SELECT doc FROM jobs WHERE id = ?').get(o.id) as
        { doc: string } | undefined;
      if (j) {
        const jd = JSON.parse(j.doc) as Doc;
        out.job[o.id] = {
          created: jd.created,
          modified: jd.modified,
          ...(jd.gear_info ? { gear_info: jd.gear_info } : {}),
        };
      }
    } else if (o.type === 'device') {
      out.device[o.id] = { name: typeof o.name === 'string' ? o.name : o.id };
    }
  }
  return out;
}

function sessionCount(db: Db, collectionId: string): number {
  const r = db
    .prepare(
      `SELECT count(*) AS n FROM containers s WHERE s.type = 'session'
         AND EXISTS (SELECT 1 FROM json_each(s.doc, '$.collections') x WHERE x.value = ?)`,
    )
    .get(collectionId) as { n: number };
  return r.n;
}
