import type { RouteTable } from '../../app/operations.js';
import { requireUser, visibleSql } from '../../app/access.js';
import { shaped, type Shape } from '../../app/documents.js';
import { badRequest } from '../../app/errors.js';
import { pageBody, queryParams } from '../../app/finder.js';
import { presentJob } from '../../app/jobs.js';
import { readJson, replyUntyped } from '../../app/json.js';
import { presentRow } from '../../app/present.js';
import { parseListQuery } from '../../query/index.js';
import { containerColumns, parseDoc, type ContainerRow, type Doc } from '../../db/containers.js';

/** `POST /tree`: a nested listing of the levels the body asks for, with the requested fields. */
const LEVELS = [
  'groups',
  'projects',
  'subjects',
  'sessions',
  'acquisitions',
  'analyses',
  'jobs',
] as const;
type Level = (typeof LEVELS)[number];
const TYPE: Record<Level, string> = {
  groups: 'group',
  projects: 'project',
  subjects: 'subject',
  sessions: 'session',
  acquisitions: 'acquisition',
  analyses: 'analysis',
  jobs: 'job',
};
const SPEC: Shape = {
  fields: {
    fields: { array: 'string' },
    filter: 'string',
    limit: 'int',
    sort: 'string',
    'join-origin': 'bool',
  },
  required: ['fields'],
};

/** The connections between levels (what `GET /tree/graph` describes). */
const GRAPH: Record<string, { connections: Record<string, Doc> }> = {
  groups: { connections: { projects: { local: '_id', foreign: 'parents.group' } } },
  projects: {
    connections: {
      subjects: { local: '_id', foreign: 'parents.project' },
      sessions: { local: '_id', foreign: 'parents.project' },
      acquisitions: { local: '_id', foreign: 'parents.project' },
      analyses: { local: '_id', foreign: 'parent.id' },
    },
  },
  subjects: {
    connections: {
      sessions: { local: '_id', foreign: 'parents.subject' },
      acquisitions: { local: '_id', foreign: 'parents.subject' },
      analyses: { local: '_id', foreign: 'parent.id' },
    },
  },
  sessions: {
    connections: {
      acquisitions: { local: '_id', foreign: 'parents.session' },
      analyses: { local: '_id', foreign: 'parent.id' },
      jobs: { local: '_id', foreign: 'parents.session', collection: 'jobs' },
    },
  },
  acquisitions: {
    connections: {
      analyses: { local: '_id', foreign: 'parent.id' },
      jobs: { local: '_id', foreign: 'parents.acquisition', collection: 'jobs' },
    },
  },
  analyses: { connections: { jobs: { local: 'job', foreign: '_id', collection: 'jobs' } } },
  jobs: { connections: {} },
};

const ANCESTOR: Record<string, string> = {
  group: 'group_id',
  project: 'project_id',
  subject: 'subject_id',
  session: 'session_id',
  acquisition: 'acquisition_id',
};

function pick(doc: Doc, fields: string[]): Doc {
  const out: Doc = { _id: doc._id };
  for (const f of fields) {
    const path = f.split('.');
    let v: unknown = doc;
    for (const k of path) v = v && typeof v === 'object' ? (v as Doc)[k] : undefined;
    if (v === undefined) continue;
    let o = out;
    path.slice(0, -1).forEach((k) => (o = o[k] ??= {}));
    o[path[path.length - 1]!] = v;
  }
  return out;
}

export function registerTreeRoutes(routes: RouteTable): void {
  routes.on('get_tree_graph', (c) => {
    requireUser(c.get('user'));
    return replyUntyped(c, GRAPH);
  });
  routes.on('fetch_tree', async (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const raw = await readJson(c);
    const body = shaped(raw, { fields: Object.fromEntries(LEVELS.map((l) => [l, SPEC])) }, 'tree');
    const wanted = LEVELS.filter((l) => body[l] !== undefined);
    if (wanted.length === 0) throw badRequest('the tree body names no level');
    const q = queryParams(c);
    const exhaustive = ['true', '1'].includes(q.get('exhaustive') ?? '');
    const allInfo = ['true', '1'].includes(q.get('include_all_info') ?? '');
    q.delete('exhaustive');
    q.delete('include_all_info');
    const top = wanted[0]!;
    if (top === 'jobs') throw badRequest('jobs can only be nested under a container level');
    const spec = (l: Level) =>
      body[l] as { fields: string[]; filter?: string; sort?: string; limit?: number };
    const present = (l: Level, row: ContainerRow): Doc => {
      const d = presentRow(db, row, { list: true });
      if (!allInfo && !spec(l).fields.includes('info')) delete d.info;
      return pick(d, spec(l).fields);
    };

    const hier: Level[] = wanted.filter((l) => l !== 'analyses' && l !== 'jobs');
    const deepest = hier[hier.length - 1];
    const listOf = (l: Level, parent: ContainerRow): Doc[] => {
      const s = spec(l);
      const plan = parseListQuery(
        {
          ...(s.filter ? { filter: s.filter } : {}),
          ...(s.sort ? { sort: s.sort } : {}),
          ...(s.limit !== undefined ? { limit: String(s.limit) } : {}),
        },
        { docColumn: 'c.doc', columns: containerColumns('c') },
      );
      if (l === 'jobs') {
        const rows = db
          .prepare(
            parent.type === 'analysis'
              ? 'SELECT doc FROM jobs WHERE id = ?'
              : "SELECT doc FROM jobs WHERE json_extract(doc, '$.destination.id') = ? ORDER BY id",
          )
          .all(parent.type === 'analysis' ? (parseDoc(parent).job ?? '') : parent.id) as {
          doc: string;
        }[];
        return rows.map((r) => pick(presentJob(db, JSON.parse(r.doc) as Doc, true), s.fields));
      }
      const link = l === 'analyses' ? 'c.parent_id' : `c.${ANCESTOR[parent.type]}`;
      const rows = db
        .prepare(
          `SELECT c.* FROM containers c WHERE c.type = ? AND ${link} = ? AND ${plan.where.sql} ORDER BY ${plan.orderBy.sql} ${plan.limitClause.sql}`,
        )
        .all(
          TYPE[l],
          parent.id,
          ...plan.where.params,
          ...plan.orderBy.params,
          ...plan.limitClause.params,
        ) as ContainerRow[];
      return rows.map((r) => ({ ...present(l, r), ...children(l, r) }));
    };
    /** Children of a row: the next requested hierarchy level; analyses/jobs below the deepest. */
    const children = (level: Level, row: ContainerRow): Doc => {
      const out: Doc = {};
      if (level === 'analyses') {
        if (wanted.includes('jobs')) out.jobs = listOf('jobs', row);
        return out;
      }
      const next = hier[hier.indexOf(level) + 1];
      if (next) out[next] = listOf(next, row);
      if (level === deepest) {
        if (wanted.includes('analyses')) out.analyses = listOf('analyses', row);
        if (
          wanted.includes('jobs') &&
          !wanted.includes('analyses') &&
          level !== 'groups' &&
          level !== 'projects'
        )
          out.jobs = listOf('jobs', row);
      }
      return out;
    };

    const s = spec(top);
    const merged = new URLSearchParams(q);
    if (s.filter && !merged.has('filter')) merged.set('filter', s.filter);
    if (s.sort && !merged.has('sort')) merged.set('sort', s.sort);
    if (s.limit !== undefined && !merged.has('limit')) merged.set('limit', String(s.limit));
    const v = visibleSql(user, exhaustive, 'c');
    const plan = parseListQuery(merged, { docColumn: 'c.doc', columns: containerColumns('c') });
    const where = `c.type = ? AND ${v.sql} AND ${plan.where.sql}`;
    const params = [TYPE[top], ...v.params, ...plan.where.params];
    const rows = db
      .prepare(
        `SELECT c.* FROM containers c WHERE ${where} ORDER BY ${plan.orderBy.sql} ${plan.limitClause.sql}`,
      )
      .all(...params, ...plan.orderBy.params, ...plan.limitClause.params) as ContainerRow[];
    const total = (
      db.prepare(`SELECT count(*) AS n FROM containers c WHERE ${where}`).get(...params) as {
        n: number;
      }
    ).n;
    const items = rows.map((r) => ({ ...present(top, r), ...children(top, r) }));
    return replyUntyped(c, pageBody(c, items, total));
  });
}
