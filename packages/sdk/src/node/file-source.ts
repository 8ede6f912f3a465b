/** Node implementation of FileSpec's local file source (paths → a stream of known size). */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileStream } from '@fw/api/node';
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
    // Streamed, not a file-backed Blob (`openAsBlob`): Node 20's fetch reads a FormData's Blob
    // parts ahead of the socket, so a 256 MiB upload grew the client's RSS by about 250 MiB
    // (bench/sdk-transfer.ts). A stream is pulled only as fast as the socket drains. Uploads are
    // POSTs, which are never retried, so losing replayability costs nothing. `fileStream` reads
    // 1 MiB at a time: `Readable.toWeb(createReadStream())` gave 64 KiB chunks at three times the
    // CPU per byte, which on a 2-core machine shared with the server slowed the upload.
    return { size, stream: () => fileStream(path) };
  },
};

/** Register the Node file source so `new FileSpec(path)` works. Idempotent. */
export function installNodeFileSource(): void {
  registerLocalFileSource(nodeFileSource);
}
