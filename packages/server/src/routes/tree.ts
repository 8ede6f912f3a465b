/**
 * `GET /tree/graph`: how the container types of this server connect (parent field of each
 * child type); `POST /tree` (`GraphFilter`): the visible containers of the requested levels,
 * nested under each other, with only the requested `fields` (plus `_id`). Per level `filter`,
 * `sort` and `limit` work as in the finders.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireUser, visibleSql } from '../app/access.js';
import { badRequest } from '../app/errors.js';
import { readObject, replyUntyped } from '../app/json.js';
import { isObj } from '../app/validate.js';
import { parseListQuery } from '../query/index.js';
import { containerColumns, parseDoc, type ContainerRow, type Doc } from '../db/containers.js';

const ORDER = ['groups', 'projects', 'subjects', 'sessions', 'acquisitions', 'analyses', 'jobs'];
const TYPE: Record<string, string> = {
  groups: 'group',
  projects: 'project',
  subjects: 'subject',
  sessions: 'session',
  acquisitions: 'acquisition',
  analyses: 'analysis',
};

const GRAPH: Record<string, Record<string, Doc>> = {
  groups: { projects: { local: '_id', foreign: 'parents.group' } },
  projects: {
    subjects: { local: '_id', foreign: 'parents.project' },
    analyses: { local: '_id', foreign: 'parent.id' },
  },
  subjects: {
    sessions: { local: '_id', foreign: 'parents.subject' },
    analyses: { local: '_id', foreign: 'parent.id' },
  },
  sessions: {
    acquisitions: { local: '_id', foreign: 'parents.session' },
    analyses: { local: '_id', foreign: 'parent.id' },
    jobs: { local: '_id', foreign: 'destination.id', collection: 'jobs' },
  },
  acquisitions: {
    analyses: { local: '_id', foreign: 'parent.id' },
    jobs: { local: '_id', foreign: 'destination.id', collection: 'jobs' },
  },
  analyses: { jobs: { local: 'job', foreign: '_id', collection: 'jobs' } },
  jobs: {},
};

function pick(doc: Doc, fields: string[]): Doc {
  const out: Doc = { _id: doc._id };
  for (const f of fields) {
    const parts = f.split('.');
    let v: unknown = doc;
    for (const p of parts) v = isObj(v) ? v[p] : undefined;
    if (v === undefined) continue;
    let cur = out;
    parts.slice(0, -1).forEach((p) => (cur = cur[p] = isObj(cur[p]) ? cur[p] : {}));
    cur[parts.at(-1)!] = v;
  }
  return out;
}

function fetchTree(c: Context<AppEnv>, body: Doc): Doc[] {
  const user = requireUser(c.get('user'));
  const db = c.get('state').db;
  for (const k of Object.keys(body))
    if (!ORDER.includes(k)) throw badRequest(`unknown level "${k}"`);
  const levels = ORDER.filter((l) => body[l] !== undefined);
  if (levels.length === 0) throw badRequest('name at least one level');
  for (const l of levels) {
    const spec = body[l];
    if (
      !isObj(spec) ||
      !Array.isArray(spec.fields) ||
      spec.fields.some((f) => typeof f !== 'string')
    )
      throw badRequest(`"${l}.fields" must be a list of field names`);
  }
  const vis = visibleSql(user, c.req.query('exhaustive') === 'true', 'c');
  const query = (level: string, parent?: { level: string; id: string }): Doc[] => {
    const spec = body[level] as Doc;
    const q: Record<string, string> = {};
    for (const k of ['filter', 'sort']) if (typeof spec[k] === 'string') q[k] = spec[k];
    if (spec.limit !== undefined) q.limit = String(spec.limit);
    if (level === 'jobs') {
      const rows = db
        .prepare(`SELECT doc FROM jobs WHERE json_extract(doc, '$.destination.id') = ? ORDER BY id`)
        .all(parent?.id ?? '') as { doc: string }[];
      return rows.map((r) => pick(JSON.parse(r.doc), spec.fields as string[]));
    }
    const plan = parseListQuery(q, { docColumn: 'c.doc', columns: containerColumns('c') });
    const where = [`c.type = ?`, vis.sql, plan.where.sql];
    const params: unknown[] = [TYPE[level], ...vis.params];
    if (parent) {
      where.push(level === 'analyses' ? 'c.parent_id = ?' : `c.${TYPE[parent.level]}_id = ?`);
      params.push(parent.id);
    }
    const rows = db
      .prepare(
        `SELECT c.* FROM containers c WHERE ${where.join(' AND ')} ORDER BY ${plan.orderBy.sql} ${plan.limitClause.sql}`,
      )
      .all(
        ...params,
        ...plan.where.params,
        ...plan.orderBy.params,
        ...plan.limitClause.params,
      ) as ContainerRow[];
    return rows.map((r) => {
      const item = pick(parseDoc(r), spec.fields as string[]);
      // the next requested level below (levels in between may be skipped), and analyses and
      // jobs of this container when they are requested too
      const rest = levels.slice(levels.indexOf(level) + 1);
      const next = rest.find((l) => l !== 'analyses' && l !== 'jobs');
      if (next) item[next] = query(next, { level, id: r.id });
      for (const side of ['analyses', 'jobs'])
        if (rest.includes(side) && GRAPH[level]?.[side])
          item[side] = query(side, { level, id: r.id });
      return item;
    });
  };
  return query(levels[0]!);
}

export function registerTreeRoutes(routes: RouteTable): void {
  routes.on('get_tree_graph', (c) => {
    requireUser(c.get('user'));
    const out: Doc = {};
    for (const [k, v] of Object.entries(GRAPH)) out[k] = { connections: v };
    return replyUntyped(c, out);
  });
  routes.on('fetch_tree', async (c) => replyUntyped(c, fetchTree(c, await readObject(c))));
}
