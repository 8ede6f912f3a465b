import type { AppEnv } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireUser } from '../app/access.js';
import { ok, replyUntyped } from '../app/json.js';
import { MIGRATIONS } from '../db/migrations.js';

export const SERVER_VERSION = '0.1.0';

/** /version (public), /config, /auth/status. */
export function registerSystemRoutes(routes: RouteTable): void {
  routes.on('get_version', (c) =>
    replyUntyped(c, {
      _id: 'version',
      database: MIGRATIONS.length,
      release: SERVER_VERSION,
      flywheel_release: SERVER_VERSION,
    }),
  );
  routes.on('get_config', (c) => {
    requireUser(c.get('user'));
    const { origin, uploads } = c.get('state');
    return replyUntyped(c, {
      site: {
        id: 'local',
        name: 'Local Flywheel',
        central_url: 'https://sdm.flywheel.io/api',
        api_url: `${origin}/api`,
        registered: false,
        inactivity_timeout: null,
      },
      created: '1970-01-01T00:00:00.000000+00:00',
      modified: '1970-01-01T00:00:00.000000+00:00',
      signed_url: uploads.signedUrls,
      features: {
        multiproject: true,
        job_ask: true,
        job_tickets: false,
        signed_url: uploads.signedUrls,
      },
      auth: {},
    });
  });
  routes.on('get_auth_status', (c) => {
    const user = requireUser(c.get('user'));
    return ok(c, 'get_auth_status', {
      origin: { type: 'user', id: user.doc._id },
      user_is_admin: user.isAdmin,
      is_device: false,
      roles: user.doc.roles ?? [],
    });
  });
}
