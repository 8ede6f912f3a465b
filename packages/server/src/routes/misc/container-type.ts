import type { RouteTable } from '../../app/operations.js';
import { requireUser } from '../../app/access.js';
import { badRequest, forbidden } from '../../app/errors.js';
import { replyUntyped } from '../../app/json.js';
import { now } from '../../app/time.js';

/** `PATCH /{container_type}/info/cleanup/{path}`: remove one custom info field everywhere. */
const TYPES: Record<string, string | null> = {
  acquisitions: 'acquisition',
  analyses: 'analysis',
  collections: 'collection',
  projects: 'project',
  sessions: 'session',
  subjects: 'subject',
  containers: null,
  files: 'file',
};

export function registerContainerTypeRoutes(routes: RouteTable): void {
  routes.on('cleanup_info', (c, [type = '', path = '']) => {
    const user = requireUser(c.get('user'));
    if (!user.isAdmin) throw forbidden('only site admins can clean up custom info');
    if (!(type in TYPES))
      throw badRequest(`container type must be one of ${Object.keys(TYPES).join(', ')}`);
    const keys = path.split('.');
    if (keys.some((k) => k === '' || k.length > 256 || k.includes('"')))
      throw badRequest('path must be a dotted info key');
    const jsonPath = `$.info.${keys.map((k) => `"${k}"`).join('.')}`;
    const db = c.get('state').db;
    const ts = now();
    const single = TYPES[type];
    const changes =
      single === 'file'
        ? db
            .prepare(
              "UPDATE files SET doc = json_set(json_remove(doc, ?), '$.modified', ?), modified = ? WHERE json_type(doc, ?) IS NOT NULL",
            )
            .run(jsonPath, ts, ts, jsonPath).changes
        : db
            .prepare(
              `UPDATE containers SET doc = json_set(json_remove(doc, ?), '$.modified', ?, '$.revision',
                 coalesce(json_extract(doc, '$.revision'), 1) + 1), modified = ?
               WHERE json_type(doc, ?) IS NOT NULL ${single ? 'AND type = ?' : ''}`,
            )
            .run(jsonPath, ts, ts, jsonPath, ...(single ? [single] : [])).changes;
    return replyUntyped(c, { modified: changes });
  });
}
