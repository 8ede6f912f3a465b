import type { RouteTable } from '../app/operations.js';
import type { Context, Hono } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import { type ContainerRow, type CType, type Doc } from '../db/containers.js';
import { filesOf, presentRow } from '../app/present.js';
import { requireUser, visibleSql } from '../app/access.js';
import { badRequest, notFound } from '../app/errors.js';
import { readObject, replyUntyped } from '../app/json.js';
import { hasFeature } from '../app/finder.js';
import type { Db } from '../db/open.js';

const ID_ITEM = /^<id:(.+)>$/;

interface Walk {
  path: Doc[];
  children: Doc[];
  /** The last resolved container (for lookup's full payload). */
  target:
    | { kind: 'container'; row: ContainerRow }
    | { kind: 'file'; doc: Doc }
    | { kind: 'gear'; doc: Doc }
    | null;
}

function node(doc: Doc, type: string): Doc {
  return { ...doc, container_type: type, node_type: type };
}

/** Resolve a label path (`group/project/[subject/]session/acquisition`, plus `files`/`analyses`). */
function walk(c: Context<AppEnv>, user: CurrentUser, segs: string[]): Walk {
  const db = c.get('state').db;
  // v21 resolves the subject level always (2019 needed the Subject-Container feature for it)
  const vis = visibleSql(user, ['true', '1'].includes(c.req.query('exhaustive') ?? ''), 'c');
  const levels: CType[] = ['group', 'project', 'subject', 'session', 'acquisition'];
  const childLevel = (row: ContainerRow | null): CType | null => {
    if (!row) return 'group';
    const i = levels.indexOf(row.type);
    return i >= 0 && i + 1 < levels.length ? levels[i + 1]! : null;
  };
  const childrenOf = (row: ContainerRow | null, type: CType): ContainerRow[] => {
    const link = !row ? '1' : type === 'analysis' ? 'c.parent_id = ?' : `c.${row.type}_id = ?`;
    const params = row ? [row.id] : [];
    return db
      .prepare(
        `SELECT c.* FROM containers c WHERE c.type = ? AND ${link} AND ${vis.sql} ORDER BY c.id`,
      )
      .all(type, ...params, ...vis.params) as ContainerRow[];
  };
  const pick = (rows: ContainerRow[], item: string, what: string): ContainerRow => {
    const idm = ID_ITEM.exec(item);
    const found = idm
      ? rows.find((r) => r.id === idm[1])
      : (rows.find((r) => (r.type === 'group' ? r.id : r.label) === item) ??
        rows.find((r) => r.label === item));
    if (!found) throw notFound(`${what} "${item}" not found`);
    return found;
  };

  const out: Walk = { path: [], children: [], target: null };
  if (segs[0] === 'gears') {
    const gears = (
      db.prepare('SELECT doc FROM gears ORDER BY name, created').all() as { doc: string }[]
    ).map((r) => JSON.parse(r.doc) as Doc);
    if (segs.length === 1) {
      out.children = latestGears(gears).map((g) => node(g, 'gear'));
      return out;
    }
    const [, name, version, ...more] = segs;
    if (more.length) throw notFound('nothing below a gear');
    const matches = gears.filter(
      (g) => g.gear?.name === name && (version === undefined || g.gear?.version === version),
    );
    const gear = matches[matches.length - 1];
    if (!gear) throw notFound(`gear "${name}" not found`);
    out.path.push(node(gear, 'gear'));
    out.target = { kind: 'gear', doc: gear };
    return out;
  }

  let current: ContainerRow | null = null;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (current && (seg === 'files' || seg === 'analyses') && current.type !== 'group') {
      const item = segs[i + 1];
      if (seg === 'files') {
        const files = filesOf(db, current.id, 'files');
        if (item === undefined) {
          out.children = files.map((f) => node(f, 'file'));
          return out;
        }
        if (i + 2 < segs.length) throw notFound('nothing below a file');
        const f = files.find((x) => x.name === item);
        if (!f) throw notFound(`file "${item}" not found`);
        out.path.push(node(f, 'file'));
        out.target = { kind: 'file', doc: node(f, 'file') };
        return out;
      }
      if (current.type === 'analysis') throw notFound('analyses have no analyses');
      const analyses = childrenOf(current, 'analysis');
      if (item === undefined) {
        out.children = analyses.map((r) => node(presentRow(db, r, { list: true }), 'analysis'));
        return out;
      }
      current = pick(analyses, item, 'analysis');
      out.path.push(node(presentRow(db, current, { list: true }), 'analysis'));
      i++;
      continue;
    }
    const level = current?.type === 'analysis' ? null : childLevel(current);
    if (!level) throw notFound(`"${seg}" not found`);
    current = pick(childrenOf(current, level), seg, level);
    out.path.push(node(presentRow(db, current, { list: true }), level));
  }
  if (current) out.target = { kind: 'container', row: current };
  const level = current?.type === 'analysis' ? null : childLevel(current);
  if (level)
    out.children.push(
      ...childrenOf(current, level).map((r) => node(presentRow(db, r, { list: true }), level)),
    );
  // a project's analyses are among its children (a site lists them after the subjects)
  if (current?.type === 'project')
    out.children.push(
      ...childrenOf(current, 'analysis').map((r) =>
        node(presentRow(db, r, { list: true }), 'analysis'),
      ),
    );
  if (current && current.type !== 'group')
    out.children.push(...filesOf(db, current.id, 'files').map((f) => node(f, 'file')));
  return out;
}

function latestGears(gears: Doc[]): Doc[] {
  const byName = new Map<string, Doc>();
  for (const g of gears) byName.set(g.gear?.name, g);
  return [...byName.values()];
}

function parseDoc(r: ContainerRow): Doc {
  return JSON.parse(r.doc) as Doc;
}

async function pathOf(c: Context<AppEnv>): Promise<string[]> {
  const body = await readObject(c);
  // ResolveInput is closed; a "group/project" string path is accepted too (a local leniency)
  for (const k of Object.keys(body))
    if (k !== 'path')
      throw badRequest(`unexpected field "${k}" in request body: the resolver takes only "path"`);
  const p = body.path;
  const segs = typeof p === 'string' ? p.split('/').filter((s) => s !== '') : p;
  if (!Array.isArray(segs) || segs.some((s) => typeof s !== 'string' || s === '')) {
    throw badRequest('"path" must be a list of non-empty strings');
  }
  return segs as string[];
}

export function registerResolveRoutes(routes: RouteTable): void {
  routes.on('resolve_path', async (c) => {
    const user = requireUser(c.get('user'));
    const w = walk(c, user, await pathOf(c));
    return replyUntyped(c, { path: w.path, children: w.children });
  });
  routes.on('lookup_path', async (c) => {
    const user = requireUser(c.get('user'));
    const segs = await pathOf(c);
    if (segs.length === 0) throw notFound('empty path');
    const w = walk(c, user, segs);
    const t = w.target;
    if (!t) throw notFound('path not found');
    if (t.kind === 'container')
      return replyUntyped(c, presentRow(c.get('state').db as Db, t.row, { withType: true }));
    if (t.kind === 'gear') return replyUntyped(c, node(t.doc, 'gear'));
    return replyUntyped(c, t.doc);
  });
}
