import type { Context, Hono } from 'hono';
import type { AppEnv } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import type { ContainerRow, Doc } from '../db/containers.js';
import { getRow } from '../db/containers.js';
import { accessTo, requireUser } from '../app/access.js';
import { badRequest, forbidden } from '../app/errors.js';
import { ok, readJson, readObject, replyUntyped } from '../app/json.js';
import { pageBody, runFinder } from '../app/finder.js';
import {
  appendJobLogs,
  createJob,
  gearCategory,
  getGear,
  getJob,
  modifyJob,
  presentJob,
} from '../app/jobs.js';
import { createAnalysis } from '../app/analyses.js';
import { loadContainer } from '../app/containers.js';
import { now } from '../app/time.js';
import type { CType } from '../db/containers.js';
import { isObj } from '../app/validate.js';
import type { CurrentUser } from '../app/context.js';
import type { Db } from '../db/open.js';

const JOB_COLUMNS = {
  _id: 'j.id',
  state: 'j.state',
  gear_id: 'j.gear_id',
  created: 'j.created',
  modified: 'j.modified',
};

/** May the user see/change this job? Admins always; others through the destination container. */
function jobAccess(db: Db, user: CurrentUser, job: Doc, write: boolean): void {
  if (user.isAdmin || job.origin?.id === user.doc._id) return;
  const dest = job.destination?.id ? getRow(db, job.destination.id) : undefined;
  const a = dest ? accessTo(db, user, dest) : null;
  if (!a || (write && a === 'ro')) throw forbidden(`no access to job ${job._id}`);
}

/** Jobs: add, list (finder), get, modify (state), logs. There is no execution engine. */
export function registerJobRoutes(routes: RouteTable): void {
  routes.on('get_all_jobs', (c) => {
    const user = requireUser(c.get('user'));
    const where = user.isAdmin
      ? []
      : [{ sql: `json_extract(j.doc, '$.origin.id') = ?`, params: [user.doc._id] }];
    const { rows, total } = runFinder<{ doc: string }>(c, {
      from: 'jobs j',
      where,
      target: { docColumn: 'j.doc', columns: JOB_COLUMNS },
      select: 'j.doc',
    });
    return replyUntyped(
      c,
      pageBody(
        c,
        rows.map((r) => presentJob(c.get('state').db, JSON.parse(r.doc), true)),
        total,
      ),
    );
  });
  routes.on('add_job', async (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const body = await readObject(c);
    const id = db.transaction(() => {
      const gear = typeof body.gear_id === 'string' ? getGear(db, body.gear_id) : undefined;
      const dest = body.destination;
      // an analysis gear's job runs in an analysis: one is made under the given destination
      if (gear && gearCategory(gear) === 'analysis' && isObj(dest) && dest.type !== 'analysis') {
        if (typeof dest.type !== 'string' || typeof dest.id !== 'string')
          throw badRequest('"destination" must be {type, id}');
        const parent = loadContainer(db, dest.type as CType, dest.id);
        const { destination: _d, label, ...job } = body;
        void _d;
        const name = String((gear.gear as Doc | undefined)?.name ?? 'gear');
        const analysisId = createAnalysis(db, user, parent, {
          label:
            typeof label === 'string' && label
              ? label
              : `${name} ${now().slice(0, 19).replace('T', ' ')}`,
          job: typeof label === 'string' ? { ...job, label } : job,
        });
        return String(JSON.parse(getRow(db, analysisId)!.doc).job);
      }
      return String(createJob(db, user, body)._id);
    })();
    return ok(c, 'add_job', { _id: id });
  });
  routes.on('get_job', (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const job = getJob(db, id);
    jobAccess(db, user, job, false);
    return replyUntyped(c, presentJob(db, job));
  });
  routes.on('modify_job', async (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const job = getJob(db, id);
    jobAccess(db, user, job, true);
    modifyJob(db, job, await readObject(c));
    return ok(c, 'modify_job', { modified: 1 });
  });
  routes.on('get_job_logs', (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const job = getJob(db, id);
    jobAccess(db, user, job, false);
    const logs = db
      .prepare('SELECT fd, msg FROM job_logs WHERE job_id = ? ORDER BY seq')
      .all(job._id);
    return replyUntyped(c, { _id: job._id, logs });
  });
  routes.on('add_job_logs', async (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const job = getJob(db, id);
    jobAccess(db, user, job, true);
    const body = await readJson(c);
    if (
      !Array.isArray(body) ||
      body.some((l) => !isObj(l) || typeof l.msg !== 'string' || typeof l.fd !== 'number')
    ) {
      throw badRequest('logs must be a list of {fd, msg}');
    }
    appendJobLogs(db, job._id, body as { fd: number; msg: string }[]);
    return c.body(null, 204);
  });
}

/** GET /sessions/{id}/jobs and /projects/{id}/jobs: jobs whose inputs or destination are inside. */
export function listJobsFor(c: Context<AppEnv>, row: ContainerRow): Response {
  const col = `${row.type}_id`;
  const where = [
    {
      sql: `EXISTS (SELECT 1 FROM containers d WHERE d.id = json_extract(j.doc, '$.destination.id') AND (d.id = ? OR d.${col} = ?))`,
      params: [row.id, row.id],
    },
  ];
  const { rows, total } = runFinder<{ doc: string }>(c, {
    from: 'jobs j',
    where,
    target: { docColumn: 'j.doc', columns: JOB_COLUMNS },
    select: 'j.doc',
  });
  const jobs = rows.map((r) => presentJob(c.get('state').db, JSON.parse(r.doc), true));
  if (row.type === 'session') return replyUntyped(c, { jobs });
  return replyUntyped(c, pageBody(c, jobs, total));
}
