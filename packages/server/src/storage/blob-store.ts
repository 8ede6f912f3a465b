/**
 * Id-addressed blob store: every write gets a fresh UUID file under `<dataDir>/blobs/`.
 * Id-addressing (not content-addressing) keeps removal trivial: a file version owns its blob,
 * so there is no reference counting. Writes stream through a hash into a temp file in the same
 * directory and are renamed into place only when complete, so a reader never sees a partial
 * blob, and any failure (source error, abort, size limit) removes the temp file.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { BlobError } from './errors.js';

export type BlobSource =
  Readable | WebReadableStream<Uint8Array> | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface BlobInfo {
  id: string;
  size: number;
  /** Flywheel file-hash format: `v0-sha384-<hex>`. */
  hash: string;
}

export interface WriteOptions {
  /** Bytes; overrides the store default. Exceeding it fails the write with 413. */
  maxSize?: number;
  signal?: AbortSignal;
}

/** Inclusive byte range, as in HTTP. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStore {
  readonly dir: string;
  write(source: BlobSource, options?: WriteOptions): Promise<BlobInfo>;
  open(id: string, range?: ByteRange): Promise<Readable>;
  path(id: string): string;
  stat(id: string): Promise<{ size: number } | null>;
  remove(id: string): Promise<void>;
}

export interface BlobStoreOptions {
  dataDir: string;
  /** Default per-blob size limit in bytes (unlimited when absent). */
  maxSize?: number;
}

const ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function toReadable(source: BlobSource): Readable {
  if (source instanceof Readable) return source;
  if (typeof (source as ReadableStream).getReader === 'function')
    return Readable.fromWeb(source as WebReadableStream<Uint8Array>);
  return Readable.from(source as AsyncIterable<Uint8Array>);
}

export function createBlobStore(options: BlobStoreOptions): BlobStore {
  const dir = join(options.dataDir, 'blobs');
  mkdirSync(dir, { recursive: true });

  const path = (id: string): string => {
    // Ids are our own UUIDs; anything else could be a path-traversal attempt.
    if (!ID_RE.test(id)) throw new BlobError(`invalid blob id "${id}"`, 400);
    return join(dir, id);
  };

  async function write(source: BlobSource, opts: WriteOptions = {}): Promise<BlobInfo> {
    const id = randomUUID();
    const tmp = join(dir, `.tmp-${id}`);
    const limit = opts.maxSize ?? options.maxSize ?? Infinity;
    const hash = createHash('sha384');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > limit)
          return cb(new BlobError(`file exceeds the size limit of ${limit} bytes`, 413));
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    // Create the temp file before streaming: a write stream opening lazily could create it
    // after an early source error has already run the cleanup below. While it opens, an error
    // from the source is held (pipeline reports a stream's stored error) instead of going unhandled.
    const input = toReadable(source);
    const holdError = (): void => undefined;
    input.on('error', holdError);
    let handle;
    try {
      handle = await open(tmp, 'wx');
    } catch (err) {
      input.destroy();
      throw err;
    } finally {
      input.off('error', holdError);
    }
    try {
      await pipeline(input, meter, handle.createWriteStream(), { signal: opts.signal });
      await rename(tmp, join(dir, id));
    } catch (err) {
      await handle.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw err;
    }
    return { id, size, hash: `v0-sha384-${hash.digest('hex')}` };
  }

  async function openBlob(id: string, range?: ByteRange): Promise<Readable> {
    let handle;
    try {
      handle = await open(path(id), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new BlobError('file not found', 404);
      throw err;
    }
    // The stream owns the handle and closes it on end/error/destroy.
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async function statBlob(id: string): Promise<{ size: number } | null> {
    try {
      return { size: (await stat(path(id))).size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async function remove(id: string): Promise<void> {
    await rm(path(id), { force: true });
  }

  return { dir, write, open: openBlob, path, stat: statBlob, remove };
}
