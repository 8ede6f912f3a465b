/**
 * Multipart upload bodies.
 *
 * - In-memory or lazily-read sources (`Blob`, `File`, `Uint8Array`/`Buffer`, `ArrayBuffer`) become a
 *   standard `FormData`: the runtime's fetch encodes it, and it can be replayed on retry. Blobs of
 *   more than 1 MiB in all are streamed instead where the runtime can (see `streamBlobs`).
 * - Streams (web `ReadableStream`, or any `AsyncIterable<Uint8Array>` such as a Node `Readable`)
 *   become a `StreamingMultipartBody`, encoded here by hand as a pull-based stream so a large file
 *   is never buffered. Such a body can be sent only once, so it is never retried.
 */

/** A file source accepted by `multipartBody`. */
export type FileSource =
  Blob | ArrayBuffer | ArrayBufferView | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface MultipartFile {
  file: FileSource;
  /** Stored file name. Defaults to `File.name`; required for other sources. */
  filename?: string;
  /** Part Content-Type. Defaults to the Blob's type, else `application/octet-stream`. */
  contentType?: string;
}

export interface MultipartBodyOptions extends Partial<MultipartFile> {
  /** More files (each sent as a part named `file`). */
  files?: MultipartFile[];
  /** Sent as the `metadata` part: strings as-is, anything else JSON-encoded. */
  metadata?: unknown;
}

/** A one-shot multipart body (`multipart/form-data; boundary=…`) backed by a stream. Not retryable. */
export class StreamingMultipartBody {
  readonly boundary: string;
  readonly contentType: string;
  readonly stream: ReadableStream<Uint8Array>;
  constructor(boundary: string, stream: ReadableStream<Uint8Array>) {
    this.boundary = boundary;
    this.contentType = `multipart/form-data; boundary=${boundary}`;
    this.stream = stream;
  }
}

/** What `multipartBody` returns; pass it as `body` of a multipart operation. */
export type MultipartBody = FormData | StreamingMultipartBody;

export function isReadableStream(v: unknown): v is ReadableStream<Uint8Array> {
  return typeof ReadableStream !== 'undefined' && v instanceof ReadableStream;
}

function isAsyncIterable(v: unknown): v is AsyncIterable<Uint8Array> {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/** True for sources that can only be read once (streams). */
export function isStreamSource(v: unknown): boolean {
  return isReadableStream(v) || (isAsyncIterable(v) && !(v instanceof Blob));
}

function toBytes(v: ArrayBuffer | ArrayBufferView): Uint8Array {
  return v instanceof ArrayBuffer
    ? new Uint8Array(v)
    : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function fileParts(options: MultipartBodyOptions): MultipartFile[] {
  const parts: MultipartFile[] = [];
  if (options.file !== undefined) {
    parts.push({
      file: options.file,
      filename: options.filename,
      contentType: options.contentType,
    });
  }
  parts.push(...(options.files ?? []));
  if (parts.length === 0) throw new TypeError('multipartBody: give `file` or `files`');
  return parts;
}

function resolveFilename(part: MultipartFile): string {
  const name =
    part.filename ??
    (typeof File !== 'undefined' && part.file instanceof File ? part.file.name : undefined);
  if (!name)
    throw new TypeError(
      'multipartBody: `filename` is required unless the file is a File with a name',
    );
  return name;
}

function resolveType(part: MultipartFile): string {
  return (
    part.contentType || (part.file instanceof Blob && part.file.type) || 'application/octet-stream'
  );
}

function metadataText(metadata: unknown): string {
  return typeof metadata === 'string' ? metadata : JSON.stringify(metadata);
}

/**
 * Build the body of a Flywheel upload: one part named `file` per file (its `filename` is the
 * stored name) and, when `metadata` is given, a part named `metadata` holding a JSON string.
 * The metadata part comes first so a server can read it before the file data.
 */
export function multipartBody(options: MultipartBodyOptions): MultipartBody {
  const parts = fileParts(options);
  if (!parts.some((p) => isStreamSource(p.file)) && !streamBlobs(parts)) {
    const form = new FormData();
    if (options.metadata !== undefined) form.append('metadata', metadataText(options.metadata));
    for (const part of parts) {
      const src = part.file as Blob | ArrayBuffer | ArrayBufferView;
      const type = resolveType(part);
      const blob =
        src instanceof Blob
          ? src.type === type
            ? src
            : src.slice(0, src.size, type)
          : new Blob([toBytes(src) as Uint8Array<ArrayBuffer>], { type });
      form.append('file', blob, resolveFilename(part));
    }
    return form;
  }
  return streamingMultipart(
    parts.map((p) => ({
      name: 'file',
      filename: resolveFilename(p),
      contentType: resolveType(p),
      data: p.file,
    })),
    options.metadata === undefined
      ? []
      : [{ name: 'metadata', value: metadataText(options.metadata) }],
  );
}

/** Blob bytes from which a body is streamed rather than sent as a `FormData` (where possible). */
export const STREAM_BLOBS_FROM = 1024 * 1024;

/**
 * Whether Blob parts are better streamed: in runtimes whose fetch streams request bodies over
 * HTTP/1.1 (Node, Deno, Bun; browsers cannot) and when they hold more than
 * {@link STREAM_BLOBS_FROM} bytes. Node 20's fetch held a `FormData`'s file-backed Blob in memory
 * as it went (+236 MiB RSS for a 256 MiB `fileFromPath` upload, bench/README.md); streamed, the
 * body is pulled as the socket drains and sent with `redirect: 'error'`, which keeps nothing.
 * The cost: such a body is one-shot, so never retried (uploads are POSTs, never retried anyway).
 */
function streamBlobs(parts: MultipartFile[]): boolean {
  const g = globalThis as {
    Deno?: unknown;
    Bun?: unknown;
    process?: { versions?: { node?: string } };
  };
  if (!(g.Deno || g.Bun || g.process?.versions?.node)) return false;
  const bytes = parts.reduce((n, p) => n + (p.file instanceof Blob ? p.file.size : 0), 0);
  return bytes > STREAM_BLOBS_FROM;
}

export interface StreamFilePart {
  name: string;
  filename: string;
  contentType: string;
  data: FileSource;
}

function randomBoundary(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return `----fw-api-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Encode parts as multipart/form-data, pulling file data only as fast as the consumer reads. */
export function streamingMultipart(
  files: StreamFilePart[],
  fields: { name: string; value: string }[] = [],
  boundary: string = randomBoundary(),
): StreamingMultipartBody {
  let parts: AsyncGenerator<Uint8Array> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // The encoder loads with the first pull: the boundary is known already, the code is not
        // needed until bytes are.
        parts ??= (await import('./multipart-encode.js')).encodeParts(files, fields, boundary);
        // Skip empty chunks: a pull that enqueues nothing is never called again, so the body would hang.
        for (;;) {
          const { done, value } = await parts.next();
          if (done) return controller.close();
          if (value.byteLength > 0) return controller.enqueue(value);
        }
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel(reason) {
      await parts?.throw(reason).catch(() => undefined);
    },
  });
  return new StreamingMultipartBody(boundary, stream);
}

/**
 * Convert a plain object body (as typed by the spec for multipart operations, e.g.
 * `{ file: Blob, metadata: string }`) into a multipart body. Blob/stream values become file parts
 * under their own field name; other values become text parts (non-strings JSON-encoded).
 */
export function objectToMultipart(body: Record<string, unknown>): MultipartBody {
  const entries = Object.entries(body).filter(([, v]) => v !== undefined);
  const isFile = (v: unknown): boolean => v instanceof Blob || isStreamSource(v);
  const blobs = entries.flatMap(([, v]) => (v instanceof Blob ? [{ file: v }] : []));
  if (!entries.some(([, v]) => isStreamSource(v)) && !streamBlobs(blobs)) {
    const form = new FormData();
    for (const [name, value] of entries) {
      if (value instanceof Blob) {
        const filename = typeof File !== 'undefined' && value instanceof File ? value.name : name;
        form.append(name, value, filename);
      } else {
        form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
      }
    }
    return form;
  }
  return streamingMultipart(
    entries
      .filter(([, v]) => isFile(v))
      .map(([name, v]) => ({
        name,
        filename: typeof File !== 'undefined' && v instanceof File ? v.name : name,
        contentType: (v instanceof Blob && v.type) || 'application/octet-stream',
        data: v as FileSource,
      })),
    entries
      .filter(([, v]) => !isFile(v))
      .map(([name, v]) => ({ name, value: typeof v === 'string' ? v : JSON.stringify(v) })),
  );
}

/** True when a plain object body contains a file-like value (so it must be sent as multipart). */
export function hasFileValue(body: unknown): body is Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  if (Object.getPrototypeOf(body) !== Object.prototype && Object.getPrototypeOf(body) !== null)
    return false;
  return Object.values(body).some((v) => v instanceof Blob || isStreamSource(v));
}
