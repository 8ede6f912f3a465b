import type { Db } from '../db/open.js';
import { getRow, type Doc } from '../db/containers.js';
import { getFile } from '../db/files.js';
import type { CurrentUser } from './context.js';
import { requireAccess } from './access.js';
import { badRequest, HttpError, notFound } from './errors.js';
import { isObjectId, objectId } from './ids.js';
import { now } from './time.js';
import { isObj, optObject, optStringArray, type Obj } from './validate.js';

export const JOB_STATES = ['pending', 'running', 'failed', 'complete', 'cancelled'] as const;
/** `JobPriority`, lowest first; a job created without one is `medium`. */
export const JOB_PRIORITIES = ['low', 'medium', 'high', 'critical'];
/** Allowed state transitions (no execution engine: clients drive them). */
const TRANSITIONS: Record<string, string[]> = {
  pending: ['running', 'cancelled', 'failed'],
  running: ['complete', 'failed', 'cancelled'],
  failed: [],
  complete: [],
  cancelled: [],
};

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

const CONFIG_TYPES: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isSafeInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  array: (v) => Array.isArray(v),
  object: (v) => isObj(v),
};

/** 422 when a config value does not have the type the gear manifest declares for it. */
function checkJobConfig(manifest: Doc, config: Obj): void {
  const declared = isObj(manifest.config) ? manifest.config : {};
  for (const [k, v] of Object.entries(config)) {
    const spec = declared[k];
    const type = isObj(spec) && typeof spec.type === 'string' ? spec.type : undefined;
    const fits = type === undefined ? undefined : CONFIG_TYPES[type];
    if (fits && !fits(v))
      throw new HttpError(
        422,
        `config value "${k}" must be of type ${type} (gear ${String(manifest.name)}), got ${JSON.stringify(v)}`,
      );
  }
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
  const manifest = (gear.gear ?? {}) as Doc;
  if (body.inputs !== undefined) {
    if (!isObj(body.inputs)) throw badRequest('"inputs" must be an object of file references');
    const declared = isObj(manifest.inputs) ? manifest.inputs : {};
    for (const k of Object.keys(body.inputs))
      if (!Object.hasOwn(declared, k))
        throw badRequest(
          `input "${k}" is not declared by gear ${String(manifest.name)}: use one of ${Object.keys(declared).join(', ') || '(none)'}`,
        );
    for (const [k, v] of Object.entries(body.inputs))
      inputs[k] = resolveFileRef(db, user, v, `input "${k}"`).ref;
  }
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
  checkJobConfig(manifest, (body.config as Obj | undefined) ?? {});
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
  const defaults: Doc = {};
  for (const [k, v] of Object.entries((manifest.config ?? {}) as Doc))
    if (isObj(v) && 'default' in v) defaults[k] = v.default;
  const t = now();
  const job: Doc = {
    _id: objectId(),
    gear_id: gear._id,
    gear_info: { name: manifest.name, version: manifest.version, category: gear.category ?? null },
    state: 'pending',
    attempt: 1,
    inputs,
    destination: dest,
    config: { ...defaults, ...((body.config as Obj | undefined) ?? {}) },
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
    if (typeof body.state !== 'string' || !(JOB_STATES as readonly string[]).includes(body.state)) {
      throw badRequest(`"state" must be one of ${JOB_STATES.join(', ')}`);
    }
    if (body.state !== job.state && !TRANSITIONS[job.state as string]!.includes(body.state)) {
      throw badRequest(`cannot change job state from ${job.state} to ${body.state}`);
    }
  }
  optStringArray(body, 'tags');
  for (const k of ['config', 'produced_metadata', 'profile']) optObject(body, k);
  Object.assign(job, body);
  job.modified = now();
  saveJob(db, job);
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
    outputs: job.outputs ?? [],
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
