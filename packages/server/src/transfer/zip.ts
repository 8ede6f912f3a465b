/**
 * Zip inspection for `?info=true` and `?member=` downloads (api-surface §5.6), with yauzl
 * reading only the central directory and the one member's compressed bytes.
 */
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { guessContentType } from './content-type.js';
import { TransferError } from './errors.js';

export interface ZipMemberInfo {
  path: string;
  size: number;
  /** The member's naive DOS time, written as ISO with `+00:00` like the reference. */
  timestamp: string;
  comment: string;
}

export interface ZipInfo {
  comment: string;
  members: ZipMemberInfo[];
}

async function openZip(path: string): Promise<ZipFile> {
  try {
    return await yauzl.openPromise(path, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: true,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    throw new TransferError('not a zip file', 400);
  }
}

/** Visit entries one by one; `visit` returns true to stop early. */
function walk(zip: ZipFile, visit: (e: Entry) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    zip.on('entry', (e: Entry) => (visit(e) ? resolve() : zip.readEntry()));
    zip.on('end', () => resolve());
    zip.on('error', () => reject(new TransferError('not a zip file', 400)));
    zip.readEntry();
  });
}

function dosTimestamp(e: Entry): string {
  // timezone 'UTC' reads the DOS fields as-is; Python reports them naive, suffixed +00:00.
  const d = e.getLastModDate({ forceDosFormat: true, timezone: 'UTC' });
  return d.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export async function zipInfo(path: string): Promise<ZipInfo> {
  const zip = await openZip(path);
  try {
    const members: ZipMemberInfo[] = [];
    await walk(zip, (e) => {
      members.push({
        path: e.fileName,
        size: e.uncompressedSize,
        timestamp: dosTimestamp(e),
        comment: e.fileComment,
      });
      return false;
    });
    return { comment: zip.comment, members };
  } finally {
    zip.close();
  }
}

export interface ZipMemberStream {
  stream: Readable;
  size: number;
  contentType: string;
}

export async function openZipMember(path: string, member: string): Promise<ZipMemberStream> {
  const zip = await openZip(path);
  try {
    let found: Entry | undefined;
    await walk(zip, (e) => {
      if (e.fileName === member && !e.fileName.endsWith('/')) found = e;
      return found !== undefined;
    });
    if (!found) throw new TransferError('zip file contains no such member', 400);
    const entry = found;
    const stream = await new Promise<Readable>((resolve, reject) =>
      zip.openReadStream(entry, (err, s) =>
        err ? reject(new TransferError('not a zip file', 400)) : resolve(s),
      ),
    );
    return {
      stream,
      size: entry.uncompressedSize,
      contentType: guessContentType(member),
    };
  } finally {
    // yauzl reference-counts the file descriptor: it stays open until the member stream ends.
    zip.close();
  }
}
