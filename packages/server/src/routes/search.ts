import type { AppEnv } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { containerColumns, type ContainerRow, type Doc } from '../db/containers.js';
import { requireUser, visibleSql } from '../app/access.js';
import { badRequest, forbidden } from '../app/errors.js';
import { readObject, replyUntyped } from '../app/json.js';
import { compileSearch, type SearchLevel, type SearchSchema } from '../search/index.js';
import type { DocTarget } from '../query/index.js';

const RETURN_TYPES = [
  'file',
  'acquisition',
  'session',
  'subject',
  'project',
  'analysis',
  'collection',
] as const;
type ReturnType = (typeof RETURN_TYPES)[number];
const HIERARCHY = ['group', 'project', 'subject', 'session', 'acquisition'] as const;
const MAX_SIZE = 10_000;

const target = (alias: string): DocTarget => ({
  docColumn: `${alias}.doc`,
  columns: containerColumns(alias),
});
const FILE_TARGET: DocTarget = {
  docColumn: 'f.doc',
  columns: {
    _id: 'f.id',
    name: 'f.name',
    size: 'f.size',
    type: 'f.type',
    created: 'f.created',
    modified: 'f.modified',
  },
};

/** The id of a container's ancestor (or itself) at a hierarchy level, for container alias `a`. */
const levelId = (a: string, lvl: string) =>
  `CASE WHEN ${a}.type = '${lvl}' THEN ${a}.id ELSE ${a}.${lvl}_id END`;

const isHierarchyLevel = (
  rt: ReturnType,
): rt is 'project' | 'subject' | 'session' | 'acquisition' =>
  rt === 'project' || rt === 'subject' || rt === 'session' || rt === 'acquisition';

function node(doc: Doc | null, keys: string[]): Doc | undefined {
  if (!doc) return undefined;
  const out: Doc = {};
  for (const k of keys) if (doc[k] !== undefined && doc[k] !== null) out[k] = doc[k];
  return out;
}

/**
 * POST /dataexplorer/search: a FlyQL `structured_query` compiled to SQL over the container
 * tables (joined up the hierarchy from the returned type), limited to what the caller may read.
 */
export function registerSearchRoutes(routes: RouteTable): void {
  routes.on('search', async (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const sizeParam = c.req.query('size');
    let size: number | null = 100;
    if (sizeParam === 'all') size = null;
    else if (sizeParam !== undefined) {
      if (!/^-?\d+$/.test(sizeParam)) throw badRequest('"size" must be an integer or "all"');
      size = Math.max(1, Number(sizeParam));
      if (size > MAX_SIZE) throw badRequest(`"size" cannot exceed ${MAX_SIZE}`);
    }
    const body = await readObject(c);
    const rt = body.return_type as ReturnType;
    if (!RETURN_TYPES.includes(rt))
      throw badRequest(`"return_type" must be one of ${RETURN_TYPES.join(', ')}`);
    if (body.structured_query !== undefined && typeof body.structured_query !== 'string')
      throw badRequest('"structured_query" must be a string');
    if (body.search_string !== undefined && typeof body.search_string !== 'string')
      throw badRequest('"search_string" must be a string');
    if (body.all_data === true && !user.isAdmin)
      throw forbidden('all_data is only available to site admins');

    // the base container: the returned one, or the file's container
    const baseType = rt === 'file' ? null : rt;
    const joins = HIERARCHY.map(
      (lvl) => `LEFT JOIN containers l_${lvl} ON l_${lvl}.id = ${levelId('b', lvl)}`,
    );
    const subtree = isHierarchyLevel(rt);
    // A project/subject/session/acquisition matches when the query holds for it together with
    // something in its subtree (a descendant container or a file): `acquisition.label = x` finds
    // the subjects above such acquisitions, `file.classification.Measurement = T1` the
    // acquisitions holding such files. Other return types are matched on their own context.
    const levels: SearchSchema['levels'] = {};
    for (const lvl of HIERARCHY) levels[lvl] = target(subtree ? `q_${lvl}` : `l_${lvl}`);
    if (rt === 'analysis') levels.analysis = target('b');
    if (rt === 'file' || subtree) levels.file = FILE_TARGET;

    const where: string[] = [];
    const params: unknown[] = [];
    const vis = visibleSql(user, body.all_data === true, 'b');
    where.push(vis.sql);
    params.push(...vis.params);
    if (baseType) {
      where.push('b.type = ?');
      params.push(baseType);
    }
    const q = typeof body.structured_query === 'string' ? body.structured_query.trim() : '';
    if (q) {
      const compiled = compileSearch(q, { levels });
      if (subtree) {
        // one candidate record per descendant container and (optional) file under it
        const chain = HIERARCHY.map(
          (lvl) => `LEFT JOIN containers q_${lvl} ON q_${lvl}.id = ${levelId('d', lvl)}`,
        );
        where.push(`EXISTS (SELECT 1 FROM containers d LEFT JOIN files f ON f.container_id = d.id ${chain.join(' ')}
          WHERE (d.id = b.id OR d.${rt}_id = b.id) AND (${compiled.sql}))`);
      } else {
        where.push(`(${compiled.sql})`);
      }
      params.push(...compiled.params);
    }
    if (body.search_string) {
      const like = `%${(body.search_string as string).replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      where.push(rt === 'file' ? `f.name LIKE ? ESCAPE '\\'` : `b.label LIKE ? ESCAPE '\\'`);
      params.push(like);
    }
    const from =
      rt === 'file' ? 'files f JOIN containers b ON b.id = f.container_id' : 'containers b';
    const sql = `SELECT b.id AS b_id, b.type AS b_type, b.doc AS b_doc, ${rt === 'file' ? 'f.doc AS f_doc,' : ''}
        ${HIERARCHY.map((l) => `l_${l}.doc AS ${l}_doc`).join(', ')}
      FROM ${from} ${joins.join(' ')}
      WHERE ${where.join(' AND ')}
      ORDER BY ${rt === 'file' ? 'f.created, f.id' : 'b.id'} ${size === null ? '' : `LIMIT ${size}`}`;
    const rows = db.prepare(sql).all(...params) as Record<string, string | null>[];
    const results = rows.map((r) => {
      const docs: Record<string, Doc | null> = {};
      for (const l of HIERARCHY)
        docs[l] = r[`${l}_doc`] ? (JSON.parse(r[`${l}_doc`]!) as Doc) : null;
      const base = JSON.parse(r.b_doc!) as Doc;
      const out: Doc = { return_type: rt };
      out.group = node(docs.group!, ['_id', 'label']);
      out.project = node(docs.project!, ['_id', 'label']);
      out.subject = node(docs.subject!, ['_id', 'code']);
      out.session = node(docs.session!, ['_id', 'label', 'timestamp', 'created']);
      out.acquisition = node(docs.acquisition!, ['_id', 'label', 'timestamp', 'created']);
      if (r.b_type === 'analysis') out.analysis = node(base, ['_id', 'label', 'created']);
      if (r.b_type === 'collection') out.collection = node(base, ['_id', 'label', 'created']);
      if (rt === 'file') {
        const f = JSON.parse(r.f_doc!) as Doc;
        out.file = node(f, [
          'name',
          'type',
          'size',
          'created',
          'modified',
          'mimetype',
          'classification',
          'modality',
          'tags',
        ]);
        out.parent = { ...node(base, ['_id', 'label', 'code']), type: r.b_type };
      } else if (rt !== ('group' as string)) {
        const parentType =
          rt === 'analysis'
            ? base.parent?.type
            : (
                {
                  acquisition: 'session',
                  session: 'project',
                  subject: 'project',
                  project: 'group',
                } as Record<string, string>
              )[rt];
        const p = rt === 'analysis' ? base.parent?.id : undefined;
        if (parentType)
          out.parent = {
            ...(p ? { _id: p } : (node(docs[parentType] ?? null, ['_id', 'label']) ?? {})),
            type: parentType,
          };
      }
      for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
      return out;
    });
    if (c.req.query('simple') === 'false') return replyUntyped(c, { results });
    return replyUntyped(c, results);
  });
}

export type { ContainerRow, SearchLevel };
