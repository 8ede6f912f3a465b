/**
 * Saving view data as a file: `POST /views/save` (evaluate a saved or ad-hoc view and store
 * the result in a container) and `POST /data_view_executions/{id}/save` (store a completed
 * execution's data in its project). The data is formatted straight into the blob store, then
 * the file entry is recorded in one transaction (a new version if the name exists): a failure
 * leaves no file and no blob behind.
 */
import { rm } from 'node:fs/promises';
import type { Context } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireAccess, requireUser } from '../app/access.js';
import { badRequest, notFound } from '../app/errors.js';
import { readObject, replyUntyped } from '../app/json.js';
import { objectId } from '../app/ids.js';
import { fileDoc } from '../app/file-meta.js';
import { presentFile } from '../app/present.js';
import { touch, loadContainer } from '../app/containers.js';
import { checkFormat, CONTENT_TYPES, formatRows, readNdjson } from '../app/views/format.js';
import type { Row } from '../app/views/evaluate.js';
import { getRow, SINGULAR, type ContainerRow, type CType, type Doc } from '../db/containers.js';
import { putFile } from '../db/files.js';
import { checkView, load as loadView } from './views.js';
import { evaluateToFile, intQuery, loadExec, outPath, sortQuery, target } from './view-exec.js';

/** A stored file doc in the v21 `File` shape these operations answer (`_id` = the version). */
function asFile(doc: Doc): Doc {
  const { file_id, version, _id, ...rest } = presentFile(doc);
  return {
    ...rest,
    _id: { file_id, version },
    uuid: _id,
    classification: rest.classification ?? {},
  };
}

const extOf = (format: string) => (format.startsWith('json') ? 'json' : format);

/** Format `rows` into a blob and record it as file `name` of `row`; the stored entry. */
async function saveRows(
  c: Context<AppEnv>,
  user: CurrentUser,
  row: ContainerRow,
  name: string,
  rows: AsyncIterable<Row>,
  columns: string[],
  format: string,
): Promise<Doc> {
  const { db, blobs } = c.get('state');
  const info = await blobs.write(formatRows(rows, columns, format));
  try {
    return db.transaction(() => {
      const doc = fileDoc(
        {
          name,
          size: info.size,
          hash: info.hash,
          contentType: CONTENT_TYPES[format] ?? 'application/json; charset=utf-8',
        },
        {},
        user.doc._id,
      );
      putFile(db, row.id, row.type, 'files', doc, info.id);
      touch(db, row.id);
      return doc;
    })();
  } catch (err) {
    await blobs.remove(info.id);
    throw err;
  }
}

export function registerViewSaveRoutes(routes: RouteTable): void {
  routes.on('save_view_data_to_container', async (c) => {
    const user = requireUser(c.get('user'));
    const state = c.get('state');
    const format = checkFormat(c.req.query('format'));
    const body = await readObject(c);
    for (const k of Object.keys(body))
      if (
        !['viewId', 'view', 'containerType', 'containerId', 'filename', 'description'].includes(k)
      )
        throw badRequest(`unexpected property "${k}"`);
    if (typeof body.filename !== 'string' || body.filename === '' || /[/\\]/.test(body.filename))
      throw badRequest('"filename" (a plain file name) is required');
    if (typeof body.containerType !== 'string' || typeof body.containerId !== 'string')
      throw badRequest('"containerType" and "containerId" (where the file goes) are required');
    if ((body.viewId === undefined) === (body.view === undefined))
      throw badRequest('give exactly one of "viewId" (a saved view) or "view" (an ad-hoc view)');
    const view =
      typeof body.viewId === 'string'
        ? loadView(state.db, body.viewId)
        : checkView((body.view ?? {}) as Doc, false);
    const dest = loadContainer(
      state.db,
      (SINGULAR[body.containerType] ?? body.containerType) as CType,
      body.containerId,
    );
    requireAccess(state.db, user, dest, 'rw');
    const source = target(c, user);
    const path = outPath(state, `save-${objectId()}`);
    try {
      const columns = await evaluateToFile(
        {
          db: state.db,
          blobs: state.blobs,
          view,
          container: source,
          filter: c.req.query('filter'),
          skip: intQuery(c, 'skip'),
          limit: intQuery(c, 'limit'),
          sort: sortQuery(c),
        },
        path,
      );
      const doc = await saveRows(c, user, dest, body.filename, readNdjson(path), columns, format);
      return replyUntyped(c, asFile(doc));
    } finally {
      await rm(path, { force: true });
    }
  });
  routes.on('save_data_view_execution', async (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const state = c.get('state');
    const e = loadExec(state, id);
    if (!user.isAdmin && e.user_id !== user.doc._id)
      throw notFound(`data view execution ${id} not found`);
    const format = checkFormat(c.req.query('file_format'));
    if (e.state !== 'completed')
      throw badRequest(
        `data view execution ${id} is ${String(e.state)}: save it once it is completed`,
      );
    const project = getRow(state.db, String(e.project_id));
    if (!project) throw notFound(`project ${String(e.project_id)} of the execution not found`);
    requireAccess(state.db, user, project, 'rw');
    const label = String(e.data_view_label ?? 'view-data').replace(/[/\\]+/g, '_');
    const doc = await saveRows(
      c,
      user,
      project,
      `${label}.${extOf(format)}`,
      readNdjson(outPath(state, id)),
      e.columns as string[],
      format,
    );
    return replyUntyped(c, asFile(doc));
  });
}
