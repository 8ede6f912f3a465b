/**
 * Multipart upload bodies for FileSpecs, built on `@fw/api`'s multipart helpers (one encoder for
 * the whole monorepo).
 *
 * - Parts: `metadata` (a JSON string, when given) first, then one part named `file` per FileSpec.
 * - In-memory specs (strings, bytes, Blobs) give a `FormData`, which `@fw/api`'s transport can
 *   replay on retry.
 * - Stream specs, local files included (the Node file source streams them: Node 20's fetch reads a
 *   file-backed Blob in a FormData ahead of the socket), give a `StreamingMultipartBody` (pulled on
 *   demand, one-shot): the transport sends it with `duplex: 'half'` and never retries it.
 * - With `onProgress`, the body is always streamed (so bytes can be counted as the transport reads
 *   them) and therefore not retryable; `total` is known when every part's size is.
 * - Where the runtime cannot stream a request body ({@link requestStreamsSupported} is false:
 *   browsers, whose fetch streams request bodies only over HTTP/2), the body is sent whole: a
 *   `FormData` of Blobs (a stream spec is read into a Blob first), and `whole` is set so that the
 *   caller reports progress at the start (0) and when the server has answered (the total), and
 *   in between from XMLHttpRequest's upload events where it can (xhr-upload.ts).
 */
import {
  multipartBody,
  streamingMultipart,
  StreamingMultipartBody,
  type FileSource,
} from '@fw/api';
import { FileSpec, type OpenedFile } from './file-spec.js';
import { requestStreamsSupported } from './request-streams.js';

export { requestStreamsSupported };

/** Progress of a transfer: bytes so far and, when known, the total. */
export interface TransferProgress {
  loaded: number;
  total?: number | undefined;
}

export type ProgressCallback = (progress: TransferProgress) => void;

export interface UploadBodyOptions {
  /** The `metadata` text field. Objects are JSON-encoded; strings are sent verbatim. */
  metadata?: string | object | null | undefined;
  /** Called with the running count of body bytes read by the transport. */
  onProgress?: ProgressCallback | undefined;
  /**
   * Whether the body may be streamed (`duplex: 'half'`); default {@link requestStreamsSupported}.
   * False sends it whole (see {@link UploadBody.whole}).
   */
  stream?: boolean | undefined;
}

export interface UploadBody {
  /**
   * Pass as the body of the multipart operation through `@fw/api` (its serializer passes both
   * kinds through and sets Content-Type / duplex). For a raw `fetch`, use {@link toFetchInit}.
   */
  body: FormData | StreamingMultipartBody;
  /** False for a one-shot streamed body: the request must not be retried. */
  retryable: boolean;
  /** Total body bytes, when computed (streamed bodies whose part sizes are all known). */
  total: number | undefined;
  /**
   * Set when the body is sent whole (runtimes without streamed request bodies) and `onProgress`
   * was given: fetch cannot report bytes as they go, so the sender reports `{ loaded: 0, total }`
   * before the request and `{ loaded: total, total }` once it is answered (with XHR upload
   * events in between when the client sends it through XMLHttpRequest).
   */
  whole?: { total: number } | undefined;
}

function randomBoundary(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return '----fw-sdk-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function source(opened: OpenedFile): FileSource {
  return opened.kind === 'blob' ? opened.blob : opened.stream;
}

async function byteLength(stream: ReadableStream<Uint8Array>): Promise<number> {
  let n = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return n;
    n += value.byteLength;
  }
}

/**
 * Build the multipart body uploading `files` (one `file` part each, in order) with an optional
 * `metadata` field. Local files are opened (and a missing one reported) before anything is sent.
 */
export async function buildMultipartBody(
  files: FileSpec | readonly FileSpec[],
  options: UploadBodyOptions = {},
): Promise<UploadBody> {
  const specs = Array.isArray(files) ? (files as readonly FileSpec[]) : [files as FileSpec];
  if (specs.length === 0) throw new TypeError('buildMultipartBody: no files to upload');
  const streaming = options.stream ?? requestStreamsSupported();
  const opened: OpenedFile[] = [];
  for (const spec of specs) {
    if (!(spec instanceof FileSpec)) {
      throw new TypeError('buildMultipartBody expects FileSpec objects (see toFileSpecs)');
    }
    const file = await spec.open();
    opened.push(streaming || file.kind === 'blob' ? file : await wholeBlob(file.stream));
  }
  const metadata =
    options.metadata === null || options.metadata === undefined
      ? undefined
      : typeof options.metadata === 'string'
        ? options.metadata
        : JSON.stringify(options.metadata);

  if (!options.onProgress || !streaming) {
    const body = multipartBody({
      files: specs.map((spec, i) => ({
        file: source(opened[i]!),
        filename: spec.name,
        contentType: spec.contentType,
      })),
      metadata,
    });
    if (!options.onProgress) {
      return { body, retryable: !(body instanceof StreamingMultipartBody), total: undefined };
    }
    // sent whole: the progress total is the files' bytes (the framing is not known before encoding)
    const total = opened.reduce((n, o) => n + (o.size ?? 0), 0);
    return { body, retryable: true, total: undefined, whole: { total } };
  }

  const boundary = randomBoundary();
  const fields = metadata === undefined ? [] : [{ name: 'metadata', value: metadata }];
  const parts = specs.map((spec, i) => ({
    name: 'file',
    filename: spec.name,
    contentType: spec.contentType,
    data: source(opened[i]!),
  }));
  let total: number | undefined;
  if (opened.every((o) => o.size !== undefined)) {
    // The framing is the same whatever the data: measure it with 1-byte placeholder parts (an
    // empty chunk would stall @fw/api's stream), then swap the placeholders for the real sizes.
    const framing = streamingMultipart(
      parts.map((p) => ({ ...p, data: new Uint8Array(1) })),
      fields,
      boundary,
    );
    total =
      (await byteLength(framing.stream)) -
      parts.length +
      opened.reduce((n, o) => n + (o.size ?? 0), 0);
  }
  const inner = streamingMultipart(parts, fields, boundary);
  let loaded = 0;
  const onProgress = options.onProgress;
  const counted = inner.stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(chunk);
        loaded += chunk.byteLength;
        onProgress({ loaded, total });
      },
    }),
  );
  return { body: new StreamingMultipartBody(boundary, counted), retryable: false, total };
}

/** Read a stream into a Blob (only where request bodies cannot be streamed). */
export async function wholeBlob(
  stream: ReadableStream<Uint8Array>,
): Promise<{ kind: 'blob'; blob: Blob; size: number }> {
  const blob = await new Response(stream).blob();
  return { kind: 'blob', blob, size: blob.size };
}

/** `fetch` init fields (body, content-type header, duplex) for sending an UploadBody directly. */
export function toFetchInit(upload: UploadBody): {
  body: FormData | ReadableStream<Uint8Array>;
  headers: Record<string, string>;
  duplex?: 'half';
} {
  if (upload.body instanceof StreamingMultipartBody) {
    return {
      body: upload.body.stream,
      headers: { 'content-type': upload.body.contentType },
      duplex: 'half',
    };
  }
  return { body: upload.body, headers: {} };
}
