import type { Db } from '../db/open.js';
import { getRow, type Doc } from '../db/containers.js';
import { getFile } from '../db/files.js';
import { presentFile } from './present.js';
import type { CurrentUser } from './context.js';
import { requireAccess } from './access.js';
import { badRequest, notFound } from './errors.js';
import { isObjectId, objectId } from './ids.js';
import { now } from './time.js';
import { isObj, optObject, optStringArray, type Obj } from './validate.js';
import { checkJobConfig, checkJobInputs, configDefaults } from './gear-manifest.js';

export const JOB_STATES = ['pending', 'running', 'failed', 'complete', 'cancelled'] as const;
/** `JobPriority`, lowest first; a job created without one is `medium`. */
export const JOB_PRIORITIES = ['low', 'medium', 'high', 'critical'];
/**
 * v21 state transitions: a pending job starts or is cancelled; a running one ends complete,
 * failed or cancelled; the three end states are final (a failed job is retried as a new job).
 */
export const JOB_TRANSITIONS: Record<string, readonly string[]> = {
  pending: ['running', 'cancelled'],
  running: ['complete', 'failed', 'cancelled'],
  failed: [],
  complete: [],
  cancelled: [],
};

/** 400 unless `to` is a legal next state of the job (naming both states and what is allowed). */
export function checkTransition(job: Doc, to: string): void {
  const from = String(job.state);
  if (!(JOB_STATES as readonly string[]).includes(to))
    throw badRequest(`"state" must be one of ${JOB_STATES.join(', ')} (got "${to}")`);
  if (from === to) return;
  const allowed = JOB_TRANSITIONS[from] ?? [];
  if (!allowed.includes(to))
    throw badRequest(
      `cannot change job ${String(job._id)} from "${from}" to "${to}": ` +
        (allowed.length
          ? `a ${from} job can only become ${allowed.join(' or ')}`
          : `"${from}" is a final state (retry a failed job with POST /jobs/{id}/retry)`),
    );
}

/** The job with a new state and that state's transition time recorded. */
export function withState(job: Doc, state: string, extra: Doc = {}): Doc {
  const t = now();
  return {
    ...job,
    ...extra,
    state,
    modified: t,
    transitions: { ...((job.transitions ?? {}) as Doc), [state]: t },
  };
}

/** Gear category: the manifest's `custom["gear-builder"].category`, else the registered one. */
export function gearCategory(gear: Doc): string {
  const custom = (gear.gear as Doc | undefined)?.custom as Doc | undefined;
  const gb = isObj(custom) ? (custom['gear-builder'] as Doc | undefined) : undefined;
  if (isObj(gb) && typeof gb.category === 'string') return gb.category;
  return typeof gear.category === 'string' ? gear.category : 'utility';
}

/**
 * The pending job to start next, as `GET /jobs/next` picks it: highest priority first, then
 * oldest; all `tags` must be on the job, and `accept` (the local engine: gears with a
 * `command`) may skip jobs.
 */
export function selectNextJob(
  db: Db,
  o: { tags?: string[]; accept?: (job: Doc) => boolean } = {},
): Doc | undefined {
  const rows = db
    .prepare(`SELECT doc FROM jobs WHERE state = 'pending' ORDER BY created, id`)
    .all() as { doc: string }[];
  const rank = (j: Doc) => JOB_PRIORITIES.indexOf((j.priority as string) ?? 'medium');
  const tags = o.tags ?? [];
  return rows
    .map((r) => JSON.parse(r.doc) as Doc)
    .filter((j) => tags.every((t) => ((j.tags ?? []) as string[]).includes(t)))
    .filter((j) => !o.accept || o.accept(j))
    .sort((a, b) => rank(b) - rank(a))[0];
}

/** Append `{fd, msg}` entries to a job's log (one transaction; order kept). */
export function appendJobLogs(db: Db, jobId: string, lines: { fd: number; msg: string }[]): void {
  if (lines.length === 0) return;
  db.transaction(() => {
    const max = (
      db.prepare('SELECT coalesce(max(seq), 0) AS m FROM job_logs WHERE job_id = ?').get(jobId) as {
        m: number;
      }
    ).m;
    const ins = db.prepare('INSERT INTO job_logs (job_id, seq, fd, msg) VALUES (?, ?, ?, ?)');
    lines.forEach((l, i) => ins.run(jobId, max + i + 1, l.fd, l.msg));
  })();
}

export function getGear(db: Db, idOrName: string): Doc | undefined {
  const row = (
    isObjectId(idOrName)
      ? db.prepare('SELECT doc FROM gears WHERE id = ?').get(idOrName)
      : db
          .prepare('SELECT doc FROM gears WHERE name = ? ORDER BY created DESC, id DESC LIMIT 1')
          .get(idOrName)
  ) as { doc: string } | undefined;
  return row ? (JSON.parse(row.doc) as Doc) : undefined;
}

export function getJob(db: Db, id: string): Doc {
  const row = isObjectId(id)
    ? (db.prepare('SELECT doc FROM jobs WHERE id = ?').get(id) as { doc: string } | undefined)
    : undefined;
  if (!row) throw notFound(`job ${id} not found`);
  return JSON.parse(row.doc) as Doc;
}

export function saveJob(db: Db, doc: Doc): void {
  db.prepare(
    `INSERT INTO jobs (id, state, gear_id, created, modified, doc) VALUES (@id, @state, @gear, @created, @modified, @doc)
     ON CONFLICT(id) DO UPDATE SET state=@state, modified=@modified, doc=@doc`,
  ).run({
    id: doc._id,
    state: doc.state,
    gear: doc.gear_id,
    created: doc.created,
    modified: doc.modified,
    doc: JSON.stringify(doc),
  });
}

/** A file reference `{type, id, name}` resolved to its container row and file entry. */
export function resolveFileRef(
  db: Db,
  user: CurrentUser,
  ref: unknown,
  what: string,
): { ref: Doc; file: Doc; blobId: string | null; containerId: string } {
  if (
    !isObj(ref) ||
    typeof ref.type !== 'string' ||
    typeof ref.id !== 'string' ||
    typeof ref.name !== 'string'
  ) {
    throw badRequest(`${what} must be a file reference {type, id, name}`);
  }
  const row = isObjectId(ref.id) || ref.type === 'group' ? getRow(db, ref.id) : undefined;
  if (!row || row.type !== ref.type) throw notFound(`${ref.type} ${ref.id} not found`);
  requireAccess(db, user, row, 'ro');
  const f = getFile(db, row.id, 'files', ref.name);
  if (!f) throw notFound(`file ${ref.name} not found in ${ref.type} ${ref.id}`);
  return {
    ref: { type: ref.type, id: ref.id, name: ref.name },
    file: JSON.parse(f.doc) as Doc,
    blobId: f.blob_id,
    containerId: row.id,
  };
}

/** Create a pending job for a gear. `destination` defaults to the container of the first input. */
export function createJob(
  db: Db,
  user: CurrentUser,
  body: Obj,
  destination?: { type: string; id: string },
): Doc {
  const gearId = body.gear_id;
  if (typeof gearId !== 'string') throw badRequest('"gear_id" is required');
  const gear = getGear(db, gearId);
  if (!gear) throw notFound(`gear ${gearId} not found`);
  const inputs: Doc = {};
  const files: Record<string, Doc> = {};
  const manifest = (gear.gear ?? {}) as Doc;
  if (body.inputs !== undefined) {
    if (!isObj(body.inputs)) throw badRequest('"inputs" must be an object of file references');
    const declared = isObj(manifest.inputs) ? manifest.inputs : {};
    for (const k of Object.keys(body.inputs))
      if (!Object.hasOwn(declared, k))
        throw badRequest(
          `input "${k}" is not declared by gear ${String(manifest.name)}: use one of ${Object.keys(declared).join(', ') || '(none)'}`,
        );
    for (const [k, v] of Object.entries(body.inputs)) {
      const r = resolveFileRef(db, user, v, `input "${k}"`);
      inputs[k] = r.ref;
      files[k] = r.file;
    }
  }
  checkJobInputs(manifest, files);
  let dest = destination;
  if (!dest) {
    if (
      isObj(body.destination) &&
      typeof body.destination.type === 'string' &&
      typeof body.destination.id === 'string'
    ) {
      dest = { type: body.destination.type, id: body.destination.id };
    } else {
      const first = Object.values(inputs)[0] as Doc | undefined;
      if (!first) throw badRequest('job needs a "destination" or at least one input');
      dest = { type: first.type, id: first.id };
    }
    const row = isObjectId(dest.id) ? getRow(db, dest.id) : undefined;
    if (!row || row.type !== dest.type)
      throw notFound(`destination ${dest.type} ${dest.id} not found`);
    requireAccess(db, user, row, 'rw');
  }
  if (body.config !== undefined && !isObj(body.config))
    throw badRequest('"config" must be an object');
  const defaults = configDefaults(manifest);
  const config = { ...defaults, ...((body.config as Obj | undefined) ?? {}) };
  checkJobConfig(manifest, config);
  if (body.label !== undefined && typeof body.label !== 'string')
    throw badRequest('"label" must be a string');
  if (
    body.tags !== undefined &&
    (!Array.isArray(body.tags) || body.tags.some((t) => typeof t !== 'string'))
  ) {
    throw badRequest('"tags" must be a list of strings');
  }
  if (
    body.priority !== undefined &&
    (typeof body.priority !== 'string' || !JOB_PRIORITIES.includes(body.priority))
  )
    throw badRequest(`"priority" must be one of ${JOB_PRIORITIES.join(', ')}`);
  const t = now();
  const job: Doc = {
    _id: objectId(),
    gear_id: gear._id,
    gear_info: { name: manifest.name, version: manifest.version, category: gearCategory(gear) },
    state: 'pending',
    attempt: 1,
    inputs,
    destination: dest,
    config,
    tags: [...((body.tags as string[] | undefined) ?? []), manifest.name].filter(
      (x, i, a) => x && a.indexOf(x) === i,
    ),
    priority: (body.priority as string | undefined) ?? 'medium',
    label: (body.label as string | undefined) ?? '',
    origin: { type: 'user', id: user.doc._id },
    saved_files: [],
    produced_metadata: {},
    created: t,
    modified: t,
  };
  saveJob(db, job);
  return job;
}

/** PUT /jobs/{id}: state changes follow the transition table; `{}` is a heartbeat. */
export function modifyJob(db: Db, job: Doc, body: Obj): void {
  for (const k of Object.keys(body)) {
    if (!['state', 'tags', 'config', 'produced_metadata', 'saved_files', 'profile'].includes(k)) {
      throw badRequest(`unexpected property "${k}" in job update`);
    }
  }
  if (body.state !== undefined) {
    if (typeof body.state !== 'string')
      throw badRequest(`"state" must be one of ${JOB_STATES.join(', ')}`);
    checkTransition(job, body.state);
  }
  optStringArray(body, 'tags');
  for (const k of ['config', 'produced_metadata', 'profile']) optObject(body, k);
  const changed = body.state !== undefined && body.state !== job.state;
  Object.assign(job, body);
  job.modified = now();
  if (changed)
    job.transitions = { ...((job.transitions ?? {}) as Doc), [String(body.state)]: job.modified };
  saveJob(db, job);
}

/** `outputs`: the entries of the files the job saved on its destination (latest versions). */
function outputFiles(db: Db, job: Doc): Doc[] {
  const dest = job.destination as Doc | undefined;
  if (!dest?.id) return [];
  return ((job.saved_files ?? []) as string[]).flatMap((name) => {
    const f = getFile(db, String(dest.id), 'files', name);
    return f ? [presentFile(JSON.parse(f.doc) as Doc)] : [];
  });
}

/** Parents of a job: its destination's ancestry (and the destination itself). */
function jobParents(db: Db, dest: { type?: string; id?: string } | undefined): Doc {
  const row = dest?.id && isObjectId(dest.id) ? getRow(db, dest.id) : undefined;
  if (!row) return { group: '', project: '' };
  const parents = { ...((JSON.parse(row.doc) as Doc).parents ?? {}) } as Doc;
  parents[row.type] = row.id;
  if (row.type === 'group') parents.group = row.id;
  parents.group ??= row.group_id ?? '';
  parents.project ??= row.project_id ?? '';
  return parents;
}

/**
 * The v21 wire form of a job (`JobOutput`, or `JobListOutput` for lists, whose `inputs` is a
 * list): `id`, `parents`, `related_container_ids`, `outputs`, and `config` as
 * `{destination, inputs, config}` as the reference sends it.
 */
export function presentJob(db: Db, job: Doc, list = false): Doc {
  const parents = jobParents(db, job.destination as Doc | undefined);
  const inputs = (job.inputs ?? {}) as Record<string, Doc>;
  const related = new Set<string>(
    Object.values(parents).filter((v): v is string => typeof v === 'string' && v !== ''),
  );
  for (const ref of Object.values(inputs)) if (typeof ref.id === 'string') related.add(ref.id);
  const out: Doc = {
    ...job,
    id: job._id,
    parents,
    related_container_ids: [...related],
    outputs: outputFiles(db, job),
    deleted_outputs: job.deleted_outputs ?? [],
    config: { destination: job.destination, inputs, config: job.config ?? {} },
  };
  if (list)
    out.inputs = Object.entries(inputs).map(([input, ref]) => ({
      ...ref,
      input,
    }));
  return out;
}

/** The v21 wire form of a gear (`GearDocument`): manifest and exchange fields filled in. */
export function presentGear(gear: Doc): Doc {
  const manifest = (gear.gear ?? {}) as Doc;
  return {
    ...gear,
    gear: {
      author: '',
      description: '',
      license: 'Other',
      inputs: {},
      config: {},
      ...manifest,
    },
    exchange: {
      'git-commit': 'local',
      'rootfs-hash': '',
      'rootfs-url': '',
      ...((gear.exchange ?? {}) as Doc),
    },
  };
}
