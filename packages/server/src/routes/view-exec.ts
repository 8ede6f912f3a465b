/**
 * Data view evaluation and executions: `POST /views/queue`, `POST /views/{id}/queue`,
 * `/data_view_executions…`, the synchronous `GET /views/{id}/data` and `POST /views/data`,
 * and `GET /views/columns`. An execution runs in the background (`queued → processing →
 * completed | failed`) and writes its rows as ndjson under the data folder, one row at a time;
 * `…/data?file_format=` streams them back in the asked format.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'hono';
import type { AppEnv, AppState, CurrentUser } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireAccess, requireUser } from '../app/access.js';
import { badRequest, notFound } from '../app/errors.js';
import { readObject, replyUntyped } from '../app/json.js';
import { objectId } from '../app/ids.js';
import { now } from '../app/time.js';
import { getRow, type ContainerRow, type Doc } from '../db/containers.js';
import { evaluateView, VIEW_COLUMNS, type EvalInput } from '../app/views/evaluate.js';
import { checkFormat, formatRows, readNdjson } from '../app/views/format.js';
import { parseRowSort } from '../app/views/sort.js';
import { streamResponse } from './files.js';
import { checkView, load as loadView } from './views.js';
import { registerViewSaveRoutes } from './view-save.js';

const KEY = (id: string) => `dve:${id}`;

export function loadExec(state: AppState, id: string): Doc {
  const row = state.db.prepare('SELECT value FROM site WHERE key = ?').get(KEY(id)) as
    { value: string } | undefined;
  if (!row) throw notFound(`data view execution ${id} not found`);
  return JSON.parse(row.value) as Doc;
}
const saveExec = (state: AppState, e: Doc) =>
  state.db
    .prepare(
      'INSERT INTO site (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    )
    .run(KEY(e._id as string), JSON.stringify(e));
export const outPath = (state: AppState, id: string) =>
  join(state.dataDir, 'views', `${id}.ndjson`);

/** Evaluate into an ndjson file, row by row (with backpressure); the columns in first-seen order. */
export async function evaluateToFile(input: EvalInput, path: string): Promise<string[]> {
  await mkdir(join(path, '..'), { recursive: true });
  const out = createWriteStream(path);
  const columns = new Map<string, true>();
  try {
    for await (const row of evaluateView(input)) {
      for (const k of Object.keys(row)) columns.set(k, true);
      if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return [...columns.keys()];
}

export function target(c: Context<AppEnv>, user: CurrentUser): ContainerRow {
  const cid = c.req.query('containerId');
  if (!cid) throw badRequest('containerId is required: the container whose data the view reads');
  const row = getRow(c.get('state').db, cid);
  if (!row) throw notFound(`container ${cid} not found`);
  requireAccess(c.get('state').db, user, row, 'ro');
  return row;
}
export const intQuery = (c: Context<AppEnv>, name: string): number | undefined => {
  const v = c.req.query(name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw badRequest(`${name} must be a non-negative integer, not "${v}"`);
  return Number(v);
};

/** `?sort=col:asc,…`, checked before anything runs. */
export const sortQuery = (c: Context<AppEnv>): string | undefined => {
  const v = c.req.query('sort');
  parseRowSort(v);
  return v;
};

function savedView(c: Context<AppEnv>, id: string): Doc {
  const v = loadView(c.get('state').db, id);
  return v;
}

function queue(c: Context<AppEnv>, user: CurrentUser, view: Doc, viewId: string | null): Response {
  const state = c.get('state');
  const row = target(c, user);
  const input: EvalInput = {
    db: state.db,
    blobs: state.blobs,
    view,
    container: row,
    filter: c.req.query('filter'),
    skip: intQuery(c, 'skip'),
    limit: intQuery(c, 'limit'),
    sort: sortQuery(c),
  };
  const ts = now();
  const exec: Doc = {
    _id: objectId(),
    created: ts,
    modified: ts,
    user_id: user.doc._id,
    project_id: row.project_id ?? row.id,
    container_id: row.id,
    state: 'queued',
    data_view_label: (view.label as string | undefined) ?? 'UNKNOWN',
    ...(viewId ? { data_view_id: viewId } : {}),
    expires_on: new Date(Date.now() + 7 * 86400e3).toISOString(),
  };
  saveExec(state, exec);
  setImmediate(() => {
    void (async () => {
      const id = exec._id as string;
      saveExec(state, { ...exec, state: 'processing', timestamp_ran: now(), modified: now() });
      try {
        const columns = await evaluateToFile(input, outPath(state, id));
        if (!alive(state, id)) return;
        saveExec(state, { ...loadExec(state, id), state: 'completed', columns, modified: now() });
      } catch (err) {
        if (!alive(state, id)) return;
        saveExec(state, {
          ...loadExec(state, id),
          state: 'failed',
          error: (err as Error).message,
          modified: now(),
        });
      }
    })();
  });
  return replyUntyped(c, exec);
}

const alive = (state: AppState, id: string) =>
  state.db.prepare('SELECT 1 FROM site WHERE key = ?').get(KEY(id)) !== undefined;

const present = (e: Doc): Doc => {
  const { columns: _c, container_id: _k, ...rest } = e;
  void _c;
  void _k;
  return rest;
};

function dataResponse(rows: AsyncIterable<Doc>, columns: string[], format: string, name: string) {
  const ext = format.startsWith('json') ? 'json' : format;
  return streamResponse(formatRows(rows, columns, format), 200, {
    // the spec answers application/octet-stream for every format, as the reference does
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': `attachment; filename="${name.replace(/[^\w.-]+/g, '_')}.${ext}"`,
  });
}

/** Synchronous evaluation: into a temp file (the columns must be known first), then streamed out. */
async function evaluateNow(c: Context<AppEnv>, user: CurrentUser, view: Doc): Promise<Response> {
  const state = c.get('state');
  const format = checkFormat(c.req.query('format'));
  const row = target(c, user);
  const path = outPath(state, `adhoc-${objectId()}`);
  const columns = await evaluateToFile(
    {
      db: state.db,
      blobs: state.blobs,
      view,
      container: row,
      filter: c.req.query('filter'),
      skip: intQuery(c, 'skip'),
      limit: intQuery(c, 'limit'),
      sort: sortQuery(c),
    },
    path,
  );
  async function* rows() {
    try {
      yield* readNdjson(path);
    } finally {
      await rm(path, { force: true });
    }
  }
  return dataResponse(rows(), columns, format, c.req.query('filename') ?? 'view-data');
}

export function registerViewExecRoutes(routes: RouteTable): void {
  registerViewSaveRoutes(routes);
  const me = (c: Context<AppEnv>) => requireUser(c.get('user'));
  routes.on('queue_adhoc', async (c) => {
    const user = me(c);
    return queue(c, user, checkView(await readObject(c), false), null);
  });
  routes.on('queue_saved', (c, [id = '']) => {
    const user = me(c);
    return queue(c, user, savedView(c, id), id);
  });
  routes.on('evaluate_view_adhoc', async (c) => {
    const user = me(c);
    return evaluateNow(c, user, checkView(await readObject(c), false));
  });
  routes.on('evaluate_view', (c, [id = '']) => {
    const user = me(c);
    return evaluateNow(c, user, savedView(c, id));
  });
  routes.on('data_view_columns', (c) => {
    me(c);
    return replyUntyped(c, VIEW_COLUMNS);
  });
  routes.on('get_all_data_view_executions', (c) => {
    const user = me(c);
    const rows = c
      .get('state')
      .db.prepare(`SELECT value FROM site WHERE key LIKE 'dve:%' ORDER BY key`)
      .all() as { value: string }[];
    const list = rows
      .map((r) => JSON.parse(r.value) as Doc)
      .filter((e) => user.isAdmin || e.user_id === user.doc._id)
      .map(present);
    return replyUntyped(c, list);
  });
  const mine = (c: Context<AppEnv>, id: string): Doc => {
    const user = me(c);
    const e = loadExec(c.get('state'), id);
    if (!user.isAdmin && e.user_id !== user.doc._id)
      throw notFound(`data view execution ${id} not found`);
    return e;
  };
  routes.on('get_data_view_execution', (c, [id = '']) => replyUntyped(c, present(mine(c, id))));
  routes.on('get_data_view_execution_data', (c, [id = '']) => {
    const e = mine(c, id);
    const format = checkFormat(c.req.query('file_format'));
    if (e.state === 'failed')
      throw badRequest(`data view execution ${id} failed: ${String(e.error)}`);
    if (e.state !== 'completed')
      throw badRequest(
        `data view execution ${id} is ${String(e.state)}: poll GET /data_view_executions/${id} until it is completed`,
      );
    return dataResponse(
      readNdjson(outPath(c.get('state'), id)),
      e.columns as string[],
      format,
      c.req.query('file_name') ?? String(e.data_view_label ?? 'view-data'),
    );
  });
  routes.on('delete_view_execution', async (c, [id = '']) => {
    mine(c, id);
    const state = c.get('state');
    state.db.prepare('DELETE FROM site WHERE key = ?').run(KEY(id));
    await rm(outPath(state, id), { force: true });
    return replyUntyped(c, { deleted: 1 });
  });
}
