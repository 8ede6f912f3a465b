import { cors } from 'hono/cors';
import type { Context, MiddlewareHandler } from 'hono';

/**
 * Which page origins may call the server from a browser: an exact origin
 * (`https://app.example.org`), a list of them, `'*'` for any origin, or a predicate.
 */
export type CorsOrigin = string | readonly string[] | ((origin: string) => boolean);

/** Default: pages served from `localhost`, `127.0.0.1` or `[::1]`, any scheme and port. */
const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

export function isLocalOrigin(origin: string): boolean {
  return LOCAL_ORIGIN.test(origin);
}

/** Request headers the SDK (and `@fw/api`) send. */
export const CORS_ALLOW_HEADERS = [
  'Authorization',
  'X-Accept-Feature',
  'Content-Type',
  'User-Agent',
  'Range',
];

/** Response headers the SDK reads besides the CORS-safelisted ones. */
export const CORS_EXPOSE_HEADERS = [
  'Content-Length',
  'Content-Encoding',
  'Content-Disposition',
  'ETag',
  'Retry-After',
  'X-Request-Id',
];

/**
 * Hono's `cors` middleware with the server's rules. It runs before authentication, so a preflight
 * (`OPTIONS` with `Access-Control-Request-Method`) is answered 204 without an API key.
 */
export function corsMiddleware(allowed: CorsOrigin = isLocalOrigin): MiddlewareHandler {
  const test: (origin: string) => boolean =
    typeof allowed === 'function'
      ? allowed
      : allowed === '*'
        ? () => true
        : (
            (list: readonly string[]) => (origin: string) =>
              list.includes(origin)
          )(typeof allowed === 'string' ? [allowed] : allowed);
  const withCors = cors({
    origin: (origin) => (origin && test(origin) ? origin : null),
    allowMethods: ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: CORS_ALLOW_HEADERS,
    exposeHeaders: CORS_EXPOSE_HEADERS,
    maxAge: 600,
  });
  return async (c, next) => {
    // an OPTIONS keeps Hono's answer (204, the allowed methods and headers), Origin or not
    if (c.req.header('origin') !== undefined || c.req.method === 'OPTIONS')
      return withCors(c, next);
    // Not a cross-origin request (browsers send `Origin` on every one). Hono's cors would still
    // set its headers on `c.res` before the handler runs, and Hono then rebuilds the handler's
    // answer around a body stream: 0.36 ms more for a 250-session page, and @hono/node-server
    // loses its direct write of a string body. Of those headers only `Vary: Origin` means
    // anything here (a cache must not reuse this answer for a cross-origin request).
    await next();
    varyOnOrigin(c);
  };
}

/** Append `Vary: Origin` to the answer in place; rebuild it only if its headers are frozen. */
function varyOnOrigin(c: Context): void {
  try {
    c.res.headers.append('Vary', 'Origin');
  } catch {
    c.header('Vary', 'Origin', { append: true }); // e.g. a Response from fetch()
  }
}
