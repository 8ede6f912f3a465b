/**
 * Streaming multipart/form-data upload parsing (api-surface §5.4). Every part with a filename
 * is a file, whatever its field name, and is streamed straight into the blob store; the
 * `metadata` field is parsed as JSON. The request is all-or-nothing: on any failure every blob
 * already written for it is removed before the error propagates, so the caller never has to
 * clean up and no half-written file record can point at a missing or partial blob.
 */
import busboy from 'busboy';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { BlobStore } from '../storage/index.js';
import { guessContentType } from './content-type.js';
import { TransferError } from './errors.js';
import { safeFileName } from './filename.js';

export interface UploadedFile {
  /** The form field the file came in (informational: field names do not matter). */
  field: string;
  /** Sanitised name (basename, or relative path with filenamePath). */
  name: string;
  blobId: string;
  size: number;
  hash: string;
  /** The part's declared type; guessed from the name when it is absent or octet-stream. */
  contentType: string;
}

export interface UploadResult {
  files: UploadedFile[];
  /** Parsed `metadata` field; undefined when absent. */
  metadata: unknown;
  /** Other non-file fields, last value wins. */
  fields: Record<string, string>;
}

export interface UploadOptions {
  minFiles?: number;
  maxFiles?: number;
  /** Keep sub-paths in file names (`?filename_path=true`). */
  filenamePath?: boolean;
  /** Per-file byte limit (413). */
  maxFileSize?: number;
  /** Per-field byte limit for `metadata` and other fields (default 16 MiB). */
  maxFieldSize?: number;
  /** Most bytes of a rejected body read and dropped before answering; default 8 MiB. */
  maxUnreadBody?: number;
}

type HeadersLike = Headers | Record<string, string | string[] | undefined>;

function plainHeaders(h: HeadersLike): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof (h as Headers).forEach === 'function' && typeof (h as Headers).get === 'function') {
    (h as Headers).forEach((v, k) => (out[k.toLowerCase()] = v));
  } else {
    for (const [k, v] of Object.entries(h))
      if (v !== undefined) out[k.toLowerCase()] = ([] as string[]).concat(v).join(', ');
  }
  return out;
}

function fileCountMessage(min: number, max: number): string {
  if (min === max)
    return min === 1 ? 'exactly one file is required' : `exactly ${min} files are required`;
  return max === Infinity
    ? `at least ${min} file(s) required`
    : `between ${min} and ${max} files are allowed`;
}

export async function parseMultipartUpload(
  body: Readable | WebReadableStream<Uint8Array> | ReadableStream<Uint8Array>,
  headers: HeadersLike,
  store: BlobStore,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const minFiles = options.minFiles ?? 0;
  const maxFiles = options.maxFiles ?? Infinity;
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: plainHeaders(headers),
      preservePath: true, // we reduce names ourselves (busboy would hide `..` tricks)
      defParamCharset: 'utf8',
      limits: { fieldSize: options.maxFieldSize ?? 16 * 1024 * 1024 },
    });
  } catch (err) {
    throw new TransferError(`expected a multipart/form-data body: ${(err as Error).message}`, 400);
  }
  const input =
    body instanceof Readable ? body : Readable.fromWeb(body as WebReadableStream<Uint8Array>);

  let failure: unknown = null;
  const fail = (err: unknown) => {
    failure ??= err;
    parser.destroy(err as Error); // also destroys the file part being streamed
  };
  const writes: Promise<UploadedFile>[] = [];
  const fields: Record<string, string> = {};
  let metadata: unknown;
  let fileCount = 0;

  parser.on('file', (field, stream, info) => {
    fileCount++;
    // Destroying the parser destroys this stream with our error; keep that from going unhandled
    // when we reject the part before anything consumes it.
    stream.on('error', () => {});
    if (fileCount > maxFiles)
      return fail(new TransferError(fileCountMessage(minFiles, maxFiles), 400));
    let name: string;
    try {
      name = safeFileName(info.filename ?? '', options.filenamePath);
    } catch (err) {
      return fail(err);
    }
    const declared = info.mimeType;
    const contentType =
      !declared || declared === 'application/octet-stream' ? guessContentType(name) : declared;
    const write = store
      .write(stream, options.maxFileSize === undefined ? {} : { maxSize: options.maxFileSize })
      .then((b) => ({ field, name, blobId: b.id, size: b.size, hash: b.hash, contentType }));
    write.catch(fail);
    writes.push(write);
  });

  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) return fail(new TransferError(`field "${name}" is too large`, 413));
    if (name !== 'metadata') {
      fields[name] = value;
      return;
    }
    if (metadata !== undefined)
      return fail(new TransferError('field "metadata" given more than once', 400));
    try {
      metadata = JSON.parse(value);
    } catch {
      fail(new TransferError('wrong format for field "metadata"', 400));
    }
  });

  // Not `pipeline`: on a rejection it would destroy the request, and with it the socket the
  // answer has to go out on (the client saw ECONNRESET instead of its 400). The request is
  // unpiped instead, and the rest of its body read and dropped (bounded) before answering.
  const onInputError = (err: Error) => parser.destroy(err);
  // a client that goes away without an error event (premature close) must not leave us waiting
  const onInputClose = () => {
    if (!input.readableEnded) parser.destroy(new Error('request body cut short'));
  };
  input.once('error', onInputError);
  input.once('close', onInputClose);
  if (input.readableEnded)
    parser.end(); // nothing left to read: pipe() would never end it
  else if (input.destroyed) parser.destroy(new Error('request body cut short'));
  else input.pipe(parser);
  try {
    await finished(parser);
  } catch (err) {
    // Our own failure wins; otherwise the body was cut short or malformed.
    failure ??= (err as { status?: number }).status
      ? err
      : new TransferError(`malformed multipart body: ${(err as Error).message}`, 400);
  } finally {
    input.unpipe(parser);
    input.off('error', onInputError);
    input.off('close', onInputClose);
  }
  if (failure) await drainRest(input, options.maxUnreadBody ?? MAX_DRAIN);
  const settled = await Promise.allSettled(writes);
  if (!failure && fileCount < minFiles)
    failure = new TransferError(fileCountMessage(minFiles, maxFiles), 400);
  const files = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failure) {
    await Promise.all(files.map((f) => store.remove(f.blobId)));
    throw failure;
  }
  return { files, metadata, fields };
}

/** The most of a rejected upload's remaining body that is read and dropped before answering. */
const MAX_DRAIN = 8 * 1024 * 1024;

/**
 * Read and drop what is left of a rejected request body, so that its answer reaches the client
 * and the connection stays usable. Past `limit` bytes it stops reading and the caller's answer
 * closes the connection (`Connection: close`); a client that stalls is cut by the server's
 * idle timeout.
 */
async function drainRest(input: Readable, limit: number): Promise<void> {
  if (input.readableEnded || input.destroyed) return;
  await new Promise<void>((resolve) => {
    let seen = 0;
    const done = () => {
      input.off('data', onData);
      input.off('end', done);
      input.off('error', done);
      input.off('close', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) {
        input.pause();
        done();
      }
    };
    input.on('data', onData);
    input.once('end', done);
    input.once('error', done);
    input.once('close', done);
    input.resume();
  });
}
