/**
 * Stream a fetch Response to a file atomically: write a temp file in the destination directory
 * (through `@fw/api/node`'s `writeFileAtomic`: a synchronous write per chunk, background
 * flushes), verify the byte count, fsync, then rename over the destination. On any failure the
 * temp file is removed and the destination (including a pre-existing file) is left untouched.
 */
import { randomBytes } from 'node:crypto';
import { stat, access, constants } from 'node:fs/promises';
import { writeFileAtomic } from '@fw/api/node';
import { basename, dirname, join, resolve } from 'node:path';
import { assertOkResponse, iterateResponseBody, type ReadOptions } from '../files/download.js';
import { DownloadError } from '../files/download-error.js';

export interface DownloadResult {
  /** Absolute destination path. */
  path: string;
  /** Bytes written. */
  bytes: number;
}

/**
 * Check that `dest` can be written: its directory exists (and is writable) and `dest` is not a
 * directory. Call before sending the request. Returns the absolute destination path.
 */
export async function prepareDestination(dest: string): Promise<string> {
  if (typeof dest !== 'string' || dest === '') {
    throw new DownloadError('Download destination path is required');
  }
  const abs = resolve(dest);
  const dir = dirname(abs);
  let dirInfo;
  try {
    dirInfo = await stat(dir);
  } catch {
    throw new DownloadError(`Destination directory does not exist: ${dir}`, { path: abs });
  }
  if (!dirInfo.isDirectory()) {
    throw new DownloadError(`Destination directory is not a directory: ${dir}`, { path: abs });
  }
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new DownloadError(`Destination directory is not writable: ${dir}`, { path: abs });
  }
  try {
    if ((await stat(abs)).isDirectory()) {
      throw new DownloadError(`Destination is a directory, expected a file path: ${abs}`, {
        path: abs,
      });
    }
  } catch (err) {
    if (err instanceof DownloadError) throw err;
    // Does not exist yet: fine.
  }
  return abs;
}

/** Temp file name used next to `abs` while downloading. */
function tempPathFor(abs: string): string {
  return join(dirname(abs), `.${basename(abs)}.${randomBytes(6).toString('hex')}.fwdownload`);
}

/**
 * Download to `dest`. `source` is a Response, or a function that sends the request (called only
 * after the destination has been checked, so a bad destination fails before any request).
 */
export async function downloadToFile(
  source: Response | (() => Promise<Response>),
  dest: string,
  options: ReadOptions = {},
): Promise<DownloadResult> {
  let abs: string;
  try {
    abs = await prepareDestination(dest);
  } catch (err) {
    if (typeof source !== 'function') await source.body?.cancel().catch(() => undefined);
    throw err;
  }
  options.signal?.throwIfAborted();
  const response = typeof source === 'function' ? await source() : source;
  await assertOkResponse(response, abs);

  try {
    // One writer for @fw/api and the SDK: each chunk is written before the next is read,
    // flushed in the background every 64 MiB and fsynced before the rename.
    const bytes = await writeFileAtomic(
      abs,
      iterateResponseBody(response, { ...options, path: abs }),
      {
        tempPath: tempPathFor(abs),
        signal: options.signal,
      },
    );
    return { path: abs, bytes };
  } catch (err) {
    await response.body?.cancel().catch(() => undefined);
    if ((err as NodeJS.ErrnoException)?.syscall === 'open' && (err as NodeJS.ErrnoException).path) {
      throw new DownloadError(
        `Cannot create temporary file ${(err as NodeJS.ErrnoException).path}: ${(err as Error).message}`,
        { path: abs, cause: err },
      );
    }
    if (err instanceof DownloadError || (err as Error)?.name === 'AbortError') throw err;
    if (options.signal?.aborted && err === options.signal.reason) throw err;
    throw new DownloadError(`Download to ${abs} failed: ${(err as Error)?.message ?? err}`, {
      path: abs,
      cause: err,
    });
  }
}
