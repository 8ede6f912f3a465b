/**
 * The gear folder of one job (the local `/flywheel/v0`): `config.json`, `manifest.json`,
 * `input/<input name>/<file name>`, an empty `output/` and `work/`. config.json has Flywheel's
 * shape: `{config, inputs, destination, job}`, inputs by base (file, api-key, context).
 */
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { getRow, type Doc } from '../db/containers.js';
import { getFile } from '../db/files.js';
import type { Db } from '../db/open.js';
import type { BlobStore } from '../storage/index.js';
import { lookupContextValue } from './context-values.js';

export interface GearFolder {
  dir: string;
  outputDir: string;
  workDir: string;
}

/** The fields of a file entry a gear sees as `inputs.<name>.object`. */
function fileObject(f: Doc): Doc {
  const out: Doc = {
    file_id: f.file_id,
    version: f.version,
    type: f.type ?? null,
    mimetype: f.mimetype ?? null,
    modality: f.modality ?? null,
    classification: f.classification ?? {},
    tags: f.tags ?? [],
    info: f.info ?? {},
    size: f.size ?? 0,
  };
  if (f.zip_member_count !== undefined) out.zip_member_count = f.zip_member_count;
  return out;
}

/**
 * Lay out a fresh gear folder under `workRoot`. `apiKey()` is called only when the manifest has
 * an api-key input (so a key is issued only for gears that ask for one).
 */
export async function layOutGearFolder(
  db: Db,
  blobs: BlobStore,
  o: { workRoot: string; job: Doc; manifest: Doc; apiKey: () => string },
): Promise<GearFolder> {
  const { job, manifest } = o;
  const dir = await mkdtemp(join(resolve(o.workRoot), `fw-job-${String(job._id)}-`));
  const folder = { dir, outputDir: join(dir, 'output'), workDir: join(dir, 'work') };
  await Promise.all([mkdir(folder.outputDir), mkdir(folder.workDir), mkdir(join(dir, 'input'))]);
  const inputs: Doc = {};
  for (const [name, ref] of Object.entries((job.inputs ?? {}) as Record<string, Doc>)) {
    const row = getFile(db, String(ref.id), 'files', String(ref.name));
    if (!row?.blob_id)
      throw new Error(`input "${name}": file ${ref.name} is no longer in ${ref.type} ${ref.id}`);
    const path = join(dir, 'input', name, String(ref.name));
    await mkdir(dirname(path), { recursive: true });
    await copyFile(blobs.path(row.blob_id), path);
    inputs[name] = {
      base: 'file',
      hierarchy: { type: ref.type, id: ref.id },
      location: { path, name: ref.name },
      object: fileObject(JSON.parse(row.doc) as Doc),
    };
  }
  const dest = getRow(db, String(job.destination?.id ?? ''));
  for (const [name, spec] of Object.entries((manifest.inputs ?? {}) as Record<string, Doc>)) {
    if (spec?.base === 'api-key') inputs[name] = { base: 'api-key', key: o.apiKey() };
    else if (spec?.base === 'context') {
      const v = dest ? lookupContextValue(db, dest, name) : { found: false };
      inputs[name] = v.found
        ? { base: 'context', found: true, value: v.value }
        : { base: 'context', found: false };
    }
  }
  const config = {
    config: job.config ?? {},
    inputs,
    destination: { type: job.destination?.type, id: job.destination?.id },
    job: { id: job._id },
  };
  // mode 600: config.json may hold the job's api key
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2), { mode: 0o600 });
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return folder;
}
