import type { RouteTable } from '../../app/operations.js';
import { onUnlessServed } from '../../app/register.js';
import { requireUser, visibleSql } from '../../app/access.js';
import { shaped } from '../../app/documents.js';
import { badRequest } from '../../app/errors.js';
import { readJson, replyUntyped } from '../../app/json.js';

/** `POST /uids`: which of the given session/acquisition UIDs exist (among visible containers). */
export function registerUidRoutes(routes: RouteTable): void {
  onUnlessServed(routes, 'check_uids_exist', async (c) => {
    const user = requireUser(c.get('user'));
    const body = shaped(await readJson(c), {
      fields: {
        project_id: 'string',
        project_ids: { array: 'string' },
        sessions: { array: 'string' },
        acquisitions: { array: 'string' },
      },
    });
    if (body.sessions === undefined && body.acquisitions === undefined)
      throw badRequest('give "sessions" or "acquisitions"');
    const projects = [
      ...((body.project_ids as string[] | undefined) ?? []),
      ...(typeof body.project_id === 'string' ? [body.project_id] : []),
    ];
    const db = c.get('state').db;
    const v = visibleSql(user, true, 'c');
    const found = (type: string, uids: string[] | undefined): string[] | undefined => {
      if (uids === undefined) return undefined;
      if (uids.length === 0) return [];
      const inProjects = projects.length
        ? ` AND c.project_id IN (${projects.map(() => '?').join(',')})`
        : '';
      const rows = db
        .prepare(
          `SELECT DISTINCT json_extract(c.doc, '$.uid') AS uid FROM containers c
           WHERE c.type = ? AND json_extract(c.doc, '$.uid') IN (${uids.map(() => '?').join(',')})
           AND ${v.sql}${inProjects}`,
        )
        .all(type, ...uids, ...v.params, ...projects) as { uid: string }[];
      const set = new Set(rows.map((r) => r.uid));
      return [...new Set(uids.filter((u) => set.has(u)))];
    };
    const out: Record<string, string[]> = {};
    const s = found('session', body.sessions as string[] | undefined);
    const a = found('acquisition', body.acquisitions as string[] | undefined);
    if (s) out.sessions = s;
    if (a) out.acquisitions = a;
    return replyUntyped(c, out);
  });
}
