/**
 * Content checks for downloads of known files (issue 13, defect 5): the bytes received must have
 * the file entry's `size` and, when the server gave one, its `hash`. Content-Length alone cannot
 * catch a proxy or server that sends a short or altered body with a consistent length.
 *
 * Flywheel hashes look like `v0-sha384-<hex>`. The hash is computed with Node's crypto, found at
 * run time (`process.getBuiltinModule`, Node ≥ 20.16) so that this module imports nothing from
 * `node:*`; where there is none (browsers), and for hash formats we do not know, only the size
 * is checked.
 */
import { DownloadError } from './download-error.js';

/** What a download of a known file must deliver. */
export interface ExpectedContent {
  /** Decoded byte count (the file entry's `size`). */
  size?: number | undefined;
  /** The file entry's `hash` (`v0-<algorithm>-<hex>`). */
  hash?: string | undefined;
}

/**
 * Option key under which a known file's expectations ride along a download's options (a symbol,
 * so it never becomes a query parameter or part of the public options).
 */
export const EXPECTED_CONTENT: unique symbol = Symbol('fw.expectedContent');

/** The expectations riding along `options` under `EXPECTED_CONTENT`, if any. */
export function expectedContentIn(options: object): ExpectedContent | undefined {
  return (options as { [EXPECTED_CONTENT]?: ExpectedContent })[EXPECTED_CONTENT];
}

interface Hasher {
  update(data: Uint8Array): unknown;
  digest(encoding: 'hex'): string;
}
type CreateHash = (algorithm: string) => Hasher;

const ALGORITHMS: Record<string, string> = { sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

function nodeCreateHash(): CreateHash | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const crypto = proc?.getBuiltinModule?.('node:crypto') as { createHash?: CreateHash } | undefined;
  return typeof crypto?.createHash === 'function' ? crypto.createHash : undefined;
}

/** The expectations a file entry gives, or undefined when it gives none. */
export function expectedContentOf(entry: {
  size?: unknown;
  hash?: unknown;
}): ExpectedContent | undefined {
  const size =
    typeof entry.size === 'number' && Number.isSafeInteger(entry.size) && entry.size >= 0
      ? entry.size
      : undefined;
  const hash = typeof entry.hash === 'string' && entry.hash !== '' ? entry.hash : undefined;
  return size === undefined && hash === undefined ? undefined : { size, hash };
}

/**
 * Options with the expectations of the container's file entry `name` added, when the call pins
 * a `version` that entry has (an unpinned download gets the newest version, which a loaded
 * entry may no longer describe).
 */
export function withKnownContent<T extends object>(
  files:
    readonly { name?: unknown; version?: unknown; size?: unknown; hash?: unknown }[] | undefined,
  name: string,
  options: T,
): T {
  const version = (options as { version?: unknown }).version;
  if (typeof version !== 'number' || EXPECTED_CONTENT in options) return options;
  const entry = files?.find((f) => f.name === name && f.version === version);
  const expected = entry ? expectedContentOf(entry) : undefined;
  return expected ? { ...options, [EXPECTED_CONTENT]: expected } : options;
}

/** Counts and hashes a body as it streams; `finish` throws DownloadError on a mismatch. */
export interface ContentCheck {
  update(chunk: Uint8Array): void;
  finish(received: number): void;
}

export function contentCheck(expected: ExpectedContent, path?: string): ContentCheck {
  const parsed = expected.hash ? /^v0-([a-z0-9]+)-([0-9a-f]+)$/i.exec(expected.hash) : null;
  const algorithm = parsed ? ALGORITHMS[parsed[1]!.toLowerCase()] : undefined;
  const createHash = algorithm ? nodeCreateHash() : undefined;
  const hasher = algorithm && createHash ? createHash(algorithm) : undefined;
  const where = path ? ` (destination ${path} left untouched)` : '';
  return {
    update(chunk) {
      hasher?.update(chunk);
    },
    finish(received) {
      if (expected.size !== undefined && received !== expected.size) {
        // worded "incomplete" like a short Content-Length body, so path downloads retry it
        throw new DownloadError(
          `Download incomplete: the file is ${expected.size} bytes, the body had ${received}${where}`,
          { path },
        );
      }
      if (hasher && hasher.digest('hex') !== parsed![2]!.toLowerCase()) {
        throw new DownloadError(
          `Download corrupt: the body's ${algorithm} differs from the file's hash ${expected.hash}${where}; download it again`,
          { path },
        );
      }
    },
  };
}
