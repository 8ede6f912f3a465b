import type { components } from '@fw/api';
import { isDevice } from '../app/device-keys.js';
import type { AppEnv } from '../app/context.js';
import type { OpHandler, RouteTable } from '../app/operations.js';
import { requireUser } from '../app/access.js';
import { ok, replyUntyped } from '../app/json.js';
import { MIGRATIONS } from '../db/migrations.js';

type RoleType = components['schemas']['RoleType'];
const ROLE_TYPES: readonly RoleType[] = ['public', 'user', 'developer', 'site_admin', 'drone'];

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
  const config = (c: Parameters<OpHandler>[0]) => {
    requireUser(c.get('user'));
    const { origin, uploads } = c.get('state');
    return replyUntyped(c, {
      site: {
        id: 'local',
        name: 'Local Flywheel',
        central_url: 'https://sdm.flywheel.io/api',
        api_url: `${origin}/api`,
        registered: false,
        pagination_limit: 10000,
      },
      created: '1970-01-01T00:00:00.000000+00:00',
      modified: '1970-01-01T00:00:00.000000+00:00',
      last_updated: '1970-01-01T00:00:00.000000+00:00',
      central: { enabled: false },
      signed_url: uploads.signedUrls,
      features: {
        job_ask: true,
        job_tickets: false,
        collections: true,
        multiproject: true,
        multipart_signed_url: uploads.signedUrls,
        signed_url: uploads.signedUrls,
      },
      auth: {},
    });
  };
  routes.on('get_config', config);
  // the web client's config.js: the same site configuration
  routes.on('get_config_js', config);
  routes.on('get_auth_status', (c) => {
    const user = requireUser(c.get('user'));
    // v21 AuthSessionOutput: the session's origin, user and site roles (RoleType)
    const roles: RoleType[] = ['user'];
    if (user.isAdmin) roles.push('site_admin');
    for (const r of (user.doc.roles ?? []) as string[])
      if ((ROLE_TYPES as readonly string[]).includes(r) && !roles.includes(r as RoleType))
        roles.push(r as RoleType);
    // a device key or drone login (app/device-keys.ts): the device is the origin
    if (isDevice(user))
      return ok(c, 'get_auth_status', {
        origin: { type: 'device', id: user.doc._id },
        user_is_admin: false,
        is_device: true,
        roles: [],
      });
    return ok(c, 'get_auth_status', {
      origin: { type: 'user', id: user.doc._id },
      user_id: user.doc._id,
      user_is_admin: user.isAdmin,
      is_device: false,
      roles,
    });
  });
}
