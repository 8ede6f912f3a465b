/**
 * Runtime-neutral download helpers: read a fetch Response body with progress and length checks.
 * The fs side (streaming to a file atomically) is in `node/download.ts`.
 */
import { DownloadError } from './download-error.js';
import type { ProgressCallback } from './upload.js';
import { contentCheck, type ExpectedContent } from './verify.js';

export interface ReadOptions {
  onProgress?: ProgressCallback | undefined;
  signal?: AbortSignal | undefined;
  /** A known file's size and hash, checked once the body has ended (see `verify.ts`). */
  expect?: ExpectedContent | undefined;
}

/**
 * The byte count the body must have, from Content-Length, or undefined when it cannot be checked
 * (absent, invalid, or a Content-Encoding that fetch decodes transparently).
 */
export function expectedLength(response: Response): number | undefined {
  const encoding = response.headers.get('content-encoding');
  if (encoding && encoding.trim().toLowerCase() !== 'identity') return undefined;
  const raw = response.headers.get('content-length');
  if (raw === null || !/^\s*\d+\s*$/.test(raw)) return undefined;
  return Number(raw);
}

/** Throw a DownloadError (after discarding the body) when the response is not 2xx. */
export async function assertOkResponse(response: Response, path?: string): Promise<void> {
  if (response.ok) return;
  await response.body?.cancel().catch(() => undefined);
  throw new DownloadError(
    `Download failed: HTTP ${response.status}${response.statusText ? ' ' + response.statusText : ''}` +
      (path ? ` (destination ${path} left untouched)` : ''),
    { status: response.status, path },
  );
}

/**
 * Iterate the body's chunks, reporting progress, honouring `signal`, and verifying the total
 * against Content-Length when it can be checked. Throws DownloadError on a short/long body.
 */
export async function* iterateResponseBody(
  response: Response,
  options: ReadOptions & { path?: string | undefined } = {},
): AsyncGenerator<Uint8Array, number, void> {
  const total = expectedLength(response);
  const { onProgress, signal, path } = options;
  signal?.throwIfAborted();
  const check = options.expect ? contentCheck(options.expect, path) : undefined;
  let loaded = 0;
  if (!response.body) {
    if (total !== undefined && total !== 0) {
      throw new DownloadError(`Download incomplete: expected ${total} bytes, got 0`, { path });
    }
    check?.finish(0);
    onProgress?.({ loaded: 0, total });
    return 0;
  }
  const reader = response.body.getReader();
  const onAbort = () => {
    void reader.cancel(signal?.reason).catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (err) {
        signal?.throwIfAborted();
        throw new DownloadError(
          `Download interrupted after ${loaded} bytes` +
            (total !== undefined ? ` of ${total}` : '') +
            `: ${(err as Error)?.message ?? String(err)}`,
          { path, cause: err },
        );
      }
      signal?.throwIfAborted();
      if (result.done) break;
      loaded += result.value.byteLength;
      if (total !== undefined && loaded > total) {
        throw new DownloadError(`Download too long: expected ${total} bytes, got more`, { path });
      }
      check?.update(result.value);
      yield result.value;
      onProgress?.({ loaded, total });
    }
  } catch (err) {
    await reader.cancel(err).catch(() => undefined);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
  if (total !== undefined && loaded !== total) {
    throw new DownloadError(`Download incomplete: expected ${total} bytes, got ${loaded}`, {
      path,
    });
  }
  check?.finish(loaded);
  return loaded;
}

/** Read a whole response body into memory (for `readFile`-style helpers). */
export async function readResponseBytes(
  response: Response,
  options: ReadOptions = {},
): Promise<Uint8Array> {
  await assertOkResponse(response);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of iterateResponseBody(response, options)) {
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
