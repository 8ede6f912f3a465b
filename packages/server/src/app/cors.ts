import { cors } from 'hono/cors';
import type { MiddlewareHandler } from 'hono';

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
  return cors({
    origin: (origin) => (origin && test(origin) ? origin : null),
    allowMethods: ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: CORS_ALLOW_HEADERS,
    exposeHeaders: CORS_EXPOSE_HEADERS,
    maxAge: 600,
  });
}
