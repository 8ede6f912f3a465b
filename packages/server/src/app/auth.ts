import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';
import { HttpError } from './errors.js';
import { userByKey, touchKey } from '../db/users.js';
import { DRONE_SECRET_ENV, deviceByKey, deviceUser, droneLogin } from './device-keys.js';

/**
 * Reads a request without credentials may make (public projects and what is in them; the
 * handlers answer only public data to them, 401 for the rest).
 */
const ANONYMOUS_READS = /^\/(projects|subjects|sessions|acquisitions|analyses|containers)(\/|$)/;

/** Paths (relative to /api) that need no credentials. */
const PUBLIC = new Set(['/version']);

/** Extract the key from `Authorization: scitran-user [host:port:]KEY` (text after the last ':'). */
export function keyFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const parts = header.trim().split(/\s+/);
  if (parts.length !== 2 || parts[0]!.toLowerCase() !== 'scitran-user') return null;
  const token = parts[1]!;
  const key = token.slice(token.lastIndexOf(':') + 1);
  return key.length > 0 ? key : null;
}

/**
 * Authenticate every request except the public ones and ticket downloads (a `ticket` query
 * parameter with a value: the ticket itself is checked by the download handler).
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const state = c.get('state');
  const path = c.req.path.replace(/^\/api/, '') || '/';
  const key = keyFromHeader(c.req.header('authorization'));
  c.set('user', null);
  const drone = c.req.header('x-scitran-auth');
  if (key) {
    const found = userByKey(state.db, key);
    if (found && !found.user.disabled) {
      touchKey(state.db, found);
      c.set('user', { doc: found.user, isAdmin: Boolean(found.user.root), key });
    } else {
      const device = deviceByKey(state.db, key);
      if (device) c.set('user', deviceUser(device, key));
    }
  } else if (drone !== undefined) {
    const device = droneLogin(
      state.db,
      state.droneSecret ?? process.env[DRONE_SECRET_ENV],
      drone,
      c.req.header('x-scitran-method') ?? '',
      c.req.header('x-scitran-name') ?? '',
    );
    c.set('user', deviceUser(device, null));
  }
  const anonymousRead =
    !key && (c.req.method === 'GET' || c.req.method === 'HEAD') && ANONYMOUS_READS.test(path);
  if (!c.get('user') && !anonymousRead) {
    const ticket = c.req.query('ticket');
    const ticketDownload = c.req.method === 'GET' && ticket !== undefined && ticket !== '';
    // storage-level signed upload URLs: the token in the URL is the credential
    const signedPut = c.req.method === 'PUT' && path === '/upload/fs-file';
    if (!PUBLIC.has(path) && !ticketDownload && !signedPut) {
      throw new HttpError(401, key ? 'Invalid API key' : 'Authentication required');
    }
  }
  await next();
};
