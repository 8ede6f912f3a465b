/**
 * Job operations beyond CRUD: detail, config.json, retry, stats, priority, heartbeat, profile,
 * the engine's next/complete/prepare-complete, reap. There is no execution engine: a client
 * (or a test) plays the engine through these calls, as a real engine would.
 */
import type { Context } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { accessTo, requireUser } from '../app/access.js';
import { badRequest, conflict, forbidden, notFound } from '../app/errors.js';
import { ok, readObject, readOptionalObject, replyUntyped } from '../app/json.js';
import {
  getGear,
  getJob,
  JOB_PRIORITIES,
  JOB_STATES,
  presentJob,
  saveJob,
  selectNextJob,
  withState,
} from '../app/jobs.js';
import { objectId } from '../app/ids.js';
import { now } from '../app/time.js';
import { toStoredTimestamp } from '../query/index.js';
import { isObj } from '../app/validate.js';
import { getRow, parseDoc, type Doc } from '../db/containers.js';
import { getDoc } from '../app/documents.js';
import { siteSettings } from './site.js';
import { getFile } from '../db/files.js';
import { presentFile } from '../app/present.js';
import type { Db } from '../db/open.js';
import { createTicket, useTicket } from './tickets.js';
import { registerEngineUploadRoute } from './jobs-engine.js';

const PRIORITIES = JOB_PRIORITIES;
const EXECUTOR: Record<string, 'string' | 'integer' | 'boolean'> = {
  name: 'string',
  host: 'string',
  instance_type: 'string',
  cpu_cores: 'integer',
  gpu: 'boolean',
  memory_bytes: 'integer',
  disk_bytes: 'integer',
  swap_bytes: 'integer',
};

/** `InputJobProfile` (also the `profile` of a job completion): 400 on a wrong type. */
function checkProfile(body: Doc): void {
  for (const [k, v] of Object.entries(body)) {
    if (['elapsed_time_ms', 'preparation_time_ms', 'upload_time_ms'].includes(k)) {
      if (!Number.isSafeInteger(v)) throw badRequest(`"${k}" must be an integer`);
    } else if (k === 'executor') {
      if (!isObj(v)) throw badRequest('"executor" must be an object');
      for (const [ek, ev] of Object.entries(v)) {
        const want = EXECUTOR[ek];
        if (!want) throw badRequest(`unexpected property "executor.${ek}"`);
        const fits = want === 'integer' ? Number.isSafeInteger(ev) : typeof ev === want;
        if (!fits)
          throw badRequest(
            `"executor.${ek}" must be ${want === 'integer' ? 'an integer' : `a ${want}`}`,
          );
      }
    } else if (k === 'versions') {
      if (!isObj(v) || Object.values(v).some((x) => typeof x !== 'string'))
        throw badRequest('"versions" must be an object of strings');
    } else throw badRequest(`unexpected property "${k}" in job profile`);
  }
}

function access(db: Db, user: CurrentUser, job: Doc, write: boolean): void {
  if (user.isAdmin || job.origin?.id === user.doc._id) return;
  const dest = job.destination?.id ? getRow(db, job.destination.id) : undefined;
  const a = dest ? accessTo(db, user, dest) : null;
  if (!a || (write && a === 'ro')) throw forbidden(`no access to job ${job._id}`);
}

function load(c: Context<AppEnv>, id: string, write: boolean): Doc {
  const db = c.get('state').db;
  const job = getJob(db, id);
  access(db, requireUser(c.get('user')), job, write);
  return job;
}

const requireAdmin = (c: Context<AppEnv>): CurrentUser => {
  const user = requireUser(c.get('user'));
  if (!user.isAdmin) throw forbidden('only site admins (engines) may do this');
  return user;
};

/** `JobDetail`: the job with the labels of its ancestry and its input/output file entries. */
function detail(db: Db, job: Doc): Doc {
  const base = presentJob(db, job);
  const parentInfo: Doc = {};
  for (const [lvl, id] of Object.entries((base.parents ?? {}) as Record<string, string>)) {
    if (!id) continue;
    const row = getRow(db, id);
    if (row) parentInfo[lvl] = { _id: id, label: parseDoc(row).label ?? row.label ?? id };
  }
  const inputs: Doc = {};
  for (const [k, ref] of Object.entries((job.inputs ?? {}) as Record<string, Doc>)) {
    const f = typeof ref.id === 'string' ? getFile(db, ref.id, 'files', ref.name) : undefined;
    inputs[k] = { ref, ...(f ? { object: presentFile(JSON.parse(f.doc) as Doc) } : {}) };
  }
  const outputs = ((job.saved_files ?? []) as string[]).flatMap((name) => {
    const dest = job.destination as Doc;
    const f = getFile(db, dest.id, 'files', name);
    return f
      ? [{ ref: { type: dest.type, id: dest.id, name }, object: presentFile(JSON.parse(f.doc)) }]
      : [];
  });
  const { config: _c, ...rest } = base;
  void _c;
  return { ...rest, config: job.config ?? {}, parent_info: parentInfo, inputs, outputs };
}

export function registerJobExtraRoutes(routes: RouteTable): void {
  registerEngineUploadRoute(routes);
  routes.on('get_job_detail', (c, [id = '']) =>
    replyUntyped(c, detail(c.get('state').db, load(c, id, false))),
  );
  routes.on('get_job_config', (c, [id = '']) => {
    const job = load(c, id, false);
    return replyUntyped(c, {
      destination: job.destination,
      inputs: job.inputs ?? {},
      config: job.config ?? {},
    });
  });
  routes.on('retry_job', (c, [id = '']) => {
    const db = c.get('state').db;
    const user = requireUser(c.get('user'));
    const job = load(c, id, true);
    const ignoreState = c.req.query('ignoreState') === 'true';
    if (job.state !== 'failed' && !(ignoreState && user.isAdmin))
      throw badRequest(`only failed jobs can be retried (job ${id} is ${job.state})`);
    if (job.retried) throw badRequest(`job ${id} was already retried`);
    const t = now();
    const next: Doc = {
      ...job,
      _id: objectId(),
      state: 'pending',
      attempt: (job.attempt ?? 1) + 1,
      previous_job_id: job._id,
      created: t,
      modified: t,
      saved_files: [],
      produced_metadata: {},
    };
    delete next.retried;
    delete next.failure_reason;
    const provider = c.req.query('computeProviderId');
    if (provider) next.compute_provider_id = provider;
    db.transaction(() => {
      saveJob(db, { ...job, retried: t, modified: t });
      saveJob(db, next);
    })();
    return ok(c, 'retry_job', { _id: next._id });
  });
  routes.on('get_jobs_stats', (c) => {
    requireAdmin(c);
    const db = c.get('state').db;
    const rows = db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state').all() as {
      state: string;
      n: number;
    }[];
    const states: Record<string, number> = Object.fromEntries(JOB_STATES.map((s) => [s, 0]));
    for (const r of rows) states[r.state] = r.n;
    const gears = db
      .prepare(
        `SELECT json_extract(doc, '$.gear_info.name') AS g, count(*) AS n FROM jobs GROUP BY g`,
      )
      .all() as { g: string | null; n: number }[];
    return replyUntyped(c, {
      states,
      gears: Object.fromEntries(gears.map((g) => [g.g ?? '', g.n])),
      total: rows.reduce((a, r) => a + r.n, 0),
    });
  });
  routes.on('update_jobs_priority', async (c) => {
    const db = c.get('state').db;
    const user = requireUser(c.get('user'));
    const body = await readObject(c);
    if (!Array.isArray(body.job_ids) || body.job_ids.some((x) => typeof x !== 'string'))
      throw badRequest('"job_ids" must be a list of job ids');
    if (typeof body.priority !== 'string' || !PRIORITIES.includes(body.priority))
      throw badRequest(`"priority" must be one of ${PRIORITIES.join(', ')}`);
    const jobs = (body.job_ids as string[]).map((id) => getJob(db, id));
    for (const j of jobs) access(db, user, j, true);
    let modified = 0;
    db.transaction(() => {
      for (const j of jobs) {
        if (j.state !== 'pending') continue; // only queued jobs change priority
        saveJob(db, { ...j, priority: body.priority, modified: now() });
        modified++;
      }
    })();
    return ok(c, 'update_jobs_priority', { modified });
  });
  routes.on('heartbeat_job', (c, [id = '']) => {
    const job = load(c, id, true);
    if (job.state !== 'running') throw badRequest(`job ${id} is not running`);
    saveJob(c.get('state').db, { ...job, modified: now() });
    return ok(c, 'heartbeat_job', { modified: 1 });
  });
  routes.on('update_job_profile', async (c, [id = '']) => {
    const job = load(c, id, true);
    const body = await readObject(c);
    checkProfile(body);
    saveJob(c.get('state').db, {
      ...job,
      profile: { ...((job.profile ?? {}) as Doc), ...body },
      modified: now(),
    });
    return ok(c, 'update_job_profile', { modified: 1 });
  });
  // the engine side: take the next pending job, prepare and complete it
  routes.on('get_next_job', (c) => {
    requireAdmin(c);
    const db = c.get('state').db;
    const job = selectNextJob(db, { tags: c.req.queries('tags') ?? [] });
    if (!job) throw notFound('no pending jobs');
    const running = withState(job, 'running');
    saveJob(db, running);
    return replyUntyped(c, presentJob(db, running));
  });
  const prepare = (c: Context<AppEnv>, id: string) => {
    requireAdmin(c);
    const job = load(c, id, true);
    if (job.state !== 'running') throw badRequest(`job ${id} is not running`);
    return replyUntyped(c, { ticket: createTicket(c.get('state'), 'job-complete', { job: id }) });
  };
  routes.on('prepare_complete_job', (c, [id = '']) => prepare(c, id));
  routes.on('engine_prepare_complete_job', (c, [id = '']) => prepare(c, id));
  const complete = async (c: Context<AppEnv>, id: string) => {
    requireAdmin(c);
    const db = c.get('state').db;
    const job = load(c, id, true);
    const ticket = c.req.query('job_ticket_id');
    if (ticket) useTicket(db, ticket, { kind: 'job-complete', job: id });
    const body = (await readOptionalObject(c)) ?? {};
    if (typeof body.success !== 'boolean') throw badRequest('"success" must be a boolean');
    if (body.failure_reason !== undefined && typeof body.failure_reason !== 'string')
      throw badRequest('"failure_reason" must be a string');
    if (body.profile !== undefined) {
      if (!isObj(body.profile)) throw badRequest('"profile" must be an object');
      checkProfile(body.profile);
    }
    if (job.state !== 'running')
      throw conflict(`job ${id} is ${String(job.state)}: only a running job can be completed`);
    const state = body.success ? 'complete' : 'failed';
    saveJob(db, {
      ...withState(job, state),
      ...(body.failure_reason ? { failure_reason: body.failure_reason } : {}),
      ...(body.profile ? { profile: { ...((job.profile ?? {}) as Doc), ...body.profile } } : {}),
    });
    return c.body(null, 204);
  };
  routes.on('complete_job', (c, [id = '']) => complete(c, id));
  routes.on('engine_complete_job', (c, [id = '']) => complete(c, id));
  // the compute provider a job would run on: its own, else its project's, else the site's
  routes.on('determine_provider_for_job', async (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const body = await readObject(c);
    if (typeof body.gear_id !== 'string') throw badRequest('"gear_id" is required');
    if (!getGear(db, body.gear_id)) throw notFound(`gear ${body.gear_id} not found`);
    let id = typeof body.compute_provider_id === 'string' ? body.compute_provider_id : undefined;
    if (!id && isObj(body.destination) && typeof body.destination.id === 'string') {
      const dest = getRow(db, body.destination.id);
      if (!dest) throw notFound(`destination ${String(body.destination.id)} not found`);
      if (accessTo(db, user, dest) === null)
        throw forbidden(`no access to ${dest.type} ${dest.id}`);
      const project =
        dest.type === 'project' ? dest : dest.project_id ? getRow(db, dest.project_id) : undefined;
      const p = project ? (parseDoc(project).providers as Doc | undefined) : undefined;
      if (typeof p?.compute === 'string') id = p.compute;
    }
    id ??= String((siteSettings(db).providers as Doc | undefined)?.compute ?? '');
    const provider = getDoc(db, 'provider', id);
    if (!provider || provider.provider_class !== 'compute')
      throw notFound(`compute provider ${id} not found`);
    // the answer never carries credentials
    return replyUntyped(c, {
      ...provider,
      creds: {},
      origin: provider.origin ?? { type: 'system', id: 'system' },
    });
  });
  routes.on('reap_jobs', (c) => {
    requireAdmin(c);
    const db = c.get('state').db;
    // running jobs without a heartbeat for 10 minutes are orphaned: they fail
    const cutoff = toStoredTimestamp(Date.now() - 10 * 60_000);
    const rows = db.prepare(`SELECT doc FROM jobs WHERE state = 'running'`).all() as {
      doc: string;
    }[];
    let orphaned = 0;
    for (const r of rows) {
      const j = JSON.parse(r.doc) as Doc;
      if (String(j.modified) < cutoff) {
        saveJob(db, withState(j, 'failed', { failure_reason: 'orphaned' }));
        orphaned++;
      }
    }
    return ok(c, 'reap_jobs', { orphaned });
  });
}

/** `JobConfigInput` white/black lists: does the job match every given criterion (any value)? */
function matchesAsk(db: Db, job: Doc, crit: unknown): boolean {
  if (!isObj(crit) || Object.keys(crit).length === 0) return true;
  const groupOf = () =>
    job.destination?.id ? getRow(db, job.destination.id)?.group_id : undefined;
  const checks: Record<string, (vals: string[]) => boolean> = {
    group: (v) => v.includes(groupOf() ?? ''),
    'gear-name': (v) => v.includes(job.gear_info?.name),
    tag: (v) => ((job.tags ?? []) as string[]).some((t) => v.includes(t)),
    'compute-provider': (v) => v.includes(job.compute_provider_id ?? ''),
    'created-by': (v) => v.includes(job.origin?.id ?? ''),
  };
  return Object.entries(crit).every(([k, v]) => {
    const check = checks[k];
    if (!check) throw badRequest(`unknown job criterion "${k}"`);
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      throw badRequest(`"${k}" must be a list of strings`);
    return v.length === 0 || check(v as string[]);
  });
}

function askedJobs(db: Db, body: Doc, states: string[]): Doc[] {
  for (const k of ['whitelist', 'blacklist'])
    if (body[k] !== undefined && !isObj(body[k])) throw badRequest(`"${k}" must be an object`);
  if (body.capabilities !== undefined && !Array.isArray(body.capabilities))
    throw badRequest('"capabilities" must be a list');
  const rows = db
    .prepare(
      `SELECT doc FROM jobs WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY created, id`,
    )
    .all(...states) as { doc: string }[];
  const hasBlack = isObj(body.blacklist) && Object.keys(body.blacklist).length > 0;
  return rows
    .map((r) => JSON.parse(r.doc) as Doc)
    .filter(
      (j) => matchesAsk(db, j, body.whitelist) && !(hasBlack && matchesAsk(db, j, body.blacklist)),
    );
}

export function registerJobAskRoutes(routes: RouteTable): void {
  // engines ask for work: `return.jobs` pending jobs are started (unless `peek`)
  routes.on('ask_jobs', async (c) => {
    requireAdmin(c);
    const db = c.get('state').db;
    const body = await readObject(c);
    const ret = (isObj(body.return) ? body.return : {}) as Doc;
    const want = ret.jobs ?? 0;
    if (!Number.isSafeInteger(want) || want < 0) throw badRequest('"return.jobs" must be >= 0');
    const pending = askedJobs(db, body, ['pending']).slice(0, want);
    const t = now();
    const jobs = pending.map((j) => {
      if (ret.peek === true) return j;
      const running = {
        ...j,
        state: 'running',
        modified: t,
        transitions: { ...((j.transitions ?? {}) as Doc), running: t },
      };
      saveJob(db, running);
      return running;
    });
    const out: Doc = { jobs: jobs.map((j) => presentJob(db, j)) };
    if (ret.states === true) {
      const states: Record<string, number> = Object.fromEntries(JOB_STATES.map((s) => [s, 0]));
      for (const j of askedJobs(db, body, [...JOB_STATES])) states[j.state as string]! += 1;
      out.states = states;
    }
    return replyUntyped(c, out);
  });
  routes.on('ask_jobs_state', async (c, [state = '']) => {
    requireAdmin(c);
    if (!(JOB_STATES as readonly string[]).includes(state))
      throw badRequest(`job state must be one of ${JOB_STATES.join(', ')}`);
    const body = await readObject(c);
    return ok(c, 'ask_jobs_state', { count: askedJobs(c.get('state').db, body, [state]).length });
  });
}
