/**
 * Request logging. One line per attempt: method, URL (never userinfo; the key only travels in a
 * header, and headers are never logged), status or error name, and the time the attempt took.
 */

/** Anything with a `debug` method (`console` works). */
export interface Logger {
  debug(message: string, fields?: RequestLogFields): void;
}

export interface RequestLogFields {
  method: string;
  url: string;
  /** HTTP status, or the error's name when no response came. */
  status: number | string;
  /** Milliseconds the attempt took (headers, and the body for JSON answers). */
  ms: number;
  /** 0 for the first attempt, 1 for the first retry… */
  attempt: number;
}

export function logRequest(logger: Logger | undefined, fields: RequestLogFields): void {
  if (!logger) return;
  const retry = fields.attempt > 0 ? ` (retry ${fields.attempt})` : '';
  try {
    logger.debug(
      `fw: ${fields.method} ${fields.url} ${fields.status} ${Math.round(fields.ms)}ms${retry}`,
      fields,
    );
  } catch {
    // a broken logger must not break the request
  }
}

/**
 * The logger to use: the `logger` option, else `console` when the `FW_LOG` environment variable
 * is `debug` (read where a runtime exposes `process.env`; Deno needs `--allow-env`).
 */
export function resolveLogger(option: Logger | undefined): Logger | undefined {
  if (option) return option;
  let level: string | undefined;
  try {
    level = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
      ?.FW_LOG;
  } catch {
    level = undefined;
  }
  return level?.trim().toLowerCase() === 'debug'
    ? { debug: (message: string) => console.debug(message) }
    : undefined;
}
