/**
 * Smaller container operations: collection curators, groups of visible projects, project delete
 * status and the uid existence check.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../app/context.js';
import type { RouteTable } from '../../app/operations.js';
import { requireAccess, visibleSql } from '../../app/access.js';
import { badRequest } from '../../app/errors.js';
import { ok, readObject, replyUntyped } from '../../app/json.js';
import { getUser } from '../../db/users.js';
import { parseDoc } from '../../db/containers.js';
import { isObj } from '../../app/validate.js';
import { direct, listRows, me } from './target.js';

const exhaustive = (c: Context<AppEnv>) => c.req.query('exhaustive') === 'true';

function stringList(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw badRequest(`"${what}" must be a list of strings`);
  return v as string[];
}

export function registerContainerExtraRoutes(routes: RouteTable): void {
  // the curators of the collections the caller can see (each collection's creator)
  routes.on('get_all_collections_curators', (c) => {
    const user = me(c);
    const db = c.get('state').db;
    const vis = visibleSql(user, user.isAdmin, 'c');
    const rows = db
      .prepare(
        `SELECT DISTINCT json_extract(c.doc, '$.curator') AS u FROM containers c
         WHERE c.type = 'collection' AND ${vis.sql} ORDER BY u`,
      )
      .all(...vis.params) as { u: string | null }[];
    const out = rows.flatMap((r) => {
      const u = r.u ? getUser(db, r.u) : undefined;
      return u ? [{ _id: u._id, firstname: u.firstname ?? '', lastname: u.lastname ?? '' }] : [];
    });
    return replyUntyped(c, out);
  });
  // groups holding at least one project the caller can see
  routes.on('get_all_projects_groups', (c) => {
    const vis = visibleSql(me(c), exhaustive(c), 'p');
    return listRows(
      c,
      [
        {
          sql: `c.type = 'group' AND c.id IN (SELECT p.group_id FROM containers p WHERE p.type = 'project' AND ${vis.sql})`,
          params: vis.params,
        },
      ],
      'top',
    );
  });
  routes.on(
    'get_project_delete_status',
    direct('project', (c, row) => {
      requireAccess(c.get('state').db, me(c), row, 'ro');
      const doc = parseDoc(row);
      return ok(c, 'get_project_delete_status', {
        delete_status: doc.delete_status ?? 'static',
        ...(doc.delete_failure_reason ? { delete_failure_reason: doc.delete_failure_reason } : {}),
      });
    }),
  );

  // which of these session/acquisition uids exist (in the given projects, among visible ones)
  routes.on('check_uids_exist', async (c) => {
    const user = me(c);
    const db = c.get('state').db;
    const body = await readObject(c);
    if (!isObj(body)) throw badRequest('body must be an object');
    const sessions = stringList(body.sessions, 'sessions');
    const acquisitions = stringList(body.acquisitions, 'acquisitions');
    if (body.sessions === undefined && body.acquisitions === undefined)
      throw badRequest('needs "sessions" or "acquisitions"');
    const projects = [
      ...stringList(body.project_ids, 'project_ids'),
      ...(body.project_id !== undefined ? stringList([body.project_id], 'project_id') : []),
    ];
    const vis = visibleSql(user, user.isAdmin, 'c');
    const existing = (type: string, uids: string[]): string[] => {
      if (uids.length === 0) return [];
      const scope = projects.length
        ? ` AND c.project_id IN (${projects.map(() => '?').join(',')})`
        : '';
      const rows = db
        .prepare(
          `SELECT DISTINCT json_extract(c.doc, '$.uid') AS uid FROM containers c
           WHERE c.type = ? AND json_extract(c.doc, '$.uid') IN (${uids.map(() => '?').join(',')})
           AND ${vis.sql}${scope}`,
        )
        .all(type, ...uids, ...vis.params, ...projects) as { uid: string }[];
      const set = new Set(rows.map((r) => r.uid));
      return uids.filter((u, i) => set.has(u) && uids.indexOf(u) === i);
    };
    return ok(c, 'check_uids_exist', {
      sessions: existing('session', sessions),
      acquisitions: existing('acquisition', acquisitions),
    });
  });
}
