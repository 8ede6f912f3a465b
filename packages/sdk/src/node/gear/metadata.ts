/**
 * What a gear records for the engine to apply after a clean exit: `output/.metadata.json`, per
 * container level (`acquisition`, `session`, `subject`, `project`, `analysis`), each with its
 * own fields (`info`, `tags`, …) and `files` (entries matched by `name`: `type`, `modality`,
 * `classification`, `info`, `tags`). Updates merge shallowly into what was recorded, as the
 * Python SDK's context does.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type MetadataLevel = 'acquisition' | 'session' | 'subject' | 'project' | 'analysis';

/** Fields of one output file's entry. */
export interface FileMetadata {
  type?: string;
  modality?: string;
  classification?: Record<string, string[]>;
  info?: Record<string, unknown>;
  tags?: string[];
  [key: string]: unknown;
}
/** Fields of one container level (not `files`: use `updateFileMetadata`). */
export interface ContainerMetadata {
  label?: string;
  info?: Record<string, unknown>;
  tags?: string[];
  [key: string]: unknown;
}

export type MetadataFile = Partial<
  Record<MetadataLevel, ContainerMetadata & { files?: (FileMetadata & { name: string })[] }>
>;

export class MetadataRecorder {
  private readonly doc: MetadataFile = {};
  private recorded = false;

  container(level: MetadataLevel, update: ContainerMetadata): void {
    if ('files' in update)
      throw new TypeError('file entries go through updateFileMetadata(name, fields), not files');
    this.doc[level] = { ...this.doc[level], ...structuredClone(update) };
    this.recorded = true;
  }

  file(level: MetadataLevel, name: string, update: FileMetadata): void {
    const entry = (this.doc[level] ??= {});
    const files = (entry.files ??= []);
    const found = files.find((f) => f.name === name);
    const copy = structuredClone(update);
    if (found) Object.assign(found, copy, { name });
    else files.push({ ...copy, name });
    this.recorded = true;
  }

  /** A copy of what was recorded so far. */
  snapshot(): MetadataFile {
    return structuredClone(this.doc);
  }

  /** Write `<outputDir>/.metadata.json` (temp file + rename); false when nothing was recorded. */
  async write(outputDir: string): Promise<boolean> {
    if (!this.recorded) return false;
    const path = join(outputDir, '.metadata.json');
    const temp = join(outputDir, `.metadata.json.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, `${JSON.stringify(this.doc, null, 2)}\n`);
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return true;
  }
}
