import type { RouteTable } from '../../app/operations.js';
import { requireAccess, requireUser, visibleSql } from '../../app/access.js';
import { loadContainer } from '../../app/containers.js';
import { badRequest, forbidden } from '../../app/errors.js';
import { queryParams } from '../../app/finder.js';
import { replyUntyped } from '../../app/json.js';
import { optDateTime } from '../../app/validate.js';
import { parseDoc, type ContainerRow, type Doc } from '../../db/containers.js';
import { getUser } from '../../db/users.js';

/** Site and project reports: counts computed from the hierarchy. */
const YEAR_S = 365.25 * 24 * 3600;

export function registerReportRoutes(routes: RouteTable): void {
  routes.on('get_site_report', (c) => {
    const user = requireUser(c.get('user'));
    if (!user.isAdmin) throw forbidden('only site admins can read the site report');
    const db = c.get('state').db;
    const groups = db
      .prepare(
        `SELECT g.id, g.label,
           (SELECT count(*) FROM containers p WHERE p.type = 'project' AND p.group_id = g.id) AS projects,
           (SELECT count(*) FROM containers s WHERE s.type = 'session' AND s.group_id = g.id) AS sessions
         FROM containers g WHERE g.type = 'group' ORDER BY g.id`,
      )
      .all() as { id: string; label: string | null; projects: number; sessions: number }[];
    return replyUntyped(c, {
      group_count: groups.length,
      groups: groups.map((g) => ({
        label: g.label ?? g.id,
        project_count: g.projects,
        session_count: g.sessions,
      })),
    });
  });

  routes.on('get_project_report', (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const q = queryParams(c);
    const ids = q
      .getAll('projects')
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean);
    const start = optDateTime({ v: q.get('start_date') ?? undefined }, 'v');
    const end = optDateTime({ v: q.get('end_date') ?? undefined }, 'v');
    if (start && end && start > end) throw badRequest('start_date is after end_date');
    let projects: ContainerRow[];
    if (ids.length) {
      projects = ids.map((id) => {
        const p = loadContainer(db, 'project', id);
        requireAccess(db, user, p, 'admin');
        return p;
      });
    } else {
      const v = visibleSql(user, true, 'c');
      projects = (
        db
          .prepare(`SELECT * FROM containers c WHERE c.type = 'project' AND ${v.sql} ORDER BY c.id`)
          .all(...v.params) as ContainerRow[]
      ).filter((p) => {
        try {
          requireAccess(db, user, p, 'admin');
          return true;
        } catch {
          return false;
        }
      });
    }
    const out = projects.map((p) => {
      const pdoc = parseDoc(p);
      const conds = ["type = 'session'", 'project_id = ?'];
      const params: unknown[] = [p.id];
      if (start) (conds.push('created >= ?'), params.push(start));
      if (end) (conds.push('created <= ?'), params.push(end));
      const sessions = db
        .prepare(`SELECT * FROM containers WHERE ${conds.join(' AND ')}`)
        .all(...params) as ContainerRow[];
      const subjectIds = [
        ...new Set(sessions.map((s) => s.subject_id).filter((x): x is string => !!x)),
      ];
      const subjects = subjectIds
        .map(
          (id) =>
            db.prepare('SELECT doc FROM containers WHERE id = ?').get(id) as
              { doc: string } | undefined,
        )
        .filter((r): r is { doc: string } => !!r)
        .map((r) => JSON.parse(r.doc) as Doc);
      const count = (f: (s: Doc) => boolean) => subjects.filter(f).length;
      const grid: Record<string, Record<string, Record<string, number>>> = {};
      for (const s of subjects) {
        const race = String(s.race ?? 'Unknown or Not Reported');
        const eth = String(s.ethnicity ?? 'Unknown or Not Reported');
        const sex =
          s.sex === 'male' ? 'Male' : s.sex === 'female' ? 'Female' : 'Unknown or Not Reported';
        grid[race] ??= {};
        grid[race][eth] ??= {};
        grid[race][eth][sex] = (grid[race][eth][sex] ?? 0) + 1;
      }
      const ageOf = (s: Doc) => {
        const ses = sessions.find(
          (x) => x.subject_id === s._id && typeof parseDoc(x).age === 'number',
        );
        return ses ? (parseDoc(ses).age as number) : typeof s.age === 'number' ? s.age : undefined;
      };
      const admins = ((pdoc.permissions ?? []) as Doc[])
        .filter((perm) => {
          try {
            const u = getUser(db, String(perm._id));
            if (!u) return false;
            requireAccess(db, { doc: u, isAdmin: false, key: null }, p, 'admin');
            return true;
          } catch {
            return false;
          }
        })
        .map((perm) => {
          const u = getUser(db, String(perm._id))!;
          return {
            _id: u._id,
            firstname: u.firstname ?? '',
            lastname: u.lastname ?? '',
            email: u.email ?? '',
          };
        });
      const group = db.prepare('SELECT label FROM containers WHERE id = ?').get(p.group_id) as
        { label: string | null } | undefined;
      return {
        name: pdoc.label ?? '',
        group_name: group?.label ?? p.group_id ?? '',
        admins,
        session_count: sessions.length,
        subjects_count: subjects.length,
        female_count: count((s) => s.sex === 'female'),
        male_count: count((s) => s.sex === 'male'),
        other_count: count((s) => s.sex !== 'female' && s.sex !== 'male'),
        demographics_grid: grid,
        demographics_total: subjects.length,
        over_18_count: count((s) => (ageOf(s) ?? -1) >= 18 * YEAR_S),
        under_18_count: count((s) => {
          const a = ageOf(s);
          return a !== undefined && a < 18 * YEAR_S;
        }),
      };
    });
    return replyUntyped(c, { projects: out });
  });
}
