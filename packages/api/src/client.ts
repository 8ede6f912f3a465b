import createClient, {
  createQuerySerializer,
  type Client,
  type ClientPathsWithMethod,
  type FetchResponse,
  type MaybeOptionalInit,
  type Middleware,
} from 'openapi-fetch';
import { authorizationHeader, parseApiKey } from './apiKey.js';
import { ConfigurationError } from './errors.js';
import { resolveLogger, type Logger } from './log.js';
import type { paths } from './generated/schema.js';
import type { MultipartBody } from './multipart.js';
import {
  requestMeta,
  createFlywheelFetch,
  flywheelBodySerializer,
  flywheelRequestClass,
  preparedCallClass,
  FEATURE_HEADER,
  mergeFeatures,
  type CallOptions,
  type FetchLike,
  type RetryOptions,
} from './transport.js';
import { PACKAGE_NAME, VERSION } from './version.js';

/** `X-Accept-Feature` values every request carries (v21): sent as `Safe-Redirect,multipart_signed_url`. */
export const DEFAULT_FEATURES: readonly string[] = Object.freeze([
  'Safe-Redirect',
  'multipart_signed_url',
]);
export const DEFAULT_MAX_RETRIES = 2;

export interface ApiClientOptions {
  /** Flywheel API key: `host:KEY`, `host:port:KEY` or `host:port:__force_insecure:KEY`. */
  apiKey: string;
  /** API base URL; overrides the one derived from the key (e.g. `http://127.0.0.1:8080/api`). */
  baseUrl?: string;
  /** fetch implementation (default `globalThis.fetch`). Receives a `Request`. */
  fetch?: FetchLike;
  /** Per-attempt time limit in ms, until response headers arrive. Default: none. */
  timeoutMs?: number;
  /**
   * Longest wait in ms between two chunks of a response body (JSON or streamed download).
   * Default 60000; 0 turns it off.
   */
  idleTimeoutMs?: number;
  /** Retries of idempotent requests on 429/502/503/504, resets and timeouts. Default 2. */
  maxRetries?: number;
  /**
   * Log each attempt (method, URL, status, time; never headers or the key). Default: none, or
   * `console.debug` when the environment has `FW_LOG=debug`.
   */
  logger?: Logger;
  /** Backoff tuning. */
  retry?: RetryOptions;
  /** Product token put before the default User-Agent, e.g. `@fw/sdk/1.0.0`. */
  userAgent?: string;
  /**
   * Extra `X-Accept-Feature` values for every request, appended after `DEFAULT_FEATURES`
   * (comma-joined, case-insensitive duplicates dropped). More can be added later with
   * `enableFeature`.
   */
  features?: readonly string[];
  /**
   * Send `exhaustive=true` on every operation that declares an `exhaustive` query parameter
   * (site admins: list everything regardless of permissions). Default false. Per call:
   * `{ exhaustive: false }`, or an explicit `params.query.exhaustive`.
   */
  exhaustive?: boolean;
  /** Extra default headers. `Authorization` cannot be overridden here. */
  headers?: Record<string, string>;
  /** Testing hooks: clock, sleep and random source used by retries. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';
type MediaType = `${string}/${string}`;
type RequiredKeysOf<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type InitParam<Init> =
  RequiredKeysOf<Init> extends never
    ? [(Init & { [key: string]: unknown })?]
    : [Init & { [key: string]: unknown }];
/** Same options with `body` replaced by a `multipartBody()` result (for multipart operations). */
type WithMultipartBody<I> = I extends { body?: infer B }
  ? [NonNullable<B>] extends [never]
    ? never
    : Omit<I, 'body'> & { body: MultipartBody }
  : never;
type CallInit<Paths, P extends keyof Paths, M extends HttpMethod> = (
  | MaybeOptionalInit<Paths[P], M & keyof Paths[P]>
  | WithMultipartBody<MaybeOptionalInit<Paths[P], M & keyof Paths[P]>>
) &
  CallOptions;

/** The success branch of openapi-fetch's result: errors are thrown, so `data` is always set. */
export type ApiResponse<T extends Record<string | number, any>, Init> = Extract<
  FetchResponse<T, Init, MediaType>,
  { data: unknown }
>;

type ApiMethod<Paths extends {}, M extends HttpMethod> = <
  P extends ClientPathsWithMethod<Client<Paths>, M>,
  Init extends CallInit<Paths, P, M>,
>(
  url: P,
  ...init: InitParam<Init>
) => Promise<ApiResponse<Paths[P][M & keyof Paths[P]] & Record<string | number, any>, Init>>;

/**
 * The openapi-fetch client, re-typed: calls resolve only on 2xx (anything else throws an
 * `ApiError`), so the result's `data` is typed without `undefined`. Every call also accepts
 * `signal`, `timeoutMs` and `maxRetries`.
 */
export interface ApiClient<Paths extends {} = paths> {
  GET: ApiMethod<Paths, 'get'>;
  PUT: ApiMethod<Paths, 'put'>;
  POST: ApiMethod<Paths, 'post'>;
  DELETE: ApiMethod<Paths, 'delete'>;
  OPTIONS: ApiMethod<Paths, 'options'>;
  HEAD: ApiMethod<Paths, 'head'>;
  PATCH: ApiMethod<Paths, 'patch'>;
  TRACE: ApiMethod<Paths, 'trace'>;
  /** `request('get', path, init)`: method as a lower-case string (as in `operationTable`). */
  request<
    M extends HttpMethod,
    P extends ClientPathsWithMethod<Client<Paths>, M>,
    Init extends CallInit<Paths, P, M>,
  >(
    method: M,
    url: P,
    ...init: InitParam<Init>
  ): Promise<ApiResponse<Paths[P][M & keyof Paths[P]] & Record<string | number, any>, Init>>;
  use(...middleware: Middleware[]): void;
  eject(...middleware: Middleware[]): void;
  /**
   * Add a value to the `X-Accept-Feature` header of every later request (Python's
   * `enable_feature`); already present values (case-insensitive) are ignored.
   */
  enableFeature(feature: string): void;
  /** The `X-Accept-Feature` values every request carries, in order. */
  readonly features: readonly string[];
  /** Whether operations that declare `exhaustive` get `exhaustive=true` by default. */
  readonly exhaustive: boolean;
  /** The API base URL requests go to (`https://host:443/api`). */
  readonly baseUrl: string;
  /** The underlying openapi-fetch client (same object, openapi-fetch's own typing). */
  readonly raw: Client<Paths>;
}

/** Each middleware as registered: a Request its `onRequest` swaps in is adopted (`adoptRequest`). */
const carried = new WeakMap<object, object>();

function carrying(middleware: unknown): unknown {
  const m = middleware as Middleware | null;
  if (typeof m !== 'object' || m === null || typeof m.onRequest !== 'function') return middleware;
  let wrapped = carried.get(m);
  if (!wrapped) {
    const onRequest = m.onRequest;
    // inherits the rest (onResponse, onError, fields) from the caller's object, `this` included
    wrapped = Object.create(m, {
      onRequest: {
        value: async (context: Parameters<typeof onRequest>[0]) => {
          const out = await onRequest.call(m, context);
          if (!(out instanceof Request)) return out;
          const { adoptRequest } = await import('./adopt-request.js');
          return adoptRequest(
            requestMeta,
            context.request.constructor as typeof Request,
            context.request,
            out,
          );
        },
      },
    }) as object;
    carried.set(m, wrapped);
  }
  return wrapped;
}

let exhaustiveOps: ReadonlySet<string> | undefined;

/**
 * The `get /projects`-style keys of the operations that declare an `exhaustive` query
 * parameter, loaded with the first call that asks for `exhaustive` (a smaller first load).
 */
async function loadExhaustiveOperations(): Promise<void> {
  const { EXHAUSTIVE_OPERATIONS } = await import('./generated/exhaustive.js');
  exhaustiveOps ??= new Set(EXHAUSTIVE_OPERATIONS);
}

interface GivenInit {
  exhaustive?: boolean;
  params?: { query?: object };
  parseAs?: string;
  fwBodyMode?: string;
}

/**
 * The per-call rewrite for `exhaustive`: drops the call option and, when it (or the client's
 * default) asks for it and the operation declares the parameter, adds `exhaustive: true` to the
 * query unless the caller set `params.query.exhaustive` itself. A promise only for the first
 * call that asks, while the operation list loads.
 */
function exhaustiveDefaults(clientDefault: boolean) {
  const declares = (method: string, path: string): boolean =>
    exhaustiveOps!.has(`${method.toLowerCase()} ${path}`);
  const apply = (method: string, path: string, given: GivenInit, wanted: boolean): unknown => {
    // The common call (no `exhaustive`, not a stream) goes on as given: no copy of its options.
    const plain = !('exhaustive' in given) && given.parseAs !== 'stream';
    if (plain && (!wanted || !declares(method, path))) return given;
    const { exhaustive: _drop, ...rest } = given;
    // the transport reads JSON bodies inside the retried attempt, and hands streams out guarded
    if (rest.parseAs === 'stream') rest.fwBodyMode = 'stream';
    if (!wanted || !declares(method, path)) return rest;
    const query = (rest.params?.query ?? {}) as Record<string, unknown>;
    if (query.exhaustive !== undefined) return rest;
    return { ...rest, params: { ...rest.params, query: { ...query, exhaustive: true } } };
  };
  return (method: string, path: string, init: unknown): unknown => {
    const given = (typeof init === 'object' && init !== null ? init : {}) as GivenInit;
    const wanted = given.exhaustive ?? clientDefault;
    if (wanted && !exhaustiveOps)
      return loadExhaustiveOperations().then(() => apply(method, path, given, wanted));
    return apply(method, path, given, wanted);
  };
}

function runtimeDescription(): string {
  const g = globalThis as {
    process?: { versions?: { node?: string; bun?: string }; platform?: string };
    Deno?: { version?: { deno?: string }; build?: { os?: string } };
    navigator?: { userAgent?: string };
  };
  if (g.Deno?.version?.deno) return `Deno ${g.Deno.version.deno}; ${g.Deno.build?.os ?? 'unknown'}`;
  if (g.process?.versions?.bun)
    return `Bun ${g.process.versions.bun}; ${g.process.platform ?? 'unknown'}`;
  if (g.process?.versions?.node)
    return `Node ${g.process.versions.node}; ${g.process.platform ?? 'unknown'}`;
  return 'unknown runtime';
}

/** `@fw/api/<version> (Node <version>; <platform>)`, with `prefix` (e.g. the SDK's token) in front. */
export function defaultUserAgent(prefix?: string): string {
  const base = `${PACKAGE_NAME}/${VERSION} (${runtimeDescription()})`;
  return prefix ? `${prefix} ${base}` : base;
}

/**
 * Create a low-level Flywheel API client: openapi-fetch typed by the generated `paths`, with
 * Flywheel key auth, default headers, typed thrown errors, retries, timeouts, streaming
 * downloads and multipart uploads. Throws `ApiKeyError` for a malformed key (before any I/O).
 */
export function createApiClient<Paths extends {} = paths>(
  options: ApiClientOptions,
): ApiClient<Paths> {
  const invalid = (what: string) => new ConfigurationError(`createApiClient: ${what}`);
  if (typeof options !== 'object' || options === null) throw invalid('options are required');
  const parsed = parseApiKey(options.apiKey);
  const baseUrl = (options.baseUrl ?? parsed.baseUrl).replace(/\/+$/, '');
  if (!options.fetch && typeof globalThis.fetch !== 'function')
    throw invalid('no fetch implementation available; pass `fetch`');
  if (options.timeoutMs !== undefined && !(options.timeoutMs >= 0)) {
    throw invalid('timeoutMs must be a non-negative number');
  }
  if (options.idleTimeoutMs !== undefined && !(options.idleTimeoutMs >= 0)) {
    throw invalid('idleTimeoutMs must be a non-negative number');
  }
  if (options.baseUrl !== undefined) {
    try {
      new URL(options.baseUrl);
    } catch {
      throw invalid(
        'baseUrl is not a valid URL; expected e.g. "https://flywheel.example.org:443/api"',
      );
    }
  }
  if (
    options.maxRetries !== undefined &&
    !(Number.isInteger(options.maxRetries) && options.maxRetries >= 0)
  ) {
    throw invalid('maxRetries must be a non-negative integer');
  }

  if (options.features !== undefined && !Array.isArray(options.features))
    throw invalid('features must be an array of strings');
  const headers: Record<string, string> = { 'User-Agent': defaultUserAgent(options.userAgent) };
  let headerFeatures: string | undefined;
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === FEATURE_HEADER.toLowerCase()) headerFeatures = value;
    else if (lower !== 'authorization') headers[name] = value;
  }
  headers.Authorization = authorizationHeader(parsed);
  // The feature list lives here, not in the default headers: the transport merges it with
  // whatever a call adds, so a per-call header never replaces the defaults.
  let features: readonly string[] = Object.freeze(
    mergeFeatures(DEFAULT_FEATURES, options.features, headerFeatures),
  );
  const exhaustive = options.exhaustive === true;

  const transport = createFlywheelFetch({
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    idleTimeoutMs: options.idleTimeoutMs,
    logger: resolveLogger(options.logger),
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    ...options.retry,
    now: options.now,
    sleep: options.sleep,
    random: options.random,
    secrets: [parsed.key, options.apiKey],
    features: () => features,
  });

  // Calls built ready to send, and no Request of ours (the global fetch builds the only one).
  // A per-call fetch gets a Request built ready to send; while middleware is registered, calls
  // are plain Requests, since a middleware may swap one for a copy the transport must finish.
  const preparedCall = preparedCallClass({ features: () => features });
  const preparedRequest = flywheelRequestClass({ features: () => features });
  const plainRequest = flywheelRequestClass();
  let middlewareCount = 0;
  const client = createClient<Paths>({
    // In the form a Request gives its URL (no default port): calls are sent by URL and init, and
    // the URL they name in errors and logs is this one.
    baseUrl: new URL(baseUrl).href.replace(/\/+$/, ''),
    fetch: transport,
    Request: preparedCall,
    headers,
    bodySerializer: flywheelBodySerializer,
    // made once: left unset, openapi-fetch makes a new serializer for every call
    querySerializer: createQuerySerializer(),
  });
  const addDefaults = exhaustiveDefaults(exhaustive);
  const withRequest = (init: unknown): unknown => {
    const out = init as { Request?: unknown; fetch?: unknown };
    if (out.Request !== undefined) return out;
    if (middlewareCount > 0) return { ...out, Request: plainRequest };
    if (out.fetch !== undefined) return { ...out, Request: preparedRequest };
    return out;
  };
  const methods = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  const request = methods.request!;
  /** Send with the call's options completed (after the `exhaustive` list loads, the first time). */
  const send = (method: string, url: unknown, init: unknown): unknown => {
    const out = addDefaults(method, url as string, init);
    return out instanceof Promise
      ? out.then((o) => request(method, url, withRequest(o)))
      : request(method, url, withRequest(out));
  };
  // every verb is `request(verb, …)`, as in openapi-fetch itself
  for (const verb of ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'])
    methods[verb] = (url: unknown, init?: unknown) => send(verb, url, init);
  methods.request = (method: unknown, url: unknown, init?: unknown) =>
    send(String(method), url, init);
  const use = methods.use!;
  const eject = methods.eject!;
  methods.use = (...middleware: unknown[]) => {
    middlewareCount += middleware.length;
    return use(...middleware.map(carrying));
  };
  methods.eject = (...middleware: unknown[]) => {
    middlewareCount = Math.max(0, middlewareCount - middleware.length);
    return eject(...middleware.map(carrying));
  };
  Object.defineProperty(client, 'baseUrl', { value: baseUrl, enumerable: true });
  Object.defineProperty(client, 'raw', { value: client, enumerable: false });
  Object.defineProperty(client, 'exhaustive', { value: exhaustive, enumerable: true });
  Object.defineProperty(client, 'features', { get: () => features, enumerable: true });
  Object.defineProperty(client, 'enableFeature', {
    value: (feature: string): void => {
      if (typeof feature !== 'string' || feature.trim() === '')
        throw new ConfigurationError('enableFeature: expected a non-empty feature name');
      features = Object.freeze(mergeFeatures(features, [feature.trim()]));
    },
    enumerable: false,
  });
  return client as unknown as ApiClient<Paths>;
}
