/**
 * The runtime behind every generated client method: builds the request from `@fw/api`'s
 * operation table (path parameters, query parameters with `x-sdk-default`s, JSON or multipart
 * body), sends it through the typed `@fw/api` client, and shapes the answer (unwrap created ids,
 * wrap SDK objects, stream or buffer downloads, build ticket URLs).
 */
import {
  ConfigurationError,
  parseApiKey,
  createApiClient,
  scrubError,
  type ApiClient,
  type FetchLike,
  type Logger,
  type OperationInfo,
  type RetryOptions,
} from '@fw/api';
import { createFinder, type Finder } from '../finders/finder.js';
import { AUTH_STATUS_PATH, authCheckError, type AuthStatus } from './auth.js';
import {
  responseInfo,
  withResponseOf,
  type OnResponse,
  type ResponseInfo,
} from './raw-response.js';
import { xhrAwareFetch, xhrUploadsSupported } from '../files/xhr-route.js';
import { wrapModel } from '../models/base.js';
import type { SdkContext } from '../models/context.js';
import { serializeDates } from '../models/dates.js';
import type { DownloadDestination, DownloadOptions, Platform, ReadOptions } from './platform.js';
import type { UploadInput, UploadOptions } from './op-types.js';
import { SDK_VERSION } from './version.js';
import { loadedOperations, loadOperations, operationIn } from './operations.js';

/** Options of `new Client(apiKey, options)`. */
export interface ClientOptions {
  /** API base URL, overriding the one derived from the key (`http://127.0.0.1:8080/api`). */
  baseUrl?: string;
  /** Per-request time limit in milliseconds (until response headers arrive). Default: none. */
  timeoutMs?: number;
  /**
   * Longest wait in ms between two chunks of a response body (JSON or download). Default 60000;
   * 0 turns it off.
   */
  idleTimeoutMs?: number;
  /**
   * Retries of idempotent requests on 429/502/503/504, resets and timeouts (also of downloads
   * that break mid-body). Default 2.
   */
  maxRetries?: number;
  /** Backoff tuning (`baseDelayMs`, `maxDelayMs`, `maxRetryAfterMs`). */
  retry?: RetryOptions;
  /**
   * Log each request (method, URL, status, time; never the key). Default none, or
   * `console.debug` when `FW_LOG=debug` is set.
   */
  logger?: Logger;
  /**
   * fetch implementation (receives a `Request`). Default: the runtime's `fetch`. On the Node
   * entry with `FW_SSL_CERT_FILE` set, it is called as `fetch(request, { dispatcher })`: pass
   * the second argument on to Node's `fetch` (`(req, init) => fetch(req, init)`) and the CA
   * bundle keeps being trusted.
   */
  fetch?: FetchLike;
  /** Product token put in front of the User-Agent (`my-app/1.0`). */
  userAgent?: string;
  /**
   * Extra `X-Accept-Feature` values, sent after the v21 defaults
   * (`Safe-Redirect,multipart_signed_url`) on every request.
   */
  features?: readonly string[];
  /**
   * List every container a site admin could see, not only those the user has permissions on
   * (`exhaustive=true` on the list and resolve operations that take it). Default `false`.
   */
  exhaustive?: boolean;
  /** Extra default headers. */
  headers?: Record<string, string>;
  /**
   * Skip the key check (`GET /auth/status` before the first request; Python's
   * `disable_auth_check`). Default `false`. Set it for device (drone) keys, or to save the
   * request when the key is known to be good; a bad key then fails on the first real call.
   */
  disableAuthCheck?: boolean;
  /** @internal runtime hooks (set by the `@fw/sdk/node` entry). */
  platform?: Platform;
}

/** How a generated method asks for a JSON call. */
export interface InvokeSpec {
  op: string;
  path: readonly string[];
  body?: unknown;
  query?: object | undefined;
  /** `x-fw-model` name to wrap the answer in, or `'*'` to pick the class by `container_type`. */
  model?: string;
  /** Property of the answer to return (`x-fw-return`). */
  unwrap?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** `x-sdk-positional`: a bare (non-object) body is sent as `{ [positional]: body }`. */
  positional?: string;
}

const CALL_OPTION_KEYS = new Set(['signal', 'timeoutMs', 'idleTimeoutMs', 'maxRetries']);
const SDK_OPTION_KEYS = new Set(['onProgress', 'metadata', 'onResponse']);

const declaredSets = new WeakMap<OperationInfo, ReadonlySet<string>>();
/** The query parameter names of an operation, as a set made once per operation. */
function declaredQuery(info: OperationInfo): ReadonlySet<string> {
  let set = declaredSets.get(info);
  if (!set) declaredSets.set(info, (set = new Set(info.queryParams.map((q) => q.name))));
  return set;
}

/** Percent-encode a path parameter like Python's `quote(v, safe='')`. */
export function encodePathParam(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `get_project` → `getProject`. */
export function camelCase(name: string): string {
  const camel = name.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
  return camel.charAt(0).toLowerCase() + camel.slice(1);
}

export const LOGIN_HELP =
  'No API key given. Pass one (`new Client("host:port:KEY")`, the key is on your Flywheel profile page), ' +
  'or on Node import { Client } from "@fw/sdk/node", which reads the Flywheel CLI login ' +
  '(~/.config/flywheel/user.json, created by `fw login <key>`).';

export abstract class ClientCore implements SdkContext {
  /** The typed `@fw/api` client, for raw calls: `await fw.api.GET('/projects/{project_id}', { params: { path: { project_id } } })`. */
  readonly api: ApiClient;
  /** @internal */
  declare readonly _platform: Platform;
  /** @internal */
  /** @internal The fetch the API client was given (undefined: the runtime's). */
  declare readonly _rawFetch: FetchLike | undefined;
  /** @internal Whether uploads with progress go through XMLHttpRequest (browsers, no custom fetch). */
  declare readonly _xhrUploads: boolean;
  /** @internal Retries of the client (downloads that break mid-body are sent again). */
  declare readonly _maxRetries: number;
  /** @internal Remove the key from an error (message, stack, fields, causes). */
  declare readonly _scrub: <T>(err: T) => T;
  /** @internal Whether the key check is off (`disableAuthCheck`). */
  declare readonly _authCheckDisabled: boolean;
  /** @internal The shared key check (holds the key's secrets in its closure, not on the object). */
  declare readonly _authCheck: () => Promise<AuthStatus>;

  constructor(apiKey?: string | null, options: ClientOptions = {}) {
    const platform = options.platform ?? {};
    Object.defineProperty(this, '_platform', { value: platform, enumerable: false });
    platform.setup?.();
    let key = apiKey ?? undefined;
    if (!key) {
      if (!platform.readCredentials) throw new ConfigurationError(LOGIN_HELP);
      key = platform.readCredentials();
    }
    const features = options.features ?? [];
    const fetchImpl = options.fetch
      ? (platform.wrapFetch?.(options.fetch) ?? options.fetch)
      : platform.fetch;
    // storage PUTs of signed-URL uploads go through the same fetch, without the API's headers
    Object.defineProperty(this, '_rawFetch', { value: fetchImpl, enumerable: false });
    // browsers without a custom fetch: marked uploads go through XHR for real progress events
    const xhrUploads = !fetchImpl && xhrUploadsSupported();
    Object.defineProperty(this, '_xhrUploads', { value: xhrUploads, enumerable: false });
    this.api = createApiClient({
      apiKey: key,
      features,
      ...(options.exhaustive !== undefined ? { exhaustive: options.exhaustive } : {}),
      userAgent: [options.userAgent, `@fw/sdk/${SDK_VERSION}`].filter(Boolean).join(' '),
      ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
      ...(fetchImpl ? { fetch: fetchImpl } : xhrUploads ? { fetch: xhrAwareFetch } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    });
    Object.defineProperty(this, 'api', { enumerable: false });
    Object.defineProperty(this, '_maxRetries', { value: options.maxRetries ?? 2 });
    const secrets = [key];
    try {
      secrets.push(parseApiKey(key).key);
    } catch {
      // createApiClient accepted the key already
    }
    Object.defineProperty(this, '_scrub', {
      value: <T>(err: T): T => scrubError(err, secrets),
      enumerable: false,
    });
    Object.defineProperty(this, '_authCheckDisabled', {
      value: options.disableAuthCheck === true,
      enumerable: false,
    });
    Object.defineProperty(this, '_authCheck', {
      value: this._makeAuthCheck(key),
      enumerable: false,
    });
  }

  /** @internal One shared `GET /auth/status`: success is kept, a 401/403 is kept, anything else is retried next time. */
  private _makeAuthCheck(apiKey: string): () => Promise<AuthStatus> {
    const secrets = [apiKey];
    try {
      secrets.push(parseApiKey(apiKey).key);
    } catch {
      // createApiClient already accepted the key; nothing more to redact
    }
    let pending: Promise<AuthStatus> | undefined;
    return () => {
      pending ??= (async () => {
        const request = (
          this.api as unknown as {
            request(m: string, p: string, i: object): Promise<{ data: unknown }>;
          }
        ).request;
        try {
          const { data } = await request.call(this.api, 'get', AUTH_STATUS_PATH, {});
          return (data && typeof data === 'object' ? data : {}) as AuthStatus;
        } catch (err) {
          const mapped = await authCheckError(err, this.api.baseUrl, secrets);
          // A refused key stays refused; a network error or a 5xx may pass next time.
          if (mapped === err) pending = undefined;
          throw mapped;
        }
      })();
      return pending;
    };
  }

  /**
   * Check the API key now with `GET /auth/status` and resolve to the answer (who the key
   * belongs to, `is_device`, `user_is_admin`, `roles`). The client runs this check by itself
   * before its first request unless `disableAuthCheck` is set; it happens once per client, and
   * calls made while it is in flight wait for the same request. A key the site refuses (401 or
   * 403) rejects with an `AuthenticationError` that names the site and never contains the key.
   */
  checkAuth(): Promise<AuthStatus> {
    return this._authCheck();
  }

  /**
   * The data of an SDK call together with its raw HTTP response and request id:
   * `const { data, response, requestId } = await fw.withResponse((o) => fw.getProject(id, o))`.
   * `call` gets the options to pass to any SDK method (their `onResponse` records the response).
   */
  withResponse<T>(
    call: (options: { onResponse: OnResponse }) => Promise<T>,
  ): Promise<{ data: T } & ResponseInfo> {
    return withResponseOf(call);
  }

  /** The API base URL (`https://host:443/api`). */
  get baseUrl(): string {
    return this.api.baseUrl;
  }

  // ---- SdkContext ----------------------------------------------------------------------------

  hasOp(name: string): boolean {
    return typeof (this as unknown as Record<string, unknown>)[camelCase(name)] === 'function';
  }

  callOp(name: string, ...args: unknown[]): Promise<any> {
    const fn = (this as unknown as Record<string, unknown>)[camelCase(name)];
    if (typeof fn !== 'function') {
      return Promise.reject(
        new Error(
          `The API has no "${name}" operation (client method ${camelCase(name)}), so this call is not available`,
        ),
      );
    }
    return (fn as (...a: unknown[]) => Promise<unknown>).apply(this, args);
  }

  listFinder<T>(
    operationId: string,
    bound: readonly string[],
    description: string,
    modelName?: string,
  ): Finder<T> {
    // the operation table is loaded by the finder's first use, before any item is wrapped
    let model = modelName;
    const info = async (): Promise<OperationInfo> => {
      const found = await this._info(operationId);
      model ??=
        typeof found.extensions['x-fw-list'] === 'string'
          ? (found.extensions['x-fw-list'] as string)
          : found.responseSchema?.replace(/\[\]$/, '');
      return found;
    };
    return createFinder<T>({
      description,
      params: async () => declaredQuery(await info()),
      operation: operationId,
      list: async (query, withTotal) => {
        const data = await this._send(await info(), bound, {
          query,
          // @fw/api appends per-call features to the client's (Safe-Redirect,multipart_signed_url,…)
          ...(withTotal ? { headers: { 'X-Accept-Feature': 'pagination' } } : {}),
        });
        if (Array.isArray(data)) return { results: data };
        const page = data as { results?: unknown[]; total?: number } | undefined;
        return {
          results: page?.results ?? [],
          ...(typeof page?.total === 'number' ? { total: page.total } : {}),
        };
      },
      wrap: (raw) => wrapModel(this, model, raw) as T,
    });
  }

  // ---- used by the generated methods ---------------------------------------------------------

  /** @internal An operation's entry in the table (loaded by the first call: `./operations.ts`). */
  async _info(op: string): Promise<OperationInfo> {
    return operationIn(loadedOperations() ?? (await loadOperations()), op);
  }

  /** @internal Split an options object into query parameters (with defaults) and call options. */
  _split(
    info: OperationInfo,
    options: object | undefined,
  ): { query: Record<string, unknown>; call: Record<string, unknown> | undefined } {
    const query: Record<string, unknown> = {};
    let call: Record<string, unknown> | undefined;
    const declared = declaredQuery(info);
    if (options) {
      for (const k of Object.keys(options)) {
        const v = (options as Record<string, unknown>)[k];
        if (v === undefined) continue;
        if (CALL_OPTION_KEYS.has(k)) (call ??= {})[k] = v;
        else if (SDK_OPTION_KEYS.has(k)) continue;
        else if (declared.has(k)) query[k] = v;
        else {
          throw new TypeError(
            `${camelCase(info.id)}: unknown option "${k}" (query parameters: ${[...declared].join(', ') || 'none'})`,
          );
        }
      }
    }
    for (const q of info.queryParams) {
      if (q.default !== undefined && !(q.name in query)) query[q.name] = q.default;
    }
    return { query, call };
  }

  /** @internal */
  _pathParams(info: OperationInfo, values: readonly string[]): Record<string, string> {
    if (values.length !== info.pathParams.length) {
      throw new TypeError(
        `${camelCase(info.id)} expects ${info.pathParams.length} path parameter(s) (${info.pathParams.join(', ')})`,
      );
    }
    const out: Record<string, string> = {};
    for (let i = 0; i < values.length; i++) {
      const name = info.pathParams[i]!;
      const v = values[i];
      if (typeof v !== 'string' || v === '') {
        throw new TypeError(
          `${camelCase(info.id)}: "${camelCase(name)}" must be a non-empty string, got ${JSON.stringify(v)}`,
        );
      }
      out[name] = v;
    }
    return out;
  }

  /** @internal Send one request; resolves with the parsed JSON (or the raw result for streams). */
  async _send(
    info: OperationInfo,
    path: readonly string[],
    init: {
      query?: object | undefined;
      body?: unknown;
      headers?: Record<string, string> | undefined;
      parseAs?: 'stream';
      raw?: boolean;
      extra?: Record<string, unknown>;
    },
  ): Promise<any> {
    try {
      const given = init.query as { onResponse?: unknown } | undefined;
      const onResponse = given?.onResponse;
      if (onResponse !== undefined && typeof onResponse !== 'function')
        throw new TypeError(`${camelCase(info.id)}: onResponse must be a function`);
      const { query, call } = this._split(info, given);
      if (!this._authCheckDisabled && info.path !== AUTH_STATUS_PATH) await this._authCheck();
      // Built property by property: each spread of an optional part cost about 0.7 µs in a
      // micro-benchmark, against about 4 µs for the SDK's whole share of a call.
      const options: Record<string, unknown> = {
        params: { path: this._pathParams(info, path), query },
      };
      if (init.body !== undefined) options.body = init.body;
      if (init.headers) options.headers = init.headers;
      if (init.parseAs) options.parseAs = init.parseAs;
      if (call) Object.assign(options, call);
      if (init.extra) Object.assign(options, init.extra);
      const request = (
        this.api as unknown as {
          request(m: string, p: string, i: object): Promise<{ data: unknown; response: Response }>;
        }
      ).request;
      const result = await request.call(this.api, info.method, info.path, options);
      if (typeof onResponse === 'function') onResponse(responseInfo(result.response));
      return init.raw ? result : result.data;
    } catch (err) {
      throw this._scrub(err);
    }
  }

  /** @internal JSON operations. */
  async _invoke(spec: InvokeSpec): Promise<unknown> {
    const table = loadedOperations();
    const info = table ? operationIn(table, spec.op) : await this._info(spec.op);
    const given =
      spec.positional &&
      spec.body !== undefined &&
      (spec.body === null || typeof spec.body !== 'object')
        ? { [spec.positional]: spec.body }
        : spec.body;
    const body = given === undefined ? undefined : serializeDates(given);
    let data = await this._send(info, spec.path, {
      query: spec.query,
      body,
      headers: spec.headers,
    });
    if (spec.unwrap && data && typeof data === 'object')
      data = (data as Record<string, unknown>)[spec.unwrap];
    if (spec.model) data = wrapModel(this, spec.model === '*' ? undefined : spec.model, data);
    return data;
  }

  /**
   * @internal Uploads: the signed-URL or the multipart flow (`files/upload-flow.ts`), loaded by
   * the first upload so that a bundle keeps it out of its first chunk.
   */
  async _upload(spec: {
    op: string;
    path: readonly string[];
    file: UploadInput | UploadInput[];
    query?: (UploadOptions & object) | undefined;
    model?: string;
  }): Promise<unknown> {
    const { isSignedCapable, runUpload } = await import('../files/upload-flow.js');
    let data = await runUpload(this, spec as Parameters<typeof runUpload>[1]);
    // file uploads answer the saved files: FileEntry objects
    const model = spec.model ?? (isSignedCapable(spec.op) ? 'FileEntry' : undefined);
    if (model && data !== undefined && data !== null)
      data = wrapModel(this, model === '*' ? undefined : model, data);
    return data;
  }

  /**
   * @internal Stream a binary response to a path (Node entry) or a WritableStream
   * (`download-flow.ts`, loaded by the first download).
   */
  async _download(
    op: string,
    path: readonly string[],
    dest: DownloadDestination,
    options: DownloadOptions & object = {},
  ): Promise<void> {
    const { downloadOperation } = await import('./download-flow.js');
    return downloadOperation(this, op, path, dest, options);
  }

  /** @internal A binary response, buffered (`download-flow.ts`). */
  async _readBytes(
    op: string,
    path: readonly string[],
    options: ReadOptions & object = {},
  ): Promise<Uint8Array> {
    const { readOperationBytes } = await import('./download-flow.js');
    return readOperationBytes(this, op, path, options);
  }

  /** @internal Ask for a download ticket and build the URL that uses it (no API key needed). */
  async _ticketUrl(op: string, path: readonly string[], options: object = {}): Promise<string> {
    const info = await this._info(op);
    const data = (await this._send(info, path, { query: { ...options, ticket: '' } })) as
      { ticket?: string } | undefined;
    if (!data?.ticket) throw new Error(`${camelCase(op)}: the server returned no download ticket`);
    const params = this._pathParams(info, path);
    const resolved = info.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
      encodePathParam(params[name]!),
    );
    return `${this.api.baseUrl}${resolved}?ticket=${encodeURIComponent(data.ticket)}`;
  }
}
