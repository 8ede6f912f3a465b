/**
 * The key check a `Client` runs before its first authenticated request: one
 * `GET /auth/status`, shared by every call that starts while it is in flight. A 401 or 403
 * answer becomes an `AuthenticationError` whose message names the site and the way out; the
 * key itself never appears in it. That error is built in `key-rejected.ts`, loaded with the
 * first refusal, so a client whose key is accepted never loads the HTTP error classes.
 */
import { FlywheelError, type ApiError } from '@fw/api';

/** The wire path of the check. Written here, not taken from an operation name, on purpose. */
export const AUTH_STATUS_PATH = '/auth/status';

/**
 * The answer of `GET /auth/status`: how the server saw the request that carried the key.
 * Fields are optional because sites differ in what they send.
 */
export interface AuthStatus {
  /** Who the key belongs to: `{ type: 'user', id: 'jane@example.org' }`, or a device. */
  origin?: { type?: string; id?: string; [field: string]: unknown };
  /** Whether the key's user is a site administrator. */
  user_is_admin?: boolean;
  /** Whether the key is a device (drone) key rather than a user's. */
  is_device?: boolean;
  /** Site roles of the key's user. */
  roles?: string[];
  [field: string]: unknown;
}

/**
 * Turn a refused check (401 or 403) into the SDK's `AuthenticationError`, which names the site
 * and the way out; other errors pass through.
 */
export async function authCheckError(
  err: unknown,
  baseUrl: string,
  secrets: readonly string[],
): Promise<unknown> {
  // by status, not `instanceof ApiError`: of @fw/api's errors only an ApiError has one, and the
  // HTTP error classes stay out of the first load
  const status = err instanceof FlywheelError ? (err as { status?: unknown }).status : undefined;
  if (status !== 401 && status !== 403) return err;
  try {
    const { keyRejectedError } = await import('./key-rejected.js');
    return keyRejectedError(err as ApiError, { path: AUTH_STATUS_PATH, baseUrl, secrets });
  } catch {
    // the module could not be loaded (a browser gone offline): the refusal as @fw/api threw it,
    // and the check is made again next time
    return err;
  }
}
