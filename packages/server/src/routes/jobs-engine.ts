/**
 * `POST /engine?level=&id=&job=`: an engine uploads a running job's outputs (multipart: the
 * files, and the gear's `.metadata.json` as the `metadata` field), as Flywheel engines do.
 * Not in the v21 spec (engines are not SDK users), so it is a local extra. The files become
 * files of the job's destination (an analysis: its outputs) and the metadata is applied, in
 * one transaction, by the same code the local engine commits with.
 */
import type { RouteTable } from '../app/operations.js';
import { requireUser } from '../app/access.js';
import { badRequest, conflict, forbidden } from '../app/errors.js';
import { replyUntyped } from '../app/json.js';
import { getJob } from '../app/jobs.js';
import { presentFile } from '../app/present.js';
import { parseMultipartUpload } from '../transfer/index.js';
import { commitOutputs, discardStaged } from '../engine/index.js';

export function registerEngineUploadRoute(routes: RouteTable): void {
  routes.extra('POST', '/engine', async (c) => {
    const user = requireUser(c.get('user'));
    if (!user.isAdmin) throw forbidden('only site admins (engines) may upload job outputs');
    const { db, blobs } = c.get('state');
    const jobId = c.req.query('job');
    if (!jobId) throw badRequest('"job" (the id of the running job) is required');
    const job = getJob(db, jobId);
    if (job.state !== 'running')
      throw conflict(`job ${jobId} is ${String(job.state)}: only a running job uploads outputs`);
    const level = c.req.query('level');
    const id = c.req.query('id');
    if ((level && level !== job.destination?.type) || (id && id !== job.destination?.id))
      throw badRequest(
        `job ${jobId} writes to ${String(job.destination?.type)} ${String(job.destination?.id)}, not ${level ?? '?'} ${id ?? '?'}`,
      );
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data'))
      throw badRequest('expected a multipart/form-data body (files and a "metadata" field)');
    const upload = await parseMultipartUpload(c.env.incoming, c.req.raw.headers, blobs, {
      maxFiles: Infinity,
    });
    const staged = upload.files.map((f) => ({
      name: f.name,
      blobId: f.blobId,
      size: f.size,
      hash: f.hash,
      contentType: f.contentType,
    }));
    try {
      if (new Set(staged.map((f) => f.name)).size !== staged.length)
        throw badRequest('a file name was sent twice');
      const docs = commitOutputs(db, job, staged, upload.metadata);
      return replyUntyped(
        c,
        docs.map((d) => presentFile(d)),
      );
    } catch (err) {
      await discardStaged(blobs, staged);
      throw err;
    }
  });
}
