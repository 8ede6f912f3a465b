/**
 * The transport layer: a `fetch` wrapper (given to openapi-fetch's `createClient({ fetch })`) that
 * adds per-request timeouts, abort handling, retries with backoff, and turns every non-2xx
 * response into a thrown `ApiError`. Plus the `Request` subclass and body serializer that let the
 * wrapper know whether a request body can be sent again.
 */
import { ApiAbortError, ApiConnectionError, ApiTimeoutError, FlywheelError } from './errors.js';
import { BodyIdleTimeout, guardBody, readBodyBytes } from './body.js';
import { logRequest, type Logger } from './log.js';
import { redactText, scrubError } from './redact.js';
import { abortableSleep } from './sleep.js';
import {
  hasFileValue,
  isReadableStream,
  isStreamSource,
  objectToMultipart,
  StreamingMultipartBody,
} from './multipart.js';

export type FetchLike = (input: Request) => Promise<Response>;

type AttemptInit = RequestInit & { duplex?: 'half' };

/** Per-call options (pass them next to `params`/`body` in any client call). */
export interface CallOptions {
  /** Abort the call. Aborting throws `ApiAbortError`. */
  signal?: AbortSignal | null;
  /** Time limit for each attempt, until response headers arrive (0 = none). Overrides the client's. */
  timeoutMs?: number;
  /**
   * Longest wait between two chunks of the response body, JSON or streamed (0 = none). Overrides
   * the client's (default 60000).
   */
  idleTimeoutMs?: number;
  /** Retries for this call (idempotent methods with a replayable body only). Overrides the client's. */
  maxRetries?: number;
  /**
   * Extra `X-Accept-Feature` values for this call, appended (comma-joined, no duplicates) after
   * the client's. A per-call `X-Accept-Feature` header is merged the same way.
   */
  features?: readonly string[];
  /**
   * Override the client's `exhaustive` for this call. Only operations that declare an
   * `exhaustive` query parameter get it; an explicit `params.query.exhaustive` always wins.
   */
  exhaustive?: boolean;
}

export interface RetryOptions {
  /** First backoff ceiling (ms); doubles on every attempt. Default 500. */
  baseDelayMs?: number;
  /** Largest backoff ceiling (ms). Default 8000. */
  maxDelayMs?: number;
  /** Largest honoured `Retry-After` (ms). Default 60000. */
  maxRetryAfterMs?: number;
}

export interface TransportOptions extends RetryOptions {
  /**
   * fetch to send with; it receives a `Request`. Default: the global `fetch`, looked up per call
   * and called as `fetch(url, init)`.
   */
  fetch?: FetchLike | undefined;
  timeoutMs?: number;
  /** Idle-body limit (ms) between chunks of a response body; default `DEFAULT_IDLE_TIMEOUT_MS`. */
  idleTimeoutMs?: number;
  /** Where each attempt is logged (method, URL, status, time); see `log.ts`. */
  logger?: Logger | undefined;
  maxRetries: number;
  /** Clock (ms since epoch), for HTTP-date `Retry-After`. Default `Date.now`. */
  now?: () => number;
  /** Sleep between retries; must reject when `signal` aborts. Default: a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Random source in [0, 1) for jitter. Default `Math.random`. */
  random?: () => number;
  /** Strings scrubbed from any error message (the API key). */
  secrets?: string[];
  /**
   * The client's `X-Accept-Feature` values, read for every request (so features enabled later
   * apply to later calls). The request's own header value and per-call `features` are appended.
   * When absent, the header is left as the request has it.
   */
  features?: () => readonly string[];
}

/** Default idle-body timeout: a body that sends nothing for a minute is taken as stalled. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);
/**
 * Methods retried on a retry status or a connection reset: v21's list without PATCH (not
 * idempotent) and TRACE (fetch refuses to send it at all).
 */
/** Redirect statuses the transport follows (Safe-Redirect). */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Redirects followed per attempt before giving up (the fetch standard's limit). */
export const MAX_REDIRECTS = 20;
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'PUT',
  'DELETE',
  'OPTIONS',
]);

/** Header name of the feature switches. */
export const FEATURE_HEADER = 'X-Accept-Feature';

/**
 * Merge feature lists in order, dropping empty entries and case-insensitive duplicates (the first
 * spelling wins). Strings are split on commas and whitespace (the 2019 header was space-joined).
 */
export function mergeFeatures(
  ...lists: (readonly string[] | string | null | undefined)[]
): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const list of lists) {
    const items = typeof list === 'string' ? list.split(/[\s,]+/) : (list ?? []);
    for (const item of items) {
      const feature = String(item).trim();
      const folded = feature.toLowerCase();
      if (feature === '' || seen.has(folded)) continue;
      seen.add(folded);
      out.push(feature);
    }
  }
  return out;
}

/**
 * Put the merged `X-Accept-Feature` on `headers`: the client's values, then the header's own,
 * then the call's; no header at all when nothing is left. The one place the merge is written
 * (the Request class and the transport's copies both use it).
 */
function setFeatureHeader(
  headers: Headers,
  client: readonly string[] | undefined,
  perCall: readonly string[] | undefined,
): void {
  const merged = mergeFeatures(client, headers.get(FEATURE_HEADER), perCall);
  if (merged.length > 0) headers.set(FEATURE_HEADER, merged.join(','));
  else headers.delete(FEATURE_HEADER);
}

/** @internal What the transport keeps of each call (see `prepareInit`). */
export interface RequestMeta {
  /** Original body (before the Request consumed it), to build each attempt. */
  body: BodyInit | null;
  replayable: boolean;
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  idleTimeoutMs: number | undefined;
  maxRetries: number | undefined;
  features: readonly string[] | undefined;
  /**
   * `buffer`: the body is read (under the idle timeout) inside the retried attempt, so a reset
   * mid-body is retried; `stream`: the body is handed out as a stream guarded by the idle
   * timeout. Set by the client from openapi-fetch's `parseAs`.
   */
  bodyMode: 'buffer' | 'stream';
  /**
   * Set by a client's own Request class (`flywheelRequestClass({ features })`): the request
   * already carries the merged `X-Accept-Feature`, the body's Content-Type and the redirect mode
   * the transport sends with, so the first attempt can send it as it is instead of copying it.
   */
  prepared: boolean;
  /** The redirect mode the caller asked for (a prepared request is built with `manual`). */
  redirect: RequestRedirect | undefined;
}

/** @internal What the transport keeps of each Request of a client's (see `adopt-request.ts`). */
export const requestMeta = new WeakMap<Request, RequestMeta>();

function isBinary(body: unknown): body is Blob | ArrayBuffer | ArrayBufferView | ReadableStream {
  return (
    body instanceof Blob ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    isReadableStream(body)
  );
}

/**
 * Body serializer for openapi-fetch: JSON by default; `FormData`, `URLSearchParams`, binary
 * (`Blob`, `ArrayBuffer`, typed arrays), `ReadableStream` and `multipartBody()` results pass
 * through; a plain object holding a `Blob` or stream (the typed shape of multipart operations,
 * e.g. `{ file, metadata }`) is encoded as multipart/form-data.
 */
export function flywheelBodySerializer(
  body: unknown,
  headers?: Headers | Record<string, unknown>,
): unknown {
  if (
    body instanceof FormData ||
    body instanceof URLSearchParams ||
    body instanceof StreamingMultipartBody ||
    isBinary(body)
  ) {
    return body;
  }
  if (hasFileValue(body)) return objectToMultipart(body);
  const contentType =
    headers instanceof Headers
      ? headers.get('content-type')
      : (headers?.['Content-Type'] ?? headers?.['content-type']);
  if (contentType === 'application/x-www-form-urlencoded') {
    return new URLSearchParams(body as Record<string, string>).toString();
  }
  return JSON.stringify(body);
}

type FlywheelRequestInit = RequestInit & {
  body?: BodyInit | StreamingMultipartBody | null;
  timeoutMs?: number;
  idleTimeoutMs?: number;
  maxRetries?: number;
  features?: readonly string[];
  exhaustive?: boolean;
  fwBodyMode?: 'buffer' | 'stream';
  duplex?: 'half';
};

let RequestClass: typeof Request | undefined;

/** What a client's Request class needs to build requests the transport can send unchanged. */
export interface RequestClassOptions {
  /** The client's `X-Accept-Feature` values, read for every request (see `TransportOptions`). */
  features: () => readonly string[];
}

/** The client's `X-Accept-Feature` value, joined again only when its feature list changes. */
function joinedFeatures(features: () => readonly string[]): () => string {
  let joinedFor: readonly string[] | undefined;
  let joined = '';
  return () => {
    const base = features();
    if (joinedFor !== base) {
      joinedFor = base;
      joined = mergeFeatures(base).join(',');
    }
    return joined;
  };
}

/**
 * The init a call is sent with and what the transport keeps of it: the original body and the
 * per-call options, streaming/binary bodies fixed up (duplex, Content-Type) and, for a client
 * (`clientFeatures` given), the merged features and the redirect mode the first attempt goes out
 * with, edited in place on the fresh `Headers` openapi-fetch builds for each call.
 */
function prepareInit(
  init: FlywheelRequestInit | undefined,
  clientFeatures: (() => readonly string[]) | undefined,
  joined: (() => string) | undefined,
): { init: AttemptInit; meta: RequestMeta } {
  // fetch and Request read only the RequestInit members, so the call options can stay on the
  // init: one copy of it per call, not two.
  const given: FlywheelRequestInit = init ?? {};
  const { timeoutMs, idleTimeoutMs, maxRetries, features, fwBodyMode } = given;
  let body = given.body ?? null;
  const headers =
    clientFeatures && given.headers instanceof Headers ? given.headers : new Headers(given.headers);
  const jsonDefault = body !== null && headers.get('content-type') === 'application/json';
  if (body instanceof StreamingMultipartBody) {
    headers.set('content-type', body.contentType);
    body = body.stream;
  } else if (jsonDefault && body instanceof Blob) {
    headers.set('content-type', body.type || 'application/octet-stream');
  } else if (
    jsonDefault &&
    (body instanceof ArrayBuffer || ArrayBuffer.isView(body) || isReadableStream(body))
  ) {
    headers.set('content-type', 'application/octet-stream');
  }
  const streaming = isReadableStream(body);
  const finalInit: FlywheelRequestInit = { ...given, body, headers };
  if (streaming) finalInit.duplex = 'half';
  const redirect = given.redirect;
  if (clientFeatures) {
    if (typeof FormData !== 'undefined' && body instanceof FormData) headers.delete('content-type');
    if (headers.get(FEATURE_HEADER) === null && !features?.length) {
      const value = joined!();
      if (value !== '') headers.set(FEATURE_HEADER, value);
    } else setFeatureHeader(headers, clientFeatures(), features);
    finalInit.redirect = sendRedirectMode(redirect ?? 'follow', body);
  }
  return {
    init: finalInit as AttemptInit,
    meta: {
      body: body as BodyInit | null,
      replayable: !streaming && !isStreamSource(body),
      signal: given.signal ?? undefined,
      timeoutMs,
      idleTimeoutMs,
      maxRetries,
      features,
      bodyMode: fwBodyMode ?? 'buffer',
      prepared: clientFeatures !== undefined,
      redirect: clientFeatures ? (redirect ?? 'follow') : redirect,
    },
  };
}

/**
 * A `Request` subclass (openapi-fetch's `Request` option) that remembers the original body and
 * per-call options, and fixes up streaming/binary bodies (duplex, Content-Type). Without
 * options it is one shared class and the transport finishes each request (features, redirect
 * mode) on a copy. With the client's `features`, the class does that work itself: the
 * transport sends it as built.
 */
export function flywheelRequestClass(options?: RequestClassOptions): typeof Request {
  if (!options && RequestClass) return RequestClass;
  const clientFeatures = options?.features;
  const joined = clientFeatures && joinedFeatures(clientFeatures);
  const cls = class FlywheelRequest extends Request {
    constructor(input: RequestInfo | URL, init?: FlywheelRequestInit) {
      const prepared = prepareInit(init, clientFeatures, joined);
      super(input, prepared.init);
      requestMeta.set(this, prepared.meta);
    }
  };
  if (!options) RequestClass = cls;
  return cls;
}

/**
 * A call ready to send, built in place of a `Request` (openapi-fetch's `Request` option) while
 * nothing but the transport will see it: no middleware and no per-call `fetch`. The transport
 * hands its URL and init straight to the global `fetch`, which builds the one `Request` of the
 * call itself, as a plain `fetch(url, init)` does; an injected fetch gets a `Request` made from
 * them. A Request of ours handed to undici's fetch was built twice (undici copies it, and its
 * copy follows our Request's signal): about 30 µs of client CPU per call (bench/per-call.ts).
 */
export class PreparedCall {
  readonly url: string;
  readonly method: string;
  readonly init: AttemptInit;
  /** @internal */
  readonly meta: RequestMeta;
  constructor(url: string, init: AttemptInit, meta: RequestMeta) {
    this.url = url;
    this.method = (init.method ?? 'GET').toUpperCase();
    this.init = init;
    this.meta = meta;
  }
  get headers(): Headers {
    return this.init.headers as Headers;
  }
}

/** The `PreparedCall` class of one client (its features), for openapi-fetch's `Request` option. */
export function preparedCallClass(options: RequestClassOptions): typeof Request {
  const { features } = options;
  const joined = joinedFeatures(features);
  return class extends PreparedCall {
    constructor(input: RequestInfo | URL, init?: FlywheelRequestInit) {
      const prepared = prepareInit(init, features, joined);
      super(String(input), prepared.init, prepared.meta);
    }
  } as unknown as typeof Request;
}

/**
 * The redirect mode an attempt is sent with. Redirects of ordinary requests are followed by the
 * transport (see followRedirects), not by fetch, so the rules hold whatever fetch is injected. A
 * streamed body can't be sent to a redirect target anyway, and undici's fetch keeps every chunk
 * it sent while a redirect could still be followed or handed back ('follow' and 'manual'
 * alike): a 256 MiB upload held 256 MiB until the answer came (bench/sdk-transfer.ts). With
 * 'error' it keeps none.
 */
function sendRedirectMode(asked: RequestRedirect, body: unknown): RequestRedirect {
  if (isReadableStream(body)) return 'error';
  return asked === 'follow' ? 'manual' : asked;
}

/** Retry-After (delta-seconds or HTTP date) in ms, or undefined when absent/invalid. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
/** Failures to open a connection: nothing was sent, so any method may be tried again. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN']);
const RESET_MESSAGE = /ECONNRESET|socket hang up|other side closed|connection reset/i;

/** The first string `code` along an error's `cause` chain (`ECONNREFUSED`, `UND_ERR_SOCKET`, …). */
export function errorCode(err: unknown): string | undefined {
  for (
    let e: unknown = err, depth = 0;
    e && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The messages along an error's `cause` chain, joined with `: ` (`fetch failed: connect …`). */
export function errorMessages(err: unknown): string {
  const out: string[] = [];
  for (
    let e: unknown = err, depth = 0;
    e && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const m = (e as { message?: unknown }).message;
    if (typeof m === 'string' && m !== '') out.push(m);
  }
  return out.join(': ');
}

/** True for errors that mean "the connection was reset" (safe to retry an idempotent request). */
export function isConnectionReset(err: unknown): boolean {
  const code = errorCode(err);
  return (code !== undefined && RESET_CODES.has(code)) || RESET_MESSAGE.test(errorMessages(err));
}

/** True when the connection could not be opened at all (refused, connect timeout, DNS retry). */
export function isConnectFailure(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && CONNECT_CODES.has(code);
}

/** URL for error messages, without userinfo. */
function displayUrl(url: string): string {
  // A Request's URL is already normalised; only one with userinfo needs rewriting.
  if (!url.includes('@')) return url;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Build the fetch function given to openapi-fetch. It retries idempotent requests (GET, HEAD, PUT,
 * DELETE, OPTIONS) with a replayable body on 429/502/503/504 and connection resets, and any
 * request with a replayable body when the connection could not be opened at all, with
 * exponential backoff and full jitter (or the server's `Retry-After`, capped); applies the
 * per-attempt timeout; sends the merged `X-Accept-Feature`; follows redirects itself (see
 * `followRedirects`); and throws `ApiError` for every other non-2xx response.
 */
export function createFlywheelFetch(options: TransportOptions): FetchLike {
  const injected = options.fetch;
  // The global fetch builds its own Request from a URL and init: none of ours in between.
  const send = (url: string, init: AttemptInit): Promise<Response> =>
    injected ? injected(new Request(url, init)) : globalThis.fetch(url, init);
  const sendRequest = (request: Request): Promise<Response> =>
    injected ? injected(request) : globalThis.fetch(request);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const baseDelay = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 8000;
  const maxRetryAfter = options.maxRetryAfterMs ?? 60_000;
  const secrets = (options.secrets ?? []).filter((s) => s.length > 0);
  const clientFeatures = options.features;
  const logger = options.logger;

  const backoff = (attempt: number): number =>
    Math.floor(random() * Math.min(maxDelay, baseDelay * 2 ** attempt));

  async function flywheelFetch(request: Request | PreparedCall): Promise<Response> {
    const call = request instanceof PreparedCall ? request : undefined;
    const meta: RequestMeta = call?.meta ??
      requestMeta.get(request as Request) ?? {
        body: (request as Request).body,
        replayable: (request as Request).body === null,
        signal: undefined,
        timeoutMs: undefined,
        idleTimeoutMs: undefined,
        maxRetries: undefined,
        features: undefined,
        bodyMode: 'buffer',
        prepared: false,
        redirect: undefined,
      };
    // the call's own fetch settings (credentials, cache, keepalive), for attempts built afresh
    const settings: RequestInit = call?.init ?? (request as Request);
    const method = request.method.toUpperCase();
    const url = displayUrl(request.url);
    // A prepared request carries the caller's signal itself; any other Request always has one.
    const userSignal: AbortSignal | undefined =
      meta.signal ?? (meta.prepared ? undefined : (request as Request).signal);
    const timeoutMs = meta.timeoutMs ?? options.timeoutMs ?? 0;
    const maxRetries = Math.max(0, meta.maxRetries ?? options.maxRetries);
    const retryable = IDEMPOTENT_METHODS.has(method) && meta.replayable;
    const askedRedirect = meta.redirect ?? (request as Request).redirect;
    // The headers of attempts that are built afresh (retries, timeouts, plain Requests), made
    // once on first use. FormData bodies carry their own boundary: drop the first encoding's
    // Content-Type so each attempt gets a header matching its own encoding.
    let copied: Headers | undefined;
    const attemptHeaders = (): Headers => {
      if (copied) return copied;
      const headers = new Headers(request.headers);
      if (typeof FormData !== 'undefined' && meta.body instanceof FormData)
        headers.delete('content-type');
      // a prepared request had its features merged when it was built
      if (!meta.prepared && (clientFeatures || meta.features?.length))
        setFeatureHeader(headers, clientFeatures?.(), meta.features);
      return (copied = headers);
    };

    const idleMs = meta.idleTimeoutMs ?? options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const aborted = (): boolean => userSignal?.aborted === true;
    const abortError = (): ApiAbortError =>
      new ApiAbortError({ method, url, cause: userSignal?.reason });
    const redirectFailure = (message: string): never => {
      throw new ApiConnectionError(`${method} ${url} failed: ${message}`, { method, url });
    };
    const connectionError = (err: unknown, what = 'failed'): ApiConnectionError =>
      new ApiConnectionError(
        redactText(
          `${method} ${url} ${what}: ${errorMessages(err) || 'connection error'}`,
          secrets,
        ),
        { method, url, code: errorCode(err), cause: err },
      );
    const pause = (ms: number): Promise<void> =>
      sleep(ms, userSignal).catch(() => {
        throw abortError();
      });

    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < maxRetries && meta.replayable;
      if (aborted()) throw abortError();
      const started = now();
      const log = (status: number | string): void =>
        logRequest(logger, { method, url, status, ms: now() - started, attempt });

      // The first attempt of a prepared request with no time limit goes out as it was built: no
      // copy, no AbortController (the caller's signal is already on it).
      const asBuilt = attempt === 0 && meta.prepared && timeoutMs === 0;
      let controller: AbortController | undefined;
      let release = (): void => undefined;
      let timedOut = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (!asBuilt) {
        const own = new AbortController();
        controller = own;
        if (userSignal) {
          const onUserAbort = (): void => own.abort(userSignal.reason);
          userSignal.addEventListener('abort', onUserAbort, { once: true });
          release = () => userSignal.removeEventListener('abort', onUserAbort);
        }
        if (timeoutMs > 0)
          timer = setTimeout(() => {
            timedOut = true;
            own.abort(new ApiTimeoutError({ method, url, timeoutMs }));
          }, timeoutMs);
      }

      const body = meta.replayable ? meta.body : call ? call.init.body : (request as Request).body;
      const followHere = askedRedirect === 'follow';
      let init: AttemptInit | undefined;
      const attemptInit = (): AttemptInit => {
        if (init) return init;
        init = {
          method: request.method,
          headers: asBuilt ? request.headers : attemptHeaders(),
          body: method === 'GET' || method === 'HEAD' ? null : body,
          signal: controller?.signal ?? userSignal ?? null,
          redirect: sendRedirectMode(askedRedirect, body),
          credentials: settings.credentials,
          cache: settings.cache,
          keepalive: settings.keepalive,
        };
        if (isReadableStream(body)) init.duplex = 'half';
        return init;
      };

      let response: Response;
      try {
        response = await (!asBuilt
          ? send(request.url, attemptInit())
          : call
            ? send(call.url, call.init)
            : sendRequest(request as Request));
        if (followHere && sendRedirectMode(askedRedirect, body) === 'manual') {
          if (response.type === 'opaqueredirect') {
            // Browsers hide the target of a manual redirect: let the browser follow it (its fetch
            // drops Authorization on a cross-origin hop, as the fetch standard requires).
            response = await send(request.url, { ...attemptInit(), redirect: 'follow' });
          } else if (REDIRECT_STATUSES.has(response.status)) {
            // The redirect rules load with the first redirect answer (a smaller first load).
            const { followRedirects } = await import('./redirects.js');
            response = await followRedirects(send, response, request.url, attemptInit(), {
              statuses: REDIRECT_STATUSES,
              max: MAX_REDIRECTS,
              fail: redirectFailure,
            });
          }
        }
      } catch (err) {
        release();
        if (aborted()) throw abortError();
        const failure = timedOut
          ? new ApiTimeoutError({ method, url, timeoutMs })
          : err instanceof FlywheelError
            ? err
            : connectionError(err);
        log(failure.name);
        // A timeout of an idempotent request is retried like a reset: nothing is known to have
        // been applied twice, and the next attempt may find a healthy connection.
        const transient =
          (retryable && (timedOut || isConnectionReset(err))) ||
          (!timedOut && isConnectFailure(err));
        if (canRetry && transient) {
          await pause(backoff(attempt));
          continue;
        }
        throw failure;
      } finally {
        if (timer !== undefined) clearTimeout(timer);
      }

      if (response.ok) {
        if (meta.bodyMode === 'stream' && response.body) {
          log(response.status);
          // Handed out as a stream: the idle timeout still bounds every chunk, and a failure
          // mid-body reaches the reader as a typed error.
          const guarded = guardBody(
            response.body,
            idleMs,
            (err) =>
              scrubError(
                aborted()
                  ? abortError()
                  : err instanceof BodyIdleTimeout
                    ? new ApiTimeoutError({ method, url, timeoutMs: idleMs, phase: 'body' })
                    : connectionError(err, 'body failed'),
                secrets,
              ),
            release,
          );
          return rebuild(response, guarded);
        }
        // JSON (and text) answers are read here, inside the retried attempt, so a body that
        // breaks or stalls after the headers is retried like a reset before the headers.
        let read: ReadBody;
        try {
          read = readComplete(response, await readBodyBytes(response.body, idleMs));
        } catch (err) {
          controller?.abort();
          release();
          if (aborted()) throw abortError();
          const failure =
            err instanceof BodyIdleTimeout
              ? new ApiTimeoutError({ method, url, timeoutMs: idleMs, phase: 'body' })
              : connectionError(err, 'body failed');
          log(`${response.status} ${failure.name}`);
          if (canRetry && retryable) {
            await pause(backoff(attempt));
            continue;
          }
          throw failure;
        }
        release();
        log(response.status);
        return answered(response, read);
      }

      release();
      log(response.status);
      if (RETRY_STATUSES.has(response.status) && retryable && canRetry) {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now());
        const delay =
          retryAfter !== undefined ? Math.min(retryAfter, maxRetryAfter) : backoff(attempt);
        await response.body?.cancel().catch(() => undefined);
        await pause(delay);
        continue;
      }
      // The error classes load with the first error answer (a smaller first load), while its
      // body is read (under the idle limit; an unreadable body leaves the status and headers).
      // Should they fail to load (a browser gone offline), the status still gets through.
      const [errors, bytes] = await Promise.all([
        import('./api-errors.js').catch((err: unknown) => {
          throw new FlywheelError(`${method} ${url}: HTTP ${response.status}`, { cause: err });
        }),
        readBodyBytes(response.body, idleMs).catch(() => undefined),
      ]);
      throw errors.errorForAnswer(response, bytes, { method, url });
    }
  }

  // Every error leaves the transport scrubbed of the key, whatever produced it.
  return async function scrubbedFetch(request: Request | PreparedCall): Promise<Response> {
    try {
      return await flywheelFetch(request);
    } catch (err) {
      throw scrubError(err, secrets);
    }
  };
}

/** A response with the same status and headers around an already read or guarded body. */
function rebuild(response: Response, body: BodyInit | null): Response {
  const nullBody = response.status === 204 || response.status === 205 || response.status === 304;
  return new Response(nullBody ? null : body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** A body read in full: its bytes and, for JSON, the text and the value it parsed to. */
interface ReadBody {
  bytes: Uint8Array<ArrayBuffer>;
  text?: string;
  json?: unknown;
}

const decoder = new TextDecoder();

/**
 * A JSON answer cut short by a closed connection (no Content-Length, close-delimited) reads
 * without an error but does not parse: count it as a broken body, not as a success. The JSON is
 * parsed here once, and the caller's `json()` gets that value (see `answered`); a chunked answer,
 * which openapi-fetch reads as text and parses itself, is not parsed here.
 */
function readComplete(response: Response, bytes: Uint8Array): ReadBody {
  const headers = response.headers;
  const declared = headers.get('content-length');
  // Only a length that disagrees needs the encoding looked up (a decoded body is longer).
  if (declared !== null && Number(declared) !== bytes.byteLength && /^\d+$/.test(declared)) {
    const encoding = headers.get('content-encoding');
    if (encoding === null || encoding === 'identity')
      throw new Error(`body ended after ${bytes.byteLength} of ${declared} bytes`);
  }
  const read: ReadBody = { bytes: bytes as Uint8Array<ArrayBuffer> };
  if (bytes.byteLength === 0) return read;
  const type = headers.get('content-type');
  if (type === null || !/json/i.test(type)) return read;
  // Without a Content-Length openapi-fetch reads `text()` and parses that itself. A chunked body
  // cannot end short unnoticed (its framing breaks), so parsing it here too would be a waste.
  if (declared === null && /chunked/i.test(headers.get('transfer-encoding') ?? '')) return read;
  read.text = decoder.decode(bytes);
  try {
    read.json = JSON.parse(read.text) as unknown;
  } catch {
    throw new Error('body ended before the JSON was complete');
  }
  return read;
}

/** What was read of each answered response (see `answered`). */
const readBodies = new WeakMap<Response, ReadBody & { used?: boolean }>();

/**
 * Answer one body read. The parsed value and the text are handed out once and then let go: the
 * Response can outlive the call (in a walk of pages it did; what held it was not traced), and a
 * page kept alive that long survives the young-generation GCs: a walk of 250-item pages ran at
 * 1.16-1.19x a raw loop with it, 1.03-1.06x without. The bytes stay, for `clone()`.
 */
function take<T>(response: Response, value: (read: ReadBody) => T): Promise<T> {
  const read = readBodies.get(response)!;
  if (read.used)
    return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
  read.used = true;
  try {
    const answer = value(read);
    delete read.json;
    delete read.text;
    return Promise.resolve(answer);
  } catch (err) {
    return Promise.reject(err);
  }
}

const textOf = (read: ReadBody): string => read.text ?? decoder.decode(read.bytes);

/** The answered subclass of each Response class seen (by prototype). */
const answeredPrototypes = new WeakMap<object, object>();

/**
 * The prototype of a Response whose body was read by the transport: its body methods answer from
 * what was read. It extends the class the response itself has, which is not always the global
 * `Response` (@hono/node-server, for one, replaces the global with its own class, while `fetch`
 * still answers undici's), so the inherited getters (`status`, `headers`) keep working.
 */
function answeredPrototype(proto: object): object | undefined {
  const known = answeredPrototypes.get(proto);
  if (known) return known;
  const Base = (proto as { constructor?: unknown }).constructor;
  if (typeof Base !== 'function' || !(Base.prototype === proto)) return undefined;
  const Answered = class extends (Base as typeof Response) {
    override json(): Promise<any> {
      return take(this, (read) => ('json' in read ? read.json : JSON.parse(textOf(read))));
    }
    override text(): Promise<string> {
      return take(this, textOf);
    }
    override arrayBuffer(): Promise<ArrayBuffer> {
      return take(this, (read) => read.bytes.slice().buffer);
    }
    override blob(): Promise<Blob> {
      return take(
        this,
        (read) => new Blob([read.bytes], { type: this.headers.get('content-type') ?? '' }),
      );
    }
    override bytes(): Promise<Uint8Array<ArrayBuffer>> {
      return take(this, (read) => read.bytes.slice());
    }
    override formData(): Promise<FormData> {
      return take(this, (read) => this.rebuilt(read)).then((r) => r.formData());
    }
    override clone(): Response {
      return this.rebuilt(readBodies.get(this)!);
    }
    private rebuilt(read: ReadBody): Response {
      return rebuild(this, read.bytes.byteLength > 0 ? read.bytes.slice() : null);
    }
  };
  answeredPrototypes.set(proto, Answered.prototype);
  return Answered.prototype;
}

/**
 * The answer handed back once its body is read: the same Response object (status, headers, type,
 * url), moved onto a subclass whose body methods answer from what was read. Cheaper than a new
 * Response around the bytes (a stream and a body per call), and `json()` does not parse a second
 * time. Each body method can be called once, as on a real body.
 */
function answered(response: Response, read: ReadBody): Response {
  const nullBody = response.status === 204 || response.status === 205 || response.status === 304;
  if (nullBody) return rebuild(response, null);
  const proto = answeredPrototype(Object.getPrototypeOf(response) as object);
  if (!proto) return rebuild(response, read.bytes.byteLength > 0 ? read.bytes : null);
  readBodies.set(response, read);
  Object.setPrototypeOf(response, proto);
  return response;
}
