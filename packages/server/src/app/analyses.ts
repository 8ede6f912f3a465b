import type { Db } from '../db/open.js';
import { insertContainer, parseDoc, type ContainerRow, type Doc } from '../db/containers.js';
import { putFile } from '../db/files.js';
import type { CurrentUser } from './context.js';
import { requireAccess } from './access.js';
import { badRequest } from './errors.js';
import { objectId, uuid } from './ids.js';
import { now } from './time.js';
import { isObj, optString, reqString, sanitizeInfo, type Obj } from './validate.js';
import { createJob, resolveFileRef } from './jobs.js';
import { touch } from './containers.js';
import { checkFileMetadata, fileDoc, type StoredContent } from './file-meta.js';

/**
 * Create an analysis under `parent`: ad hoc (`inputs`: file references, copied as the analysis'
 * inputs) or job-based (`job: {gear_id, inputs, config, tags}` → a pending job).
 */
export function createAnalysis(db: Db, user: CurrentUser, parent: ContainerRow, body: Obj): string {
  requireAccess(db, user, parent, 'rw');
  for (const k of Object.keys(body)) {
    if (!['label', 'description', 'info', 'inputs', 'job', 'tags'].includes(k))
      throw badRequest(`unexpected property "${k}" in analysis`);
  }
  return db.transaction(() => {
    const t = now();
    const id = objectId();
    const pdoc = parseDoc(parent);
    const parents: Doc = parent.type === 'collection' ? {} : { ...(pdoc.parents ?? {}) };
    if (parent.type !== 'collection') parents[parent.type] = parent.id;
    const doc: Doc = {
      _id: id,
      label: reqString(body, 'label'),
      description: optString(body, 'description', 65536) ?? '',
      info: sanitizeInfo(isObj(body.info) ? body.info : {}),
      tags: Array.isArray(body.tags) ? body.tags.filter((x) => typeof x === 'string') : [],
      notes: [],
      parent: { type: parent.type, id: parent.id },
      parents,
      created: t,
      modified: t,
    };
    if (body.info !== undefined && !isObj(body.info)) throw badRequest('"info" must be an object');
    const refs: { file: Doc; blobId: string | null }[] = [];
    if (body.job !== undefined) {
      if (!isObj(body.job)) throw badRequest('"job" must be an object');
      if (body.inputs !== undefined) throw badRequest('use "job.inputs" for job-based analyses');
      const job = createJob(db, user, body.job, { type: 'analysis', id });
      doc.job = job._id;
      doc.gear_info = job.gear_info;
      for (const [k, r] of Object.entries(job.inputs as Doc)) {
        const resolved = resolveFileRef(db, user, r, `input "${k}"`);
        refs.push({ file: { ...resolved.file, input: k }, blobId: resolved.blobId });
      }
    } else if (body.inputs !== undefined) {
      if (!Array.isArray(body.inputs))
        throw badRequest('"inputs" must be a list of file references');
      body.inputs.forEach((r, i) => {
        const resolved = resolveFileRef(db, user, r, `inputs[${i}]`);
        refs.push({ file: resolved.file, blobId: resolved.blobId });
      });
    }
    insertContainer(db, 'analysis', doc, parent.perm_id);
    for (const r of refs)
      putFile(db, id, 'analysis', 'inputs', { ...r.file, _id: uuid() }, r.blobId);
    touch(db, parent.id);
    return id;
  })();
}

/** A file that arrived with a multipart analysis create (already in the blob store). */
export interface UploadedPart extends StoredContent {
  blobId: string;
}

/**
 * The multipart form of `POST /{containers}/{id}/analyses` (the 2019 API, still what scripts
 * send): `metadata` is the analysis (`label`, `description`, `info`, `tags`) with optional
 * `inputs`/`outputs` lists of file metadata matched by `name`. A file named in `outputs` is an
 * output; every other file is an input. Ad hoc only: the files are the analysis' own.
 */
export function createAnalysisWithFiles(
  db: Db,
  user: CurrentUser,
  parent: ContainerRow,
  metadata: unknown,
  files: UploadedPart[],
): string {
  if (!isObj(metadata))
    throw badRequest(
      'a multipart analysis needs a "metadata" field: the analysis as JSON {label, …}',
    );
  const { inputs, outputs, ...analysis } = metadata;
  if (analysis.job !== undefined)
    throw badRequest('job-based analyses are created with a JSON body, not multipart');
  const listOf = (v: unknown, k: string): Obj[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => !isObj(x) || typeof x.name !== 'string'))
      throw badRequest(`"metadata.${k}" must be a list of file objects with a "name"`);
    for (const x of v) checkFileMetadata(x as Obj, `metadata.${k}`);
    return v as Obj[];
  };
  const ins = listOf(inputs, 'inputs');
  const outs = listOf(outputs, 'outputs');
  return db.transaction(() => {
    const id = createAnalysis(db, user, parent, analysis);
    for (const f of files) {
      const out = outs.find((m) => m.name === f.name);
      const { name: _n, ...meta } = out ?? ins.find((m) => m.name === f.name) ?? {};
      void _n;
      const doc = fileDoc(f, meta, user.doc._id);
      putFile(db, id, 'analysis', out ? 'files' : 'inputs', doc, f.blobId);
    }
    return id;
  })();
}
