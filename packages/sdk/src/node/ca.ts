/**
 * FW_SSL_CERT_FILE support: trust a PEM CA bundle for HTTPS requests made with Node's fetch.
 *
 * Node's global fetch is undici, which takes a `dispatcher` per request. Node does not export
 * undici's `Agent`, but it publishes its global dispatcher (an `Agent`) under the cross-version
 * symbol `Symbol.for('undici.globalDispatcher.1')`; we construct a new Agent of that same class
 * with `connect: { ca }`, so the dispatcher always matches the fetch that uses it and no `undici`
 * dependency is needed. Callers may pass their own Agent class (e.g. `undici`'s) instead.
 */
import { readFileSync } from 'node:fs';

// `Request | string | URL`, not the DOM-only `RequestInfo`, so Node projects without `lib: dom` typecheck.
export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

/** A constructor compatible with undici's `Agent`. */
export type AgentConstructor = new (options: { connect: { ca: string } }) => object;

export interface CaBundle {
  /** The PEM file's path. */
  path: string;
  /** The PEM text. */
  ca: string;
  /** An undici dispatcher trusting only `ca`; pass as `dispatcher` in fetch's init. */
  dispatcher: object;
  /** `fetch` wrapper that adds the dispatcher to every request. */
  fetch: FetchLike;
}

export interface CaBundleOptions {
  /** Agent class to construct the dispatcher with (default: Node's built-in undici Agent). */
  Agent?: AgentConstructor | undefined;
  /** The fetch to wrap (default: `globalThis.fetch`). */
  fetch?: FetchLike | undefined;
}

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/** Node's built-in undici `Agent` class, or undefined when it cannot be found. */
export function builtinAgentClass(): AgentConstructor | undefined {
  // Touching a fetch global loads Node's bundled undici, which installs the global dispatcher.
  void globalThis.Response;
  const dispatcher = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
  const ctor = (dispatcher as { constructor?: unknown } | undefined)?.constructor;
  if (typeof ctor === 'function' && ctor.name === 'Agent') return ctor as AgentConstructor;
  return undefined;
}

/** Read a PEM CA bundle file, failing with a clear error naming the path. */
export function readCaBundle(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `CA bundle file not found: ${path} (from FW_SSL_CERT_FILE)`
        : `Cannot read CA bundle ${path} (from FW_SSL_CERT_FILE): ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`CA bundle ${path} (from FW_SSL_CERT_FILE) contains no PEM certificate`);
  }
  return text;
}

/** Build a CaBundle (dispatcher + fetch wrapper) from a PEM file. */
export function caBundleFromFile(path: string, options: CaBundleOptions = {}): CaBundle {
  const ca = readCaBundle(path);
  const Agent = options.Agent ?? builtinAgentClass();
  if (!Agent) {
    throw new Error(
      'FW_SSL_CERT_FILE is set but no undici Agent is available to apply it: pass ' +
        "`Agent` (e.g. from the 'undici' package) in the options",
    );
  }
  const dispatcher = new Agent({ connect: { ca } });
  const baseFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const fetchWithCa: FetchLike = (input, init) =>
    baseFetch(input, { ...init, dispatcher } as RequestInit);
  return { path, ca, dispatcher, fetch: fetchWithCa };
}

/**
 * When `FW_SSL_CERT_FILE` is set (non-empty), load it as the trusted CA bundle.
 * Returns undefined when the variable is not set.
 */
export function caBundleFromEnv(
  env: Record<string, string | undefined> = process.env,
  options: CaBundleOptions = {},
): CaBundle | undefined {
  const path = env.FW_SSL_CERT_FILE;
  if (!path) return undefined;
  return caBundleFromFile(path, options);
}
