/**
 * Error hierarchy. Every error thrown by this package extends `FlywheelError`.
 *
 * None of these objects ever holds request headers, so the API key (sent only in the
 * `Authorization` header) cannot end up in a message, an enumerable field or a log line.
 *
 * This file holds the errors a client can raise before it has an answer (configuration, key,
 * connection, time limits, abort). The errors of an HTTP answer (`ApiError` and its subclasses)
 * are in `api-errors.ts`, which the transport loads with the first error answer.
 */

import { FlywheelError } from './flywheel-error.js';

export { FlywheelError };

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
