/**
 * Node-only helpers (`@fw/api/node`): file-system sources and sinks for uploads and downloads.
 * The main entry never imports `node:` modules.
 *
 * @module @fw/api/node
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { openAsBlob, writeSync } from 'node:fs';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { MultipartFile } from './multipart.js';
import { responseBodyStream, type DownloadOptions, type DownloadSource } from './streaming.js';

const MiB = 1024 * 1024;

/**
 * A highWaterMark for a Node `Writable` given to {@link downloadToWritable} or
 * {@link writeChunks}: large enough that queued chunks go out in one `writev`, small enough that
 * a slow sink holds the download back instead of the client's memory.
 */
export const FILE_WRITE_AHEAD = 1 * MiB;

/** Read size of {@link fileStream}: 1 MiB reads cost a fifth of the CPU of 64 KiB ones. */
const READ_CHUNK = 1 * MiB;

/** While a download runs, flush to disk every this many bytes, so the final fsync is short. */
const SYNC_EVERY = 64 * MiB;

/**
 * A stream of a file's bytes, read with positioned 1 MiB reads as the consumer pulls (two
 * chunks ahead at most, so the disk read overlaps the socket write). Cancelling it closes the
 * file. Each call opens the file afresh.
 */
export function fileStream(
  path: string,
  options: { chunkSize?: number } = {},
): ReadableStream<Uint8Array> {
  const size = options.chunkSize ?? READ_CHUNK;
  let handle: FileHandle | undefined;
  let position = 0;
  const close = async (): Promise<void> => {
    const h = handle;
    handle = undefined;
    await h?.close().catch(() => undefined);
  };
  return new ReadableStream<Uint8Array>(
    {
      async start() {
        handle = await open(path, 'r');
      },
      async pull(controller) {
        try {
          // a fresh buffer each time: the consumer (undici, a multipart encoder) may keep it
          const buf = Buffer.allocUnsafe(size);
          const { bytesRead } = await handle!.read(buf, 0, size, position);
          if (bytesRead === 0) {
            await close();
            controller.close();
            return;
          }
          position += bytesRead;
          controller.enqueue(bytesRead < size ? buf.subarray(0, bytesRead) : buf);
        } catch (err) {
          await close();
          controller.error(err);
        }
      },
      cancel: close,
    },
    { highWaterMark: 2 },
  );
}

/**
 * A multipart file part streamed from disk, for `multipartBody({ files: [part] })` or
 * `multipartBody({ ...part, metadata })`: read as the socket drains (see {@link fileStream}),
 * never held in memory. One-shot: build a new part for every request.
 */
export async function fileStreamFromPath(
  path: string,
  options: { filename?: string; type?: string } = {},
): Promise<MultipartFile & { file: ReadableStream<Uint8Array>; filename: string; size: number }> {
  const info = await stat(path); // a missing file fails here, before any request
  if (!info.isFile()) throw new TypeError(`fileStreamFromPath: not a regular file: ${path}`);
  return {
    file: fileStream(path),
    filename: options.filename ?? basename(path),
    ...(options.type ? { contentType: options.type } : {}),
    size: info.size,
  };
}

/**
 * A `File` backed by a file on disk, read lazily and re-readable. `multipartBody` streams a
 * large Blob in runtimes that can stream request bodies (Node), so this no longer holds the file
 * in memory on upload; {@link fileStreamFromPath} is the faster source for big files.
 */
export async function fileFromPath(
  path: string,
  options: { filename?: string; type?: string } = {},
): Promise<File> {
  const blob = await openAsBlob(path, options.type ? { type: options.type } : {});
  return new File([blob], options.filename ?? basename(path), { type: options.type ?? '' });
}

/**
 * Write `chunks` into a Node `Writable`, taking the next chunk only while the writable's buffer
 * is below its highWaterMark, so at most about highWaterMark + one chunk is read ahead of what
 * the sink has taken, however slow it is. Ends the writable and waits for it to finish. On a
 * failure the writable is destroyed (as `stream.pipeline` does) and the source cancelled.
 */
export async function writeChunks(
  chunks: AsyncIterable<Uint8Array>,
  sink: Writable,
  options: { signal?: AbortSignal | undefined; onChunk?: (bytes: number) => void } = {},
): Promise<number> {
  const { signal, onChunk } = options;
  // Listen from the start, so a sink failure while we wait on the socket is caught. (Not
  // `finished()`: it waits for 'close', which a WriteStream with autoClose: false never emits.)
  let finishedOk = false;
  const failed = new Promise<never>((_, reject) => {
    sink.once('finish', () => (finishedOk = true));
    sink.once('error', reject);
    sink.once('close', () => {
      if (!finishedOk) reject(new Error('the destination stream closed before the download ended'));
    });
  });
  failed.catch(() => undefined);
  const until = async (event: string): Promise<void> => {
    const stop = new AbortController();
    try {
      await Promise.race([once(sink, event, { signal: stop.signal }), failed]);
    } finally {
      stop.abort();
    }
  };
  let bytes = 0;
  try {
    signal?.throwIfAborted();
    for await (const chunk of chunks) {
      signal?.throwIfAborted();
      bytes += chunk.byteLength;
      onChunk?.(bytes);
      if (!sink.write(chunk)) await until('drain');
    }
    signal?.throwIfAborted();
    const finish = until('finish');
    sink.end();
    await finish;
    return bytes;
  } catch (err) {
    sink.destroy(err as Error);
    throw err;
  }
}

/** The body's chunks; cancelled when `signal` aborts or the consumer stops early. */
async function* chunksOf(
  source: DownloadSource,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  const reader = responseBodyStream(source).getReader();
  const onAbort = (): void => void reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  let ended = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        return;
      }
      yield value;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!ended) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** Pipe a download into a Node `Writable` with bounded read-ahead (see {@link writeChunks}). */
export async function downloadToWritable(
  source: DownloadSource,
  sink: Writable,
  options: DownloadOptions = {},
): Promise<number> {
  return writeChunks(chunksOf(source, options.signal), sink, {
    signal: options.signal,
    onChunk: options.onProgress,
  });
}

/** Write all of `chunk` at the file's current offset (a write may take less than it is given). */
function writeAll(fd: number, chunk: Uint8Array): void {
  let done = 0;
  while (done < chunk.byteLength) done += writeSync(fd, chunk, done, chunk.byteLength - done);
}

/**
 * Write `chunks` to `path` atomically: into a temp file beside it (`tempPath`, default
 * `.<name>.<random>.part`), flushed to disk (fsync) and renamed over `path` only when complete.
 * On any failure the temp file is removed and `path`, including an older file there, is left as
 * it was.
 *
 * Each chunk is written with a synchronous `write` as it arrives, before the next one is read.
 * A write into the page cache takes microseconds, and skipping the thread-pool round trip of an
 * async write per chunk is what brings a download to the socket's speed (see bench/README.md).
 * It also bounds memory with no buffer at all: a slow disk stops the reading. While writing,
 * every 64 MiB is flushed in the background (`fdatasync`), so the final fsync only has the tail
 * left; see the README for what it costs.
 */
export async function writeFileAtomic(
  path: string,
  chunks: AsyncIterable<Uint8Array>,
  options: {
    signal?: AbortSignal | undefined;
    onProgress?: (bytes: number) => void;
    tempPath?: string;
  } = {},
): Promise<number> {
  const { signal, onProgress } = options;
  const abs = resolve(path);
  const tmp =
    options.tempPath ??
    join(dirname(abs), `.${basename(abs)}.${randomBytes(6).toString('hex')}.part`);
  const handle = await open(tmp, 'wx', 0o666);
  let syncing: Promise<void> | undefined;
  let syncedAt = 0;
  let bytes = 0;
  try {
    signal?.throwIfAborted();
    for await (const chunk of chunks) {
      signal?.throwIfAborted();
      writeAll(handle.fd, chunk);
      bytes += chunk.byteLength;
      onProgress?.(bytes);
      if (!syncing && bytes - syncedAt >= SYNC_EVERY) {
        syncedAt = bytes;
        syncing = handle.datasync().finally(() => (syncing = undefined));
      }
    }
    signal?.throwIfAborted();
    await syncing;
    await handle.sync();
    await handle.close();
    await rename(tmp, abs);
    return bytes;
  } catch (err) {
    await syncing?.catch(() => undefined);
    await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/**
 * Stream a download to a file atomically (see {@link writeFileAtomic}): the file appears, whole
 * and flushed to disk, only when the body has been read to its end; resolves with the byte count.
 */
export async function downloadToFile(
  source: DownloadSource,
  path: string,
  options: DownloadOptions = {},
): Promise<number> {
  const body = chunksOf(source, options.signal);
  try {
    return await writeFileAtomic(path, body, options);
  } catch (err) {
    // a failure to create the temp file leaves the body unread: release the connection
    await responseBodyStream(source)
      .cancel(err)
      .catch(() => undefined);
    throw err;
  }
}
