/**
 * Batch jobs: propose (match a gear's file inputs on each target), run (create the jobs),
 * cancel (pending jobs are cancelled), get, list, and batches of pre-made jobs. Batches live in
 * the `site` key/value table under `batch:<id>`.
 */
import type { Context } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { accessTo, requireUser } from '../app/access.js';
import { badRequest, forbidden, notFound } from '../app/errors.js';
import { ok, readObject, replyUntyped } from '../app/json.js';
import {
  createJob,
  gearCategory,
  getGear,
  getJob,
  presentJob,
  saveJob,
  withState,
} from '../app/jobs.js';
import { createAnalysis } from '../app/analyses.js';
import { objectId } from '../app/ids.js';
import { now } from '../app/time.js';
import { isObj } from '../app/validate.js';
import { presentRow } from '../app/present.js';
import { getRow, type ContainerRow, type Doc } from '../db/containers.js';
import type { Db } from '../db/open.js';

const POLICIES = ['ignored', 'flexible', 'required'];

const load = (db: Db, id: string): Doc => {
  const row = db.prepare('SELECT value FROM site WHERE key = ?').get(`batch:${id}`) as
    { value: string } | undefined;
  if (!row) throw notFound(`batch ${id} not found`);
  return JSON.parse(row.value) as Doc;
};
const save = (db: Db, b: Doc) =>
  db
    .prepare(
      'INSERT INTO site (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    )
    .run(`batch:${b._id}`, JSON.stringify(b));

function own(user: CurrentUser, b: Doc): void {
  if (!user.isAdmin && b.origin?.id !== user.doc._id)
    throw forbidden(`batch ${b._id} belongs to another user`);
}

/** Files a target offers: its own, and for a session those of its acquisitions. */
function candidates(db: Db, target: ContainerRow): { type: string; id: string; doc: Doc }[] {
  const ids =
    target.type === 'session'
      ? [
          target,
          ...(db
            .prepare(`SELECT * FROM containers WHERE type = 'acquisition' AND session_id = ?`)
            .all(target.id) as ContainerRow[]),
        ]
      : [target];
  return ids.flatMap((r) =>
    (
      db
        .prepare(`SELECT doc FROM files WHERE container_id = ? AND role = 'files' ORDER BY name`)
        .all(r.id) as { doc: string }[]
    ).map((f) => ({ type: r.type, id: r.id, doc: JSON.parse(f.doc) as Doc })),
  );
}

/** Does a file fit a manifest input (`type.enum` of file types; no constraint: any file)? */
function fits(input: Doc, file: Doc): boolean {
  const allowed = isObj(input.type) && Array.isArray(input.type.enum) ? input.type.enum : null;
  return !allowed || allowed.includes(file.type);
}

async function propose(c: Context<AppEnv>): Promise<Response> {
  const user = requireUser(c.get('user'));
  const db = c.get('state').db;
  const body = await readObject(c);
  if (typeof body.gear_id !== 'string') throw badRequest('"gear_id" is required');
  const gear = getGear(db, body.gear_id);
  if (!gear) throw notFound(`gear ${body.gear_id} not found`);
  if (!Array.isArray(body.targets) || body.targets.length === 0)
    throw badRequest('"targets" must be a non-empty list of {type, id}');
  const policy = body.optional_input_policy ?? 'ignored';
  if (typeof policy !== 'string' || !POLICIES.includes(policy))
    throw badRequest(`"optional_input_policy" must be one of ${POLICIES.join(', ')}`);
  if (body.config !== undefined && !isObj(body.config))
    throw badRequest('"config" must be an object');
  if (
    body.tags !== undefined &&
    (!Array.isArray(body.tags) || body.tags.some((t) => typeof t !== 'string'))
  )
    throw badRequest('"tags" must be a list of strings');
  const inputs = Object.entries(((gear.gear ?? {}) as Doc).inputs ?? {}).filter(
    ([, v]) => isObj(v) && (v.base ?? 'file') === 'file',
  ) as [string, Doc][];
  const matched: Doc[] = [];
  const ambiguous: Doc[] = [];
  const notMatched: Doc[] = [];
  const improper: string[] = [];
  for (const t of body.targets) {
    if (!isObj(t) || typeof t.type !== 'string' || typeof t.id !== 'string')
      throw badRequest('every target must be {type, id}');
    if (t.type !== 'acquisition' && t.type !== 'session')
      throw badRequest('batch targets are acquisitions or sessions');
    const row = getRow(db, t.id);
    if (!row || row.type !== t.type) throw notFound(`${t.type} ${t.id} not found`);
    const a = accessTo(db, user, row);
    if (a !== 'rw' && a !== 'admin') {
      improper.push(row.id);
      continue;
    }
    const files = candidates(db, row);
    const chosen: Doc = {};
    let state: 'matched' | 'ambiguous' | 'not_matched' = 'matched';
    for (const [name, input] of inputs) {
      const optional = input.optional === true;
      if (optional && policy === 'ignored') continue;
      const fit = files.filter((f) => fits(input, f.doc));
      if (fit.length === 1)
        chosen[name] = { type: fit[0]!.type, id: fit[0]!.id, name: fit[0]!.doc.name };
      else if (fit.length > 1) state = state === 'matched' ? 'ambiguous' : state;
      else if (!optional || policy === 'required') state = 'not_matched';
    }
    const out = presentRow(db, row);
    if (state === 'matched') matched.push({ type: row.type, id: row.id, inputs: chosen });
    else (state === 'ambiguous' ? ambiguous : notMatched).push(out);
  }
  const t = now();
  const batch: Doc = {
    _id: objectId(),
    kind: 'classic',
    gear_id: gear._id,
    state: 'pending',
    origin: { type: 'user', id: user.doc._id },
    config: (body.config as Doc | undefined) ?? {},
    tags: body.tags ?? [],
    priority: body.priority,
    optional_input_policy: policy,
    // analysis gears: each job runs in a new analysis of its target, with this label
    ...(isObj(body.analysis) && typeof body.analysis.label === 'string'
      ? { analysis: { label: body.analysis.label } }
      : {}),
    proposal: matched,
    jobs: [],
    created: t,
    modified: t,
  };
  save(db, batch);
  return replyUntyped(c, {
    _id: batch._id,
    gear_id: batch.gear_id,
    state: batch.state,
    origin: batch.origin,
    config: batch.config,
    created: t,
    modified: t,
    optional_input_policy: policy,
    matched: matched.map((m) => ({ type: m.type, id: m.id })),
    ambiguous,
    not_matched: notMatched,
    improper_permissions: improper,
  });
}

const present = (b: Doc): Doc =>
  b.kind === 'premade'
    ? {
        _id: b._id,
        proposal: { preconstructed_jobs: b.proposal },
        origin: b.origin,
        jobs: b.jobs,
        state: b.state,
        created: b.created,
        modified: b.modified,
      }
    : {
        _id: b._id,
        gear_id: b.gear_id,
        state: b.state,
        origin: b.origin,
        config: b.config,
        jobs: b.jobs,
        created: b.created,
        modified: b.modified,
      };

export function registerBatchRoutes(routes: RouteTable): void {
  routes.on('propose_batch', propose);
  routes.on('create_batch_job_from_jobs', async (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const body = await readObject(c);
    if (!Array.isArray(body.jobs) || body.jobs.length === 0 || body.jobs.some((j) => !isObj(j)))
      throw badRequest('"jobs" must be a non-empty list of jobs');
    const t = now();
    const batch: Doc = {
      _id: objectId(),
      kind: 'premade',
      state: 'pending',
      origin: { type: 'user', id: user.doc._id },
      proposal: body.jobs,
      jobs: [],
      created: t,
      modified: t,
    };
    save(db, batch);
    return replyUntyped(c, present(batch));
  });
  routes.on('get_all_batches', (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const rows = db
      .prepare(
        `SELECT value FROM site WHERE key LIKE 'batch:%' ORDER BY json_extract(value, '$.created')`,
      )
      .all() as { value: string }[];
    const all = rows
      .map((r) => JSON.parse(r.value) as Doc)
      .filter((b) => b.kind === 'classic' && (user.isAdmin || b.origin?.id === user.doc._id));
    return replyUntyped(c, all.map(present));
  });
  routes.on('get_batch', (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const b = load(db, id);
    own(user, b);
    const out = present(b);
    if (c.req.query('jobs') === 'true')
      out.jobs = (b.jobs as string[]).map((j) => presentJob(db, getJob(db, j)));
    return replyUntyped(c, out);
  });
  routes.on('start_batch', (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const b = load(db, id);
    own(user, b);
    if (b.state !== 'pending') throw badRequest(`batch ${id} was already ${b.state}`);
    const jobs = db.transaction(() => {
      const made: Doc[] =
        b.kind === 'premade'
          ? (b.proposal as Doc[]).map((j) => createJob(db, user, { ...j, batch: undefined }))
          : (b.proposal as Doc[]).map((m) => {
              const job = { gear_id: b.gear_id, inputs: m.inputs, config: b.config, tags: b.tags };
              const gear = getGear(db, String(b.gear_id));
              if (!gear || gearCategory(gear) !== 'analysis')
                return createJob(db, user, { ...job, destination: { type: m.type, id: m.id } });
              const name = String((gear.gear as Doc | undefined)?.name ?? 'gear');
              const label =
                (b.analysis as Doc | undefined)?.label ??
                `${name} ${now().slice(0, 19).replace('T', ' ')}`;
              const analysisId = createAnalysis(db, user, getRow(db, m.id)!, { label, job });
              return getJob(db, String(JSON.parse(getRow(db, analysisId)!.doc).job));
            });
      for (const j of made) {
        j.batch = b._id;
        if (b.priority) j.priority = b.priority;
        saveJob(db, j);
      }
      save(db, { ...b, state: 'running', jobs: made.map((j) => j._id), modified: now() });
      return made;
    })();
    return replyUntyped(
      c,
      jobs.map((j) => presentJob(db, j)),
    );
  });
  routes.on('cancel_batch', (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const b = load(db, id);
    own(user, b);
    let n = 0;
    db.transaction(() => {
      for (const jid of b.jobs as string[]) {
        const j = getJob(db, jid);
        if (j.state !== 'pending') continue;
        saveJob(db, withState(j, 'cancelled'));
        n++;
      }
      save(db, { ...b, state: 'cancelled', modified: now() });
    })();
    return ok(c, 'cancel_batch', { number_cancelled: n });
  });
}
