/**
 * Job outputs, all or nothing: files are first written to the blob store (staged: no file entry
 * points at them yet), then one transaction stores the entries, applies `.metadata.json` and,
 * for the local engine, completes the job. If anything fails the transaction is undone and the
 * staged blobs are removed, so a failed job leaves no output files behind.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getRow, type Doc } from '../db/containers.js';
import { putFile } from '../db/files.js';
import type { Db } from '../db/open.js';
import type { BlobStore } from '../storage/index.js';
import { touch } from '../app/containers.js';
import { fileDoc } from '../app/file-meta.js';
import { guessContentType } from '../transfer/content-type.js';
import { conflict, notFound } from '../app/errors.js';
import { getJob, saveJob, withState } from '../app/jobs.js';
import { applyContainerMetadata, checkGearMetadata, outputFileMeta } from './metadata.js';

export interface StagedFile {
  name: string;
  blobId: string;
  size: number;
  hash: string;
  contentType: string;
}

export const METADATA_FILE = '.metadata.json';

/**
 * Stage every regular file directly in `dir` (except `.metadata.json`) and parse the metadata
 * file. Sub-folders are not uploaded (reported through `skipped`). On failure nothing stays.
 */
export async function stageOutputDir(
  blobs: BlobStore,
  dir: string,
): Promise<{ files: StagedFile[]; metadata: unknown; skipped: string[] }> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  const files: StagedFile[] = [];
  const skipped: string[] = [];
  let metadata: unknown;
  try {
    for (const e of entries) {
      if (e.name === METADATA_FILE && e.isFile()) {
        const text = await readFile(join(dir, e.name), 'utf8');
        try {
          metadata = JSON.parse(text);
        } catch (err) {
          throw new Error(`output/${METADATA_FILE} is not valid JSON: ${(err as Error).message}`);
        }
        continue;
      }
      if (!e.isFile()) {
        skipped.push(e.name);
        continue;
      }
      const info = await blobs.write(createReadStream(join(dir, e.name)));
      files.push({
        name: e.name,
        blobId: info.id,
        size: info.size,
        hash: info.hash,
        contentType: guessContentType(e.name),
      });
    }
  } catch (err) {
    await discardStaged(blobs, files);
    throw err;
  }
  return { files, metadata, skipped };
}

export async function discardStaged(blobs: BlobStore, files: StagedFile[]): Promise<void> {
  await Promise.all(files.map((f) => blobs.remove(f.blobId).catch(() => undefined)));
}

/**
 * Store staged outputs on the job's destination (an analysis: as its output files) and apply
 * the metadata, in one transaction. `complete` also sets the job `complete` in it. Returns the
 * stored file docs. Throws (nothing changed) on bad metadata or a missing destination; the
 * caller then discards the staged blobs.
 */
export function commitOutputs(
  db: Db,
  job: Doc,
  staged: StagedFile[],
  rawMetadata: unknown,
  o: { complete?: boolean; profile?: Doc } = {},
): Doc[] {
  const meta = checkGearMetadata(rawMetadata);
  return db.transaction(() => {
    // the job as it is now (it may have been cancelled while its outputs were staged)
    job = getJob(db, String(job._id));
    if (job.state !== 'running')
      throw conflict(
        `job ${String(job._id)} is ${String(job.state)}, not running: outputs not saved`,
      );
    const dest = getRow(db, String(job.destination?.id ?? ''));
    if (!dest || dest.type !== job.destination?.type)
      throw notFound(
        `destination ${job.destination?.type} ${job.destination?.id} of job ${job._id} not found`,
      );
    const origin = { type: 'job', id: job._id };
    const docs = staged.map((f) => {
      const doc = fileDoc(f, outputFileMeta(meta, dest.type, f.name), String(job.origin?.id ?? ''));
      doc.origin = origin;
      putFile(db, dest.id, dest.type, 'files', doc, f.blobId);
      return doc;
    });
    applyContainerMetadata(db, dest, meta, new Set(staged.map((f) => f.name)));
    touch(db, dest.id);
    const names = [
      ...new Set([...((job.saved_files ?? []) as string[]), ...staged.map((f) => f.name)]),
    ];
    const update: Doc = {
      saved_files: names,
      produced_metadata: { ...((job.produced_metadata ?? {}) as Doc), ...meta },
      ...(o.profile ? { profile: { ...((job.profile ?? {}) as Doc), ...o.profile } } : {}),
    };
    saveJob(
      db,
      o.complete
        ? withState(job, 'complete', update)
        : { ...job, ...update, modified: docs[0]?.modified ?? job.modified },
    );
    return docs;
  })();
}
