/**
 * The errors of a non-2xx answer: `ApiError`, a subclass per common status, and the reading of
 * the error body. The transport imports this module with the first error answer it gets, so a
 * client that only ever sees 2xx answers never loads it (a smaller first load); importing any
 * of these classes from `@fw/api` loads it as usual.
 */
import { FlywheelError } from './flywheel-error.js';

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

/** An error answer's body: its JSON when it parses, else its text (undefined when empty). */
function errorBody(bytes: Uint8Array | undefined): unknown {
  const text = bytes ? new TextDecoder().decode(bytes) : '';
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The `ApiError` for an error answer, from its body's bytes (undefined when the body could not
 * be read: the error then has the status and headers alone).
 */
export function errorForAnswer(
  response: Response,
  bytes: Uint8Array | undefined,
  request: { method: string; url: string },
): ApiError {
  return createApiError({
    status: response.status,
    reason: response.statusText,
    body: errorBody(bytes),
    headers: response.headers,
    method: request.method,
    url: request.url,
  });
}
