/**
 * Streaming multipart/form-data bodies for file uploads.
 *
 * Parts are written in this order: `metadata` (when given), other text fields, then one `file`
 * part per FileSpec. Nothing is buffered: Blob-backed parts are composed into one lazy Blob (so the
 * body has a known length and can be re-sent), and stream parts are pulled on demand into a
 * ReadableStream body (one-shot: `retryable` is false).
 */
import { FileSpec, type OpenedFile } from './file-spec.js';

/** Progress of a transfer: bytes so far and, when known, the total. */
export interface TransferProgress {
  loaded: number;
  total?: number | undefined;
}

export type ProgressCallback = (progress: TransferProgress) => void;

export interface MultipartOptions {
  /** The `metadata` text field. Objects are JSON-encoded; strings are sent verbatim. */
  metadata?: string | object | null | undefined;
  /** Extra text fields, sent after `metadata` and before the files. */
  fields?: Record<string, string> | undefined;
  /** Called as body bytes are handed to the transport. */
  onProgress?: ProgressCallback | undefined;
  /** Override the boundary (tests). Must not occur in the data. */
  boundary?: string | undefined;
  /** Name of the file parts. Default `file`. */
  fileFieldName?: string | undefined;
}

export interface MultipartBody {
  /** A Blob (re-readable, known size) or a one-shot stream. */
  body: Blob | ReadableStream<Uint8Array>;
  /** `multipart/form-data; boundary=…` */
  contentType: string;
  /** Byte length of the whole body when every part's size is known. */
  contentLength: number | undefined;
  /** Headers to send: Content-Type, and Content-Length when known. */
  headers: Record<string, string>;
  /** False when the body is a one-shot stream: the request must not be retried. */
  retryable: boolean;
  /** `'half'` when `body` is a stream (required by fetch for streaming request bodies). */
  duplex: 'half' | undefined;
}

const encoder = new TextEncoder();
const CRLF = '\r\n';

/** Escape a header parameter value the way browsers encode form-data names/filenames. */
function escapeParam(value: string): string {
  return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

function randomBoundary(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return '----fwsdk' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

type Piece = Uint8Array | OpenedFile;

/**
 * Build a multipart/form-data body for one or many FileSpecs.
 * Returns the body plus headers; `retryable` tells whether it may be sent twice.
 */
export async function buildMultipartBody(
  files: FileSpec | readonly FileSpec[],
  options: MultipartOptions = {},
): Promise<MultipartBody> {
  const specs = Array.isArray(files) ? (files as readonly FileSpec[]) : [files as FileSpec];
  for (const spec of specs) {
    if (!(spec instanceof FileSpec)) throw new TypeError('buildMultipartBody expects FileSpec objects');
  }
  const boundary = options.boundary ?? randomBoundary();
  const fieldName = escapeParam(options.fileFieldName ?? 'file');
  const pieces: Piece[] = [];
  const text = (s: string) => pieces.push(encoder.encode(s));

  const fields: Array<[string, string]> = [];
  if (options.metadata !== undefined && options.metadata !== null) {
    fields.push([
      'metadata',
      typeof options.metadata === 'string' ? options.metadata : JSON.stringify(options.metadata),
    ]);
  }
  for (const [k, v] of Object.entries(options.fields ?? {})) fields.push([k, String(v)]);

  for (const [name, value] of fields) {
    text(
      `--${boundary}${CRLF}Content-Disposition: form-data; name="${escapeParam(name)}"${CRLF}${CRLF}`,
    );
    text(value + CRLF);
  }
  for (const spec of specs) {
    text(
      `--${boundary}${CRLF}Content-Disposition: form-data; name="${fieldName}"; ` +
        `filename="${escapeParam(spec.name)}"${CRLF}Content-Type: ${spec.contentType}${CRLF}${CRLF}`,
    );
    pieces.push(await spec.open());
    text(CRLF);
  }
  text(`--${boundary}--${CRLF}`);

  let total: number | undefined = 0;
  let allBlobs = true;
  for (const p of pieces) {
    if (p instanceof Uint8Array) total = total === undefined ? undefined : total + p.byteLength;
    else {
      if (p.kind !== 'blob') allBlobs = false;
      total = total === undefined || p.size === undefined ? undefined : total + p.size;
    }
  }

  const contentType = `multipart/form-data; boundary=${boundary}`;
  const headers: Record<string, string> = { 'content-type': contentType };
  if (total !== undefined) headers['content-length'] = String(total);

  if (allBlobs && !options.onProgress) {
    const blob = new Blob(
      pieces.map((p) => (p instanceof Uint8Array ? (p as BlobPart) : (p as { blob: Blob }).blob)),
    );
    return {
      body: blob,
      contentType,
      contentLength: blob.size,
      headers,
      retryable: true,
      duplex: undefined,
    };
  }

  const stream = piecesToStream(pieces, total, options.onProgress);
  return {
    body: stream,
    contentType,
    contentLength: total,
    headers,
    retryable: false,
    duplex: 'half',
  };
}

function piecesToStream(
  pieces: Piece[],
  total: number | undefined,
  onProgress: ProgressCallback | undefined,
): ReadableStream<Uint8Array> {
  let index = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let loaded = 0;
  const report = (n: number) => {
    loaded += n;
    onProgress?.({ loaded, total });
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          if (reader) {
            const { value, done } = await reader.read();
            if (!done) {
              if (value.byteLength === 0) continue;
              controller.enqueue(value);
              report(value.byteLength);
              return;
            }
            reader = undefined;
            index++;
            continue;
          }
          const piece = pieces[index];
          if (piece === undefined) {
            controller.close();
            return;
          }
          if (piece instanceof Uint8Array) {
            index++;
            controller.enqueue(piece);
            report(piece.byteLength);
            return;
          }
          reader = (piece.kind === 'blob' ? piece.blob.stream() : piece.stream).getReader();
        }
      },
      async cancel(reason) {
        await reader?.cancel(reason);
        for (const p of pieces.slice(index + 1)) {
          if (!(p instanceof Uint8Array) && p.kind === 'stream') await p.stream.cancel(reason);
        }
      },
    },
    { highWaterMark: 0 },
  );
}
