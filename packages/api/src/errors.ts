/**
 * Error hierarchy. Every error thrown by this package extends `FlywheelError`.
 *
 * None of these objects ever holds request headers, so the API key (sent only in the
 * `Authorization` header) cannot end up in a message, an enumerable field or a log line.
 */

/** Base class of every error thrown by `@fw/api`. */
export class FlywheelError extends Error {
  override name = 'FlywheelError';
  /**
   * Stable, machine-readable kind of error (`FW_NOT_FOUND`, `FW_TIMEOUT`, …); for
   * `ApiConnectionError` the low-level code (`ECONNRESET`) when one is known.
   */
  readonly code: string = 'FW_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Invalid client configuration (thrown synchronously by `createApiClient`, before any request). */
export class ConfigurationError extends FlywheelError {
  override name = 'ConfigurationError';
  override readonly code: string = 'FW_CONFIGURATION';
}

/** The API key string is malformed. The message never contains the key. */
export class ApiKeyError extends ConfigurationError {
  override name = 'ApiKeyError';
  override readonly code: string = 'FW_API_KEY';
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Standard reason phrase for a status (used when the response carries none, e.g. HTTP/2). */
export function reasonPhrase(status: number): string {
  return (
    REASONS[status] ?? (status >= 500 ? 'Server Error' : status >= 400 ? 'Client Error' : 'Unknown')
  );
}

export interface ApiErrorInit {
  status: number;
  /** HTTP reason phrase of the response (`statusText`). */
  reason?: string;
  body?: unknown;
  headers?: Headers;
  method: string;
  url: string;
}

/** `detail` of a v21 error body as text: strings as they are, structured details as JSON. */
function detailText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * A non-2xx HTTP response. Python SDK equivalent: `ApiException` (also exported under that name).
 * `String(err)` is `(404) Reason: <reason>` plus `\nDetail: <detail>` when the body had one.
 */
export class ApiError extends FlywheelError {
  override name = 'ApiError';
  override readonly code: string = 'FW_API_ERROR';
  /** HTTP status code. */
  readonly status: number;
  /**
   * The JSON error body's `message` (v21); when the body is not JSON or has no `message`, the HTTP
   * reason phrase (`Not Found`).
   */
  readonly reason: string;
  /** The HTTP reason phrase (`Not Found`), whatever the body says. */
  readonly statusText: string;
  /**
   * The JSON error body's `detail` (v21): a string as sent; a structured detail (FastAPI-style
   * validation lists) as its JSON text; the raw value stays in `body.detail`. Undefined otherwise.
   */
  readonly detail: string | undefined;
  /** Response body: parsed JSON when it parses, else the text (undefined when empty). */
  readonly body: unknown;
  /** `request_id` of the JSON error body, else the `X-Request-Id` response header. */
  readonly requestId: string | undefined;
  /** Request method (`GET`). */
  readonly method: string;
  /** Request URL (no credentials: the key only ever travels in a header). */
  readonly url: string;
  /** Response headers (non-enumerable). */
  declare readonly headers: Headers | undefined;

  constructor(init: ApiErrorInit) {
    const statusText = init.reason || reasonPhrase(init.status);
    const body = init.body;
    const obj =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : undefined;
    const message =
      obj && typeof obj.message === 'string' && obj.message !== '' ? obj.message : undefined;
    const reason = message ?? statusText;
    const detail = obj ? detailText(obj.detail) : undefined;
    super(formatApiError(init.status, reason, detail));
    this.status = init.status;
    this.reason = reason;
    this.statusText = statusText;
    this.detail = detail;
    this.body = body;
    const bodyRequestId = obj && typeof obj.request_id === 'string' ? obj.request_id : undefined;
    this.requestId = bodyRequestId ?? init.headers?.get('x-request-id') ?? undefined;
    this.method = init.method;
    this.url = init.url;
    // Non-enumerable: keeps JSON/console output small; response headers never carry the key.
    Object.defineProperty(this, 'headers', {
      value: init.headers,
      enumerable: false,
      writable: false,
    });
  }

  /** `(404) Reason: …`, `Detail: …` when there is one, then the request (`GET https://…`). */
  override toString(): string {
    return `${formatApiError(this.status, this.reason, this.detail)}\nRequest: ${this.method} ${this.url}`;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      status: this.status,
      reason: this.reason,
      statusText: this.statusText,
      detail: this.detail,
      requestId: this.requestId,
      method: this.method,
      url: this.url,
      body: this.body,
    };
  }
}

function formatApiError(status: number, reason: string, detail: string | undefined): string {
  return `(${status}) Reason: ${reason}${detail !== undefined ? `\nDetail: ${detail}` : ''}`;
}

/** 400 */
export class BadRequestError extends ApiError {
  override name = 'BadRequestError';
  override readonly code: string = 'FW_BAD_REQUEST';
}
/** 401 */
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
  override readonly code: string = 'FW_AUTHENTICATION';
}
/** 403 */
export class PermissionDeniedError extends ApiError {
  override name = 'PermissionDeniedError';
  override readonly code: string = 'FW_PERMISSION_DENIED';
}
/** 404 */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
  override readonly code: string = 'FW_NOT_FOUND';
}
/** 409 */
export class ConflictError extends ApiError {
  override name = 'ConflictError';
  override readonly code: string = 'FW_CONFLICT';
}
/** 422 */
export class UnprocessableEntityError extends ApiError {
  override name = 'UnprocessableEntityError';
  override readonly code: string = 'FW_UNPROCESSABLE';
}
/** 429 */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
  override readonly code: string = 'FW_RATE_LIMIT';
}
/** Any 5xx */
export class InternalServerError extends ApiError {
  override name = 'InternalServerError';
  override readonly code: string = 'FW_SERVER_ERROR';
}

/** Python SDK name for `ApiError`. */
export const ApiException = ApiError;
export type ApiException = ApiError;

/** The `ApiError` subclass for a status. */
export function createApiError(init: ApiErrorInit): ApiError {
  switch (init.status) {
    case 400:
      return new BadRequestError(init);
    case 401:
      return new AuthenticationError(init);
    case 403:
      return new PermissionDeniedError(init);
    case 404:
      return new NotFoundError(init);
    case 409:
      return new ConflictError(init);
    case 422:
      return new UnprocessableEntityError(init);
    case 429:
      return new RateLimitError(init);
    default:
      return init.status >= 500 && init.status <= 599
        ? new InternalServerError(init)
        : new ApiError(init);
  }
}

/** The request never got a response (DNS, refused, reset, TLS…). `cause` holds the fetch error. */
export class ApiConnectionError extends FlywheelError {
  override name = 'ApiConnectionError';
  readonly method: string;
  readonly url: string;
  /** Low-level error code when known (`ECONNRESET`, `UND_ERR_SOCKET`, …), else `FW_CONNECTION`. */
  override readonly code: string;
  constructor(
    message: string,
    init: { method: string; url: string; code?: string | undefined; cause?: unknown },
  ) {
    super(message, { cause: init.cause });
    this.method = init.method;
    this.url = init.url;
    this.code = init.code ?? 'FW_CONNECTION';
  }
}

/**
 * A time limit elapsed: no response headers within `timeoutMs` (`phase: 'headers'`), or no body
 * bytes for `idleTimeoutMs` (`phase: 'body'`).
 */
export class ApiTimeoutError extends ApiConnectionError {
  override name = 'ApiTimeoutError';
  override readonly code: string = 'FW_TIMEOUT';
  readonly timeoutMs: number;
  /** Which limit elapsed: waiting for the headers, or idle between body chunks. */
  readonly phase: 'headers' | 'body';
  constructor(init: {
    method: string;
    url: string;
    timeoutMs: number;
    phase?: 'headers' | 'body';
  }) {
    const phase = init.phase ?? 'headers';
    super(
      phase === 'body'
        ? `${init.method} ${init.url} timed out: no body data for ${init.timeoutMs} ms (idleTimeoutMs)`
        : `${init.method} ${init.url} timed out after ${init.timeoutMs} ms`,
      init,
    );
    this.timeoutMs = init.timeoutMs;
    this.phase = phase;
  }
}

/** The caller aborted the request through its `AbortSignal`. `cause` is the signal's reason. */
export class ApiAbortError extends FlywheelError {
  override name = 'ApiAbortError';
  override readonly code: string = 'FW_ABORTED';
  readonly method: string;
  readonly url: string;
  constructor(init: { method: string; url: string; cause?: unknown }) {
    super(`${init.method} ${init.url} was aborted`, { cause: init.cause });
    this.method = init.method;
    this.url = init.url;
  }
}
