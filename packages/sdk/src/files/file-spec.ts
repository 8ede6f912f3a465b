/**
 * FileSpec: describes one file to upload, from a local path (Node only), in-memory data or a stream.
 *
 * This module is runtime neutral: it never imports `node:*`. Local paths are resolved through a
 * pluggable {@link LocalFileSource} that the Node entry registers (see `node/file-source.ts`).
 */
import { FlywheelError } from '@fw/api';
import { contentTypeFor } from './mime-types.js';

/** Anything that yields byte chunks, e.g. a Node `Readable`. */
export type ByteAsyncIterable = AsyncIterable<Uint8Array | string>;

/** Accepted `contents` for a FileSpec. */
export type FileContents =
  string | Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | ByteAsyncIterable;

/** An opened local file, as provided by a {@link LocalFileSource}. */
export interface LocalFile {
  /** Size in bytes. */
  size: number;
  /** A lazily read Blob backed by the file (preferred: re-readable, no buffering), if supported. */
  blob?: () => Promise<Blob>;
  /** A fresh stream of the file's bytes. */
  stream: () => ReadableStream<Uint8Array>;
}

/** Resolves local paths to file contents. Registered by the Node entry. */
export interface LocalFileSource {
  /** Stat/open the path. Must reject with an error naming the path when it is missing. */
  open(path: string): Promise<LocalFile>;
  /** Basename of a path. */
  basename(path: string): string;
}

/** Opened contents of a FileSpec, ready to be written into a request body. */
export type OpenedFile =
  | { kind: 'blob'; blob: Blob; size: number }
  | { kind: 'stream'; stream: ReadableStream<Uint8Array>; size: number | undefined };

export class FileSpecError extends FlywheelError {
  override readonly code: string = 'FW_FILE_SPEC';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FileSpecError';
  }
}

let localSource: LocalFileSource | undefined;

/** Install the source used for path-only FileSpecs (the Node entry calls this). */
export function registerLocalFileSource(source: LocalFileSource | undefined): void {
  localSource = source;
}

/** The currently registered local file source, if any. */
export function getLocalFileSource(): LocalFileSource | undefined {
  return localSource;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** Guess a content type from a file name; `application/octet-stream` when unknown. */
export function guessContentType(name: string): string {
  return contentTypeFor(name) ?? DEFAULT_CONTENT_TYPE;
}

function portableBasename(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const idx = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return idx >= 0 ? trimmed.slice(idx + 1) : trimmed;
}

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return (
    typeof ReadableStream !== 'undefined' &&
    (value instanceof ReadableStream ||
      (typeof value === 'object' &&
        value !== null &&
        typeof (value as ReadableStream).getReader === 'function' &&
        typeof (value as ReadableStream).pipeTo === 'function'))
  );
}

function isAsyncIterable(value: unknown): value is ByteAsyncIterable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

const encoder = new TextEncoder();

function toBytes(chunk: Uint8Array | string | ArrayBuffer): Uint8Array {
  if (typeof chunk === 'string') return encoder.encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  return chunk;
}

/** Wrap any async iterable of chunks into a web ReadableStream (pull-based, so no buffering). */
export function asyncIterableToStream(iterable: ByteAsyncIterable): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Uint8Array | string> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      iterator ??= iterable[Symbol.asyncIterator]();
      for (;;) {
        const { value, done } = await iterator.next();
        if (done) return controller.close();
        const bytes = toBytes(value);
        // Skip empty chunks: some consumers stall on them.
        if (bytes.byteLength > 0) return controller.enqueue(bytes);
      }
    },
    async cancel(reason) {
      await iterator?.return?.(reason);
    },
  });
}

/** Drop zero-length chunks (some stream consumers stall on them). */
function dropEmptyChunks(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (chunk.byteLength > 0) controller.enqueue(chunk);
      },
    }),
  );
}

type Source =
  | { kind: 'path'; path: string }
  | { kind: 'blob'; blob: Blob }
  | { kind: 'stream'; stream: ReadableStream<Uint8Array> }
  | { kind: 'iterable'; iterable: ByteAsyncIterable };

/**
 * One file to upload.
 *
 * - `new FileSpec('/data/scan.nii.gz')`: a local file (Node only); the part filename is its basename.
 * - `new FileSpec('notes.txt', 'hello')`: in-memory contents; the part filename is `name` verbatim.
 * - `new FileSpec('big.dcm', readable, 'application/dicom')`: streamed contents (size may be unknown;
 *   a stream can be read only once, see {@link FileSpec.reusable}).
 */
export class FileSpec {
  /** The filename sent in the multipart part. */
  readonly name: string;
  /** The local path, when the spec was created from a path. */
  readonly path: string | undefined;
  /** The part Content-Type: explicit, else guessed from the name, else application/octet-stream. */
  readonly contentType: string;
  readonly #source: Source;
  #consumed = false;

  constructor(name: string, contents?: FileContents | null, contentType?: string | null) {
    if (contents === undefined || contents === null) {
      if (typeof name !== 'string' || name === '') {
        throw new FileSpecError(
          'FileSpec needs a file: pass a local file path as `name`, or a name and `contents`',
        );
      }
      this.path = name;
      this.name = (localSource?.basename ?? portableBasename)(name);
      this.#source = { kind: 'path', path: name };
    } else {
      if (typeof name !== 'string' || name === '') {
        throw new FileSpecError('FileSpec name is required (the filename to upload as)');
      }
      this.path = undefined;
      this.name = name;
      if (typeof contents === 'string') {
        this.#source = { kind: 'blob', blob: new Blob([contents]) };
      } else if (contents instanceof Uint8Array || contents instanceof ArrayBuffer) {
        this.#source = { kind: 'blob', blob: new Blob([contents as BlobPart]) };
      } else if (typeof Blob !== 'undefined' && contents instanceof Blob) {
        this.#source = { kind: 'blob', blob: contents };
      } else if (isReadableStream(contents)) {
        this.#source = { kind: 'stream', stream: contents };
      } else if (isAsyncIterable(contents)) {
        this.#source = { kind: 'iterable', iterable: contents };
      } else {
        throw new FileSpecError(
          `FileSpec ${JSON.stringify(name)}: unsupported contents type (expected string, ` +
            'Uint8Array, ArrayBuffer, Blob, ReadableStream or a Node Readable)',
        );
      }
    }
    this.contentType =
      contentType || (contents instanceof Blob && contents.type) || guessContentType(this.name);
  }

  /** False when the contents are a one-shot stream (the upload must not be retried). */
  get reusable(): boolean {
    return this.#source.kind === 'path' || this.#source.kind === 'blob';
  }

  /** Size in bytes, or undefined when unknown (streams). Missing local file → error naming it. */
  async size(): Promise<number | undefined> {
    switch (this.#source.kind) {
      case 'blob':
        return this.#source.blob.size;
      case 'path':
        return (await this.#openLocal(this.#source.path)).size;
      default:
        return undefined;
    }
  }

  async #openLocal(path: string): Promise<LocalFile> {
    if (!localSource) {
      throw new FileSpecError(
        `FileSpec ${JSON.stringify(path)}: reading a local file path needs Node.js ` +
          '(import from "@fw/sdk/node"), or pass the contents explicitly',
      );
    }
    return localSource.open(path);
  }

  /**
   * Open the contents for sending. Blob-backed contents (strings, bytes, Blobs and, when the
   * source supports it, local files) come back as a Blob with a known size; streams as a stream.
   */
  async open(): Promise<OpenedFile> {
    const source = this.#source;
    switch (source.kind) {
      case 'blob':
        return { kind: 'blob', blob: source.blob, size: source.blob.size };
      case 'path': {
        const file = await this.#openLocal(source.path);
        if (file.blob) {
          const blob = await file.blob();
          return { kind: 'blob', blob, size: blob.size };
        }
        return { kind: 'stream', stream: file.stream(), size: file.size };
      }
      case 'stream':
        this.#claim();
        return { kind: 'stream', stream: dropEmptyChunks(source.stream), size: undefined };
      case 'iterable':
        this.#claim();
        return { kind: 'stream', stream: asyncIterableToStream(source.iterable), size: undefined };
    }
  }

  /** A stream of the contents (re-openable for paths and in-memory data). */
  async stream(): Promise<ReadableStream<Uint8Array>> {
    const opened = await this.open();
    return opened.kind === 'blob' ? opened.blob.stream() : opened.stream;
  }

  /** The contents as a Blob (streams are read fully into memory). */
  async toBlob(): Promise<Blob> {
    const opened = await this.open();
    if (opened.kind === 'blob') return opened.blob;
    return new Response(opened.stream).blob();
  }

  /** The contents as bytes (read fully into memory). */
  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await (await this.toBlob()).arrayBuffer());
  }

  #claim(): void {
    if (this.#consumed) {
      throw new FileSpecError(
        `FileSpec ${JSON.stringify(this.name)}: its stream contents were already read; ` +
          'create a new FileSpec to send them again',
      );
    }
    this.#consumed = true;
  }
}

/** What upload methods accept per file: a FileSpec or a local path string. */
export type FileSpecInput = FileSpec | string;

/**
 * Normalise `FileSpec | path | (FileSpec | path)[]` to a list of FileSpecs.
 * Falsy entries (null, undefined, '') are skipped.
 */
export function toFileSpecs(
  input: FileSpecInput | null | undefined | ReadonlyArray<FileSpecInput | null | undefined>,
): FileSpec[] {
  const list = Array.isArray(input) ? input : [input];
  const out: FileSpec[] = [];
  for (const item of list as ReadonlyArray<FileSpecInput | null | undefined>) {
    if (!item) continue;
    if (item instanceof FileSpec) out.push(item);
    else if (typeof item === 'string') out.push(new FileSpec(item));
    else {
      throw new FileSpecError(
        'Expected a FileSpec or a local file path string, got ' +
          Object.prototype.toString.call(item),
      );
    }
  }
  return out;
}
