/**
 * Node-only helpers (`@fw/api/node`): file-system sources and sinks for uploads and downloads.
 * The main entry never imports `node:` modules.
 *
 * @module @fw/api/node
 */
import { createWriteStream, openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { Writable } from 'node:stream';
import { downloadToStream, type DownloadOptions, type DownloadSource } from './streaming.js';

/** Stream a download to a file (created or truncated); resolves with the byte count. */
export async function downloadToFile(
  source: DownloadSource,
  path: string,
  options: DownloadOptions = {},
): Promise<number> {
  const sink = Writable.toWeb(createWriteStream(path)) as WritableStream<Uint8Array>;
  return downloadToStream(source, sink, options);
}

/**
 * A `File` backed by a file on disk, read lazily (never loaded into memory) and re-readable,
 * so an upload built from it can be retried. Uses `fs.openAsBlob`.
 */
export async function fileFromPath(
  path: string,
  options: { filename?: string; type?: string } = {},
): Promise<File> {
  const blob = await openAsBlob(path, options.type ? { type: options.type } : {});
  return new File([blob], options.filename ?? basename(path), { type: options.type ?? '' });
}
