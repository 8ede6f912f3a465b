/**
 * The two upload flows behind every SDK upload, chosen per client from the site's `/config`:
 *
 * - **signed-URL flow** (`signed_url` or `features.signed_url` is on, and the operation is a
 *   container file upload or an analysis output upload): per file, create a ticket
 *   (`POST …/files?ticket=` with `{ metadata, filenames }`), PUT the bytes to the storage URL(s)
 *   the ticket names with the ticket's headers and no API key, then close the ticket
 *   (`POST …/files?ticket=<t>`, with `{ multipart: { e_tags, upload_id } }` when the bytes went
 *   up in several parts). If anything between create and close fails, the ticket is closed
 *   without a multipart body, which the server refuses without saving anything (so no ticket is
 *   left open and no partial file appears), and the original error is thrown.
 * - **multipart flow** otherwise: one `multipart/form-data` POST holding all files.
 *
 * Both stream: a local file or a stream is read as the socket drains, never held whole.
 * Where request bodies cannot be streamed (browsers), bodies go whole; with `onProgress` and no
 * custom `fetch`, they go through XMLHttpRequest for progress as the bytes leave (xhr-upload.ts).
 * Runtime neutral (no `node:` imports).
 */
import {
  ApiConnectionError,
  createApiError,
  errorCode,
  errorMessages,
  type FetchLike,
  type OperationInfo,
} from '@fw/api';
import { FileSpec, toFileSpecs, type FileSpecInput, type OpenedFile } from './file-spec.js';
import {
  buildMultipartBody,
  requestStreamsSupported,
  wholeBlob,
  type ProgressCallback,
} from './upload.js';
import { inFlightProgress, markXhrUpload, sendWithXhr } from './xhr-upload.js';

/** What the upload flows need from the client (implemented by `ClientCore`). */
export interface UploadHost {
  _info(op: string): Promise<OperationInfo>;
  _send(
    info: OperationInfo,
    path: readonly string[],
    init: {
      query?: object | undefined;
      body?: unknown;
      headers?: Record<string, string>;
      extra?: Record<string, unknown>;
    },
  ): Promise<any>;
  callOp(name: string, ...args: unknown[]): Promise<any>;
  /** @internal the fetch used for storage PUTs (the client's own, without the API's headers). */
  readonly _rawFetch?: FetchLike | undefined;
  /**
   * @internal Whether the client's transport sends uploads marked by `markXhrUpload` through
   * XMLHttpRequest (browsers with no custom fetch); storage PUTs then use XHR too.
   */
  readonly _xhrUploads?: boolean | undefined;
}

/** Options every upload accepts besides the operation's query parameters. */
export interface UploadFlowOptions {
  /**
   * File metadata (`type`, `modality`, `classification`, `info`, `tags`): one object applied to
   * each file, an array with one object per file, or a JSON string.
   */
  metadata?: Record<string, unknown> | Record<string, unknown>[] | string | null | undefined;
  /** Progress over all files: bytes sent so far and the total when every size is known. */
  onProgress?: ProgressCallback | undefined;
  signal?: AbortSignal | undefined;
  [query: string]: unknown;
}

/** The site configuration fields the upload flow reads. */
interface SiteConfig {
  signed_url?: boolean;
  features?: { signed_url?: boolean } | null;
}

/** `/config`, fetched once per client and kept (a failed fetch is retried next time). */
const configs = new WeakMap<object, Promise<SiteConfig>>();

/** @internal The client's `/config` answer, fetched at most once (successfully) per client. */
export function siteConfig(host: UploadHost): Promise<SiteConfig> {
  let pending = configs.get(host);
  if (!pending) {
    pending = (host.callOp('get_config') as Promise<SiteConfig>).then(
      (c) => (c && typeof c === 'object' ? c : {}),
      (err: unknown) => {
        configs.delete(host);
        throw err;
      },
    );
    configs.set(host, pending);
  }
  return pending;
}

/** Whether a `/config` answer turns the signed-URL flow on. */
export function signedUrlsEnabled(config: SiteConfig | undefined): boolean {
  return config?.signed_url === true || config?.features?.signed_url === true;
}

/** Operations that take the signed-URL flow when the site offers it (as in the v21 SDK). */
export function isSignedCapable(op: string): boolean {
  return /^upload_file_to_[a-z]+$/.test(op) || /^upload_output_to_([a-z]+_)?analysis$/.test(op);
}

const isAnalysisUpload = (op: string) => op.startsWith('upload_output_to_');

/** Metadata for the i-th of n files: its own object (copied), never the caller's shared one. */
export function metadataFor(
  metadata: UploadFlowOptions['metadata'],
  index: number,
  count: number,
  filename: string,
  size: number | undefined,
): Record<string, unknown> {
  let value: unknown = metadata ?? {};
  if (typeof value === 'string') {
    try {
      value = value.trim() === '' ? {} : JSON.parse(value);
    } catch (err) {
      throw new TypeError(`upload: metadata is not valid JSON (${(err as Error).message})`);
    }
  }
  if (Array.isArray(value)) {
    if (value.length !== count) {
      throw new TypeError(
        `upload: a metadata list needs one entry per file (${value.length} entries for ${count} files)`,
      );
    }
    value = value[index] ?? {};
  } else if (count > 1) {
    // one object for several files: each file gets a copy named after itself
    value = { ...(value as object), name: filename };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError('upload: metadata must be an object (or one object per file)');
  }
  const own: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (own['name'] === undefined) own['name'] = filename;
  if (own['size'] === undefined && size !== undefined) own['size'] = size;
  return own;
}

/**
 * Run an upload operation: the signed-URL flow when the site has it on and the operation takes
 * it, the multipart POST otherwise. Resolves to the operation's JSON answer (for file uploads,
 * the saved files' JSON).
 */
export async function runUpload(
  host: UploadHost,
  spec: {
    op: string;
    path: readonly string[];
    file: FileSpecInput | FileSpecInput[];
    query?: UploadFlowOptions | undefined;
  },
): Promise<unknown> {
  const info = await host._info(spec.op);
  const specs = toFileSpecs(spec.file);
  if (specs.length === 0) throw new TypeError(`${info.id}: no file given`);
  if (isSignedCapable(spec.op) && signedUrlsEnabled(await siteConfig(host))) {
    return signedUpload(host, info, spec.path, specs, spec.query ?? {});
  }
  return multipartUpload(host, info, spec.path, specs, spec.query ?? {});
}

async function multipartUpload(
  host: UploadHost,
  info: OperationInfo,
  path: readonly string[],
  specs: FileSpec[],
  query: UploadFlowOptions,
): Promise<unknown> {
  const { metadata, onProgress } = query;
  const mp = await buildMultipartBody(specs, {
    ...(metadata !== undefined && metadata !== null ? { metadata } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  const whole = mp.whole && onProgress ? { total: mp.whole.total, onProgress } : undefined;
  if (whole) whole.onProgress({ loaded: 0, total: whole.total });
  // Sent whole through XHR (browsers): progress as the body leaves, in bytes of the files.
  let last = 0;
  const mark =
    whole && host._xhrUploads
      ? markXhrUpload((sent, bodyTotal) => {
          const loaded = inFlightProgress(sent, bodyTotal, whole.total);
          if (loaded <= last) return; // monotonic, also if an attempt is sent again
          last = loaded;
          whole.onProgress({ loaded, total: whole.total });
        })
      : undefined;
  let answer: unknown;
  try {
    answer = await host._send(info, path, {
      query,
      body: mp.body,
      ...(mark ? { headers: mark.headers } : {}),
      extra: mp.retryable ? {} : { maxRetries: 0 },
    });
  } finally {
    mark?.release();
  }
  if (whole) whole.onProgress({ loaded: whole.total, total: whole.total });
  return answer;
}

/** An upload ticket (`UploadTicketOutput`). */
interface Ticket {
  ticket: string;
  urls: Record<string, string | string[]>;
  headers?: Record<string, string>;
}

async function signedUpload(
  host: UploadHost,
  info: OperationInfo,
  path: readonly string[],
  specs: FileSpec[],
  query: UploadFlowOptions,
): Promise<unknown[]> {
  const { metadata, onProgress, signal } = query;
  const fetchImpl = host._rawFetch ?? ((req: Request) => globalThis.fetch(req));
  const sizes = await Promise.all(specs.map((s) => s.size()));
  const total = sizes.every((s) => s !== undefined)
    ? sizes.reduce<number>((a, b) => a + b!, 0)
    : undefined;
  let done = 0;
  const progress = onProgress
    ? (n: number) => {
        done += n;
        onProgress({ loaded: done, ...(total !== undefined ? { total } : {}) });
      }
    : undefined;
  // `ticket` is the flow's own; the caller's other query parameters (preserve_metadata …) go on both POSTs
  const { ticket: _ignored, ...rest } = query;
  const saved: unknown[] = [];
  for (const [i, fileSpec] of specs.entries()) {
    const filename = fileSpec.name;
    const own = metadataFor(metadata, i, specs.length, filename, sizes[i]);
    const ticket = (await host._send(info, path, {
      query: { ...rest, ticket: '' },
      body: { metadata: isAnalysisUpload(info.id) ? [own] : own, filenames: [filename] },
      headers: { Accept: 'application/json' },
    })) as Ticket | undefined;
    if (!ticket || typeof ticket.ticket !== 'string') {
      throw new Error(`${info.id}: the server answered the ticket request without a ticket`);
    }
    const close = (body?: unknown, withSignal = true) => {
      const { signal: _signal, ...noSignal } = rest;
      return host._send(info, path, {
        query: { ...(withSignal ? rest : noSignal), ticket: ticket.ticket },
        ...(body !== undefined ? { body } : {}),
        headers: { Accept: 'application/json' },
      });
    };
    let multipart: { e_tags: string[]; upload_id?: string } | undefined;
    try {
      const urls = ticket.urls?.[filename];
      if (!urls) throw new Error(`${info.id}: the upload ticket has no URL for "${filename}"`);
      multipart = await putToStorage(fetchImpl, urls, ticket.headers ?? {}, {
        fileSpec,
        size: sizes[i],
        ...(progress ? { onProgress: progress } : {}),
        ...(signal ? { signal } : {}),
        ...(host._xhrUploads ? { xhr: true } : {}),
      });
    } catch (err) {
      // Close without the parts (and without the caller's signal, which may be what aborted):
      // the server refuses to save a file whose bytes it lacks. Its answer (an error) is not
      // the caller's concern; the original error is.
      await close(undefined, false).catch(() => undefined);
      throw err;
    }
    const result = await close(multipart ? { multipart } : undefined);
    if (Array.isArray(result)) saved.push(...result);
  }
  return saved;
}

/** Error of a storage PUT; its message names the storage host, never the signed query. */
function storageError(response: Response, url: string, body: unknown): Error {
  return createApiError({
    status: response.status,
    reason: response.statusText,
    body,
    headers: response.headers,
    method: 'PUT',
    url: storageTarget(url),
  });
}

/** A storage URL as errors name it: host and path, without the signed query. */
function storageTarget(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/**
 * A storage PUT that got no answer (host unreachable, reset, the body failed): typed like the
 * API's connection errors, naming the storage host and path, never the signed query.
 */
function storageConnectionError(err: unknown, url: string, part: number, parts: number) {
  const target = storageTarget(url);
  const which = parts > 1 ? ` (part ${part + 1} of ${parts})` : '';
  return new ApiConnectionError(
    `PUT ${target}${which} failed: ${errorMessages(err) || 'connection error'}. The file was not saved: upload it again once the cause is fixed (is the storage host reachable from here?)`,
    { method: 'PUT', url: target, code: errorCode(err), cause: err },
  );
}

/** How many bytes each of `n` parts carries: an even split of `size` (the last one smaller). */
export function partSizes(size: number, n: number): number[] {
  if (n <= 1) return [size];
  const part = Math.ceil(size / n);
  return Array.from({ length: n }, (_, i) => Math.max(0, Math.min(part, size - i * part)));
}

/**
 * PUT a file's bytes to its signed URL(s), part `i` of an even split to URL `i`, each with the
 * ticket's headers (copied, never mutated) and an exact Content-Length. Returns the ETags and
 * upload id when the upload was multipart (several URLs or an `uploadId` in the URL).
 */
export async function putToStorage(
  fetchImpl: FetchLike,
  urlOrUrls: string | string[],
  headers: Record<string, string>,
  options: {
    fileSpec: FileSpec;
    size: number | undefined;
    onProgress?: (bytes: number) => void;
    signal?: AbortSignal;
    /** Whether part bodies may be streamed; default {@link requestStreamsSupported}. */
    stream?: boolean;
    /**
     * Send whole parts with `onProgress` through XMLHttpRequest instead of `fetchImpl`, for
     * progress within each part (browsers with no custom fetch).
     */
    xhr?: boolean;
  },
): Promise<{ e_tags: string[]; upload_id?: string } | undefined> {
  const urls = Array.isArray(urlOrUrls) ? urlOrUrls : [urlOrUrls];
  if (urls.length === 0) throw new Error('upload: the ticket names no storage URL');
  const uploadId = new URL(urls[0]!).searchParams.get('uploadId') ?? undefined;
  const isMultipart = urls.length > 1 || uploadId !== undefined;
  const { size } = options;
  if (urls.length > 1 && size === undefined) {
    throw new Error(
      'upload: the server asked for a multipart upload but the size of this stream is unknown; pass a file path, a Blob or bytes',
    );
  }
  const streaming = options.stream ?? requestStreamsSupported();
  let opened = await options.fileSpec.open();
  // Where request bodies cannot be streamed (browsers), each part goes whole (a Blob slice) and
  // its bytes count as sent when the storage has answered.
  if (!streaming && opened.kind === 'stream') opened = await wholeBlob(opened.stream);
  const sizes = size === undefined ? [undefined] : partSizes(size, urls.length);
  const parts = partSource(opened, streaming);
  if (!streaming) options.onProgress?.(0);
  const eTags: string[] = [];
  try {
    for (const [i, url] of urls.entries()) {
      const len = sizes[i];
      const body = parts.next(len, streaming ? options.onProgress : undefined);
      const init: RequestInit & { duplex?: 'half' } = {
        method: 'PUT',
        headers: { ...headers, ...(len !== undefined ? { 'Content-Length': String(len) } : {}) },
        body,
        ...(streaming ? { duplex: 'half' as const } : {}),
        redirect: 'error',
        ...(options.signal ? { signal: options.signal } : {}),
      };
      // bytes of this part reported so far (XHR progress); the rest counts once it is answered
      let reported = 0;
      const viaXhr = !streaming && options.xhr === true && options.onProgress !== undefined;
      const partSize = len ?? (body instanceof Blob ? body.size : 0);
      const request = new Request(url, init);
      let response: Response;
      try {
        response = viaXhr
          ? await sendWithXhr(request, (sent, bodyTotal) => {
              const n = inFlightProgress(sent, bodyTotal, partSize);
              if (n <= reported) return;
              options.onProgress!(n - reported);
              reported = n;
            })
          : await fetchImpl(request);
      } catch (err) {
        if (options.signal?.aborted) throw err;
        throw storageConnectionError(err, url, i, urls.length);
      }
      if (!response.ok) {
        const text = await response.text().catch(() => '');
        let parsed: unknown = text || undefined;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: keep the text
        }
        throw storageError(response, url, parsed);
      }
      await response.body?.cancel().catch(() => undefined);
      if (!streaming && body instanceof Blob) options.onProgress?.(body.size - reported);
      const etag = response.headers.get('etag');
      if (isMultipart) {
        if (!etag) throw new Error(`upload: the storage answered part ${i + 1} without an ETag`);
        eTags.push(etag.replace(/"/g, ''));
      }
    }
  } finally {
    await parts.close();
  }
  if (!isMultipart) return undefined;
  return { e_tags: eTags, ...(uploadId !== undefined ? { upload_id: uploadId } : {}) };
}

/** Cut an opened file into consecutive part bodies without reading more than one chunk ahead. */
function partSource(
  opened: OpenedFile,
  streaming = true,
): {
  next(len: number | undefined, onProgress?: (n: number) => void): BodyInit;
  close(): Promise<void>;
} {
  if (opened.kind === 'blob') {
    let offset = 0;
    return {
      next(len, onProgress) {
        const end = len === undefined ? opened.blob.size : offset + len;
        const slice = opened.blob.slice(offset, end);
        offset = end;
        return onProgress && streaming ? counted(slice.stream(), onProgress) : slice;
      },
      close: async () => undefined,
    };
  }
  const reader = opened.stream.getReader();
  let leftover: Uint8Array | undefined;
  let finished = false;
  return {
    next(len, onProgress) {
      let remaining = len ?? Infinity;
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (remaining <= 0) return controller.close();
          let chunk = leftover;
          leftover = undefined;
          if (!chunk) {
            const r = finished ? { done: true as const, value: undefined } : await reader.read();
            if (r.done) {
              finished = true;
              if (len === undefined) return controller.close();
              return controller.error(
                new Error(`upload: the file ended ${remaining} bytes before its stated size`),
              );
            }
            chunk = r.value;
          }
          if (chunk.byteLength > remaining) {
            leftover = chunk.subarray(remaining);
            chunk = chunk.subarray(0, remaining);
          }
          remaining -= chunk.byteLength;
          onProgress?.(chunk.byteLength);
          controller.enqueue(chunk);
        },
      });
    },
    async close() {
      if (!finished) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    },
  };
}

function counted(stream: ReadableStream<Uint8Array>, onProgress: (n: number) => void) {
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onProgress(chunk.byteLength);
        controller.enqueue(chunk);
      },
    }),
  );
}
