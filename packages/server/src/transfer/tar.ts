/**
 * Bulk download tar (api-surface §5.5): entries are streamed one blob at a time into a
 * tar-stream pack, so memory stays bounded by stream buffers whatever the total size.
 * The returned Node Readable is pull-based: a slow client slows the blob reads.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

export interface TarEntry {
  pathInTar: string;
  blobPath: string;
  /** Must equal the blob's size (tar headers precede the data). */
  size: number;
  mtime?: Date | string | number;
}

export function createTarStream(entries: Iterable<TarEntry> | AsyncIterable<TarEntry>): Readable {
  const pack = tar.pack();
  (async () => {
    for await (const e of entries) {
      const mtime = e.mtime === undefined ? new Date() : new Date(e.mtime);
      const sink = pack.entry({
        name: e.pathInTar,
        size: e.size,
        mtime,
        mode: 0o644,
        type: 'file',
      });
      await pipeline(createReadStream(e.blobPath), sink);
    }
    pack.finalize();
  })().catch((err: unknown) => pack.destroy(err as Error));
  // Readable.from gives a genuine Node stream (tar-stream's is streamx) with pull semantics.
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}
