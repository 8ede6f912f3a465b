/**
 * Runtime hooks: the runtime-neutral entry works on any fetch runtime; the Node entry
 * (`@fw/sdk/node`) supplies the pieces that need the file system (CLI credentials, writing
 * downloads to paths, local-path uploads, a CA bundle).
 */
import type { ProgressCallback } from '../files/upload.js';
import type { MethodOptions } from '../models/context.js';

/** Where a download goes: a file path (Node entry) or a WritableStream (any runtime). */
export type DownloadDestination = string | WritableStream<Uint8Array>;

/** Options of downloads to a path or stream: progress, and the call options. */
export interface DownloadOptions extends MethodOptions {
  /** Progress as bytes arrive. */
  onProgress?: ProgressCallback;
}

/** Options of reads into memory: progress, and the call options. */
export interface ReadOptions extends MethodOptions {
  /** Progress as bytes arrive. */
  onProgress?: ProgressCallback;
}

/** Node-only capabilities, supplied by `@fw/sdk/node`. */
export interface Platform {
  /** The API key from the CLI login (`~/.config/flywheel/user.json`). */
  readCredentials?: () => string;
  /** Check/prepare a destination path before the request (fails early on a bad path); returns the path to write. */
  prepareDestination?: (path: string) => Promise<string>;
  /** Stream a response body to a file path (temp file + rename). */
  writeToPath?: (response: Response, path: string, options: DownloadOptions) => Promise<unknown>;
  /** fetch to use when the caller gives none (e.g. one trusting `FW_SSL_CERT_FILE`). */
  fetch?: (input: Request) => Promise<Response>;
  /**
   * Adapt a caller's own `fetch` (e.g. so that it still trusts `FW_SSL_CERT_FILE`: the Node
   * entry calls it with a second argument `{ dispatcher }` to pass on to Node's fetch).
   */
  wrapFetch?: (
    fetch: (input: Request) => Promise<Response>,
  ) => (input: Request) => Promise<Response>;
  /** Called once per client (e.g. to install the local file source for path uploads). */
  setup?: () => void;
}
