/** Node implementation of FileSpec's local file source (paths → file-backed Blob or stream). */
import { createReadStream, openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import {
  FileSpecError,
  registerLocalFileSource,
  type LocalFile,
  type LocalFileSource,
} from '../files/file-spec.js';

export const nodeFileSource: LocalFileSource = {
  basename: (path) => basename(path),
  async open(path: string): Promise<LocalFile> {
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new FileSpecError(
        code === 'ENOENT'
          ? `File not found: ${path}`
          : `Cannot read file ${path}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (!info.isFile()) throw new FileSpecError(`Not a regular file: ${path}`);
    const size = info.size;
    return {
      size,
      // File-backed Blob: read lazily, re-readable (so uploads stay retryable), never buffered.
      blob: typeof openAsBlob === 'function' ? () => openAsBlob(path) : undefined,
      stream: () => Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>,
    };
  },
};

/** Register the Node file source so `new FileSpec(path)` works. Idempotent. */
export function installNodeFileSource(): void {
  registerLocalFileSource(nodeFileSource);
}
