import { getFile } from '../../db/files.js';
import { presentFile } from '../../app/present.js';
import { notFound } from '../../app/errors.js';
import type { operations } from '@fw/api';
import type { RouteTable } from '../../app/operations.js';
import { routeNotFound } from '../../app/operations.js';
import { requireAccess } from '../../app/access.js';
import { badRequest } from '../../app/errors.js';
import { ok, readObject, replyUntyped } from '../../app/json.js';
import { presentRow } from '../../app/present.js';
import { createAnalysis, createAnalysisWithFiles } from '../../app/analyses.js';
import { filenamePathFlag } from '../../app/file-meta.js';
import { parseMultipartUpload } from '../../transfer/index.js';
import { loadContainer } from '../../app/containers.js';
import { SINGULAR, type ContainerRow, type CType } from '../../db/containers.js';
import {
  ANALYSIS_PARENTS,
  direct,
  listRows,
  listVisibility,
  me,
  type RowHandler,
} from './target.js';

/** Analyses hang off projects, subjects, sessions, acquisitions and collections. */
const onParent =
  (h: RowHandler): RowHandler =>
  (c, row, args) => {
    if (row.type === 'group' || row.type === 'analysis') throw routeNotFound(c);
    return h(c, row, args);
  };

const add: RowHandler = async (c, row) => {
  const user = me(c);
  const op = 'add_session_analysis' as Extract<`add_${CType}_analysis`, keyof operations>;
  const ctype = c.req.header('content-type') ?? '';
  if (ctype.toLowerCase().startsWith('multipart/form-data')) {
    // check access before streaming anything into the blob store
    const { db, blobs } = c.get('state');
    requireAccess(db, user, row, 'rw');
    const upload = await parseMultipartUpload(c.env.incoming, c.req.raw.headers, blobs, {
      minFiles: 0,
      maxFiles: Infinity,
      filenamePath: filenamePathFlag(c.req.query('filename_path')),
    });
    try {
      const names = new Set<string>();
      for (const f of upload.files) {
        if (names.has(f.name)) throw badRequest(`file "${f.name}" sent twice`);
        names.add(f.name);
      }
      return ok(c, op, {
        _id: createAnalysisWithFiles(db, user, row, upload.metadata, upload.files),
      });
    } catch (err) {
      await Promise.all(upload.files.map((f) => blobs.remove(f.blobId)));
      throw err;
    }
  }
  const body = await readObject(c);
  return ok(c, op, { _id: createAnalysis(c.get('state').db, user, row, body) });
};

const list: RowHandler = (c, row) => {
  requireAccess(c.get('state').db, me(c), row, 'ro');
  return listRows(c, [{ sql: `c.type = 'analysis' AND c.parent_id = ?`, params: [row.id] }]);
};

const CONTAINER_WORDS = new Set([...Object.keys(SINGULAR), 'containers']);

/** `/{kind}/{id}/{subkind}/analyses`: analyses anywhere below, on `subkind` (or `all`) level. */
const below: RowHandler = (c, row, [subkind = '']) => {
  const db = c.get('state').db;
  requireAccess(db, me(c), row, 'ro');
  const sub = subkind === 'all' ? null : SINGULAR[subkind];
  if (subkind !== 'all' && (!sub || sub === 'analysis' || sub === 'group'))
    throw badRequest(`invalid level "${subkind}"`);
  const col = `${row.type}_id`;
  if (!['group', 'project', 'subject', 'session'].includes(row.type))
    throw badRequest(`invalid level "${row.type}"`);
  const parentFilter = sub
    ? `c.parent_type = '${sub}' AND (c.parent_id = @id OR EXISTS (SELECT 1 FROM containers p WHERE p.id = c.parent_id AND p.${col} = @id))`
    : `(c.parent_id = @id OR c.${col} = @id)`;
  const vis = listVisibility(c, 'children', 'c');
  const rows = db
    .prepare(
      `SELECT c.* FROM containers c WHERE c.type = 'analysis' AND ${parentFilter} AND ${vis.sql} ORDER BY c.id`,
    )
    .all({ id: row.id }, ...vis.params) as ContainerRow[];
  return replyUntyped(
    c,
    rows.map((r) => presentRow(db, r, { list: true })),
  );
};

/** Analyses of a container (list, create) and the cross-level `get_analyses`. */
export function registerAnalysisRoutes(routes: RouteTable): void {
  for (const t of ANALYSIS_PARENTS) {
    routes.on(`add_${t}_analysis`, direct(t, onParent(add)));
    routes.on(`get_${t}_analyses`, direct(t, onParent(list)));
  }
  routes.on('get_all_analyses', (c) =>
    listRows(c, [{ sql: `c.type = 'analysis'`, params: [] }], 'top'),
  );
  const inputInfo = (c: Parameters<RowHandler>[0], row: ContainerRow, name: string) => {
    requireAccess(c.get('state').db, me(c), row, 'ro');
    const f = getFile(c.get('state').db, row.id, 'inputs', name);
    if (!f) throw notFound(`analysis ${row.id} has no input ${name}`);
    return presentFile(JSON.parse(f.doc), 'inputs');
  };
  routes.on(
    'get_analysis_file_info',
    direct('analysis', (c, row, [name = '']) => replyUntyped(c, inputInfo(c, row, name))),
  );
  routes.on(
    'get_analysis_input_files',
    direct('analysis', (c, row, [name = '']) => replyUntyped(c, [inputInfo(c, row, name)])),
  );
  routes.on('get_analyses', (c, [kind = '', id = '', subkind = '']) => {
    if (!CONTAINER_WORDS.has(kind)) throw routeNotFound(c);
    const type = kind === 'containers' ? 'container' : SINGULAR[kind]!;
    return below(c, loadContainer(c.get('state').db, type, id), [subkind]);
  });
}
