import type { Context } from 'hono';
import type { AppEnv } from '../../app/context.js';
import type { RouteTable } from '../../app/operations.js';
import { routeNotFound } from '../../app/operations.js';
import { requireAccess } from '../../app/access.js';
import { replyUntyped } from '../../app/json.js';
import { getRow, PLURAL, SINGULAR, type ContainerRow } from '../../db/containers.js';
import { notFound } from '../../app/errors.js';
import { presentRow } from '../../app/present.js';
import { groupRoles } from '../roles.js';
import { listJobsFor } from '../jobs.js';
import { direct, listRows, me, type OpType, type RowHandler } from './target.js';
import { applyJoins } from './joins.js';

/** Parent plural → child plural → the ancestry column linking them. */
const CHILDREN: Record<string, Record<string, string>> = {
  groups: { projects: 'group_id' },
  projects: { subjects: 'project_id', sessions: 'project_id', acquisitions: 'project_id' },
  subjects: { sessions: 'subject_id', acquisitions: 'subject_id' },
  sessions: { acquisitions: 'session_id' },
};

/** `GET /{kind}/{id}/{what}`: child lists, a collection's contents, a session's subject, jobs. */
function childList(
  c: Context<AppEnv>,
  row: ContainerRow,
  what: string,
): Response | Promise<Response> {
  const db = c.get('state').db;
  const user = me(c);
  const linkCol = CHILDREN[PLURAL[row.type]]?.[what];
  if (linkCol) {
    requireAccess(db, user, row, 'ro');
    return listRows(c, [
      { sql: `c.type = ? AND c.${linkCol} = ?`, params: [SINGULAR[what], row.id] },
    ]);
  }
  if (row.type === 'collection' && (what === 'sessions' || what === 'acquisitions')) {
    requireAccess(db, user, row, 'ro');
    const where = [
      {
        sql: `c.type = ? AND EXISTS (SELECT 1 FROM json_each(c.doc, '$.collections') x WHERE x.value = ?)`,
        params: [SINGULAR[what], row.id],
      },
    ];
    const session = c.req.query('session');
    if (what === 'acquisitions' && session)
      where.push({ sql: 'c.session_id = ?', params: [session] });
    return listRows(c, where);
  }
  if (row.type === 'session' && what === 'subject') {
    requireAccess(db, user, row, 'ro');
    const subject = row.subject_id ? getRow(db, row.subject_id) : undefined;
    if (!subject) throw notFound(`session ${row.id} has no subject`);
    const doc = presentRow(db, subject);
    applyJoins(c, [subject], [doc]); // what a read of the subject itself applies (anonymous readers)
    return replyUntyped(c, doc);
  }
  if ((row.type === 'session' || row.type === 'project') && what === 'jobs') {
    requireAccess(db, user, row, 'ro');
    return listJobsFor(c, row);
  }
  if (row.type === 'group' && what === 'roles') return groupRoles(c, user, row, []);
  throw routeNotFound(c);
}

const of =
  (what: string): RowHandler =>
  (c, row) =>
    childList(c, row, what);

/** Child lists and group roles; a few undocumented ones the server has always answered. */
export function registerChildRoutes(routes: RouteTable): void {
  const lists: [OpType, string][] = [
    ['group', 'projects'],
    ['project', 'subjects'],
    ['project', 'sessions'],
    ['project', 'acquisitions'],
    ['subject', 'sessions'],
    ['session', 'acquisitions'],
    ['collection', 'sessions'],
    ['collection', 'acquisitions'],
    ['session', 'jobs'],
  ];
  for (const [t, what] of lists) routes.on(`get_${t}_${what}`, direct(t, of(what)));
  routes.extra('GET', '/subjects/{Id}/acquisitions', direct('subject', of('acquisitions')));
  routes.extra('GET', '/sessions/{Id}/subject', direct('session', of('subject')));
  routes.extra('GET', '/projects/{Id}/jobs', direct('project', of('jobs')));
  routes.extra(
    'GET',
    '/containers/{Id}/{Child}',
    direct('container', (c, row, [what = '']) => childList(c, row, what)),
  );

  const group =
    (rest: (args: string[]) => string[]): RowHandler =>
    (c, row, args) =>
      groupRoles(c, me(c), row, rest(args));
  routes.on(
    'get_all_group_roles',
    direct(
      'group',
      group(() => []),
    ),
  );
  routes.on(
    'add_role_to_group',
    direct(
      'group',
      group(() => []),
    ),
  );
  routes.on(
    'get_group_role',
    direct(
      'group',
      group(([rid = '']) => [rid]),
    ),
  );
  routes.on(
    'remove_role_from_group',
    direct(
      'group',
      group(([rid = '']) => [rid]),
    ),
  );
}
