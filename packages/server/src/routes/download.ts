import yazl from 'yazl';
import type { Readable } from 'node:stream';
import type { AppEnv } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { getRow, parseDoc, subtreeIds, type ContainerRow, type Doc } from '../db/containers.js';
import { requireAccess, requireUser } from '../app/access.js';
import { badRequest, notFound } from '../app/errors.js';
import { ok, readObject } from '../app/json.js';
import { isObj } from '../app/validate.js';
import { createTarStream, type TarEntry } from '../transfer/index.js';
import { createTicket, useTicket } from './tickets.js';
import { disposition, streamResponse } from './files.js';
import type { Db } from '../db/open.js';

const LEVELS = ['project', 'subject', 'session', 'acquisition', 'analysis'];

const clean = (s: unknown) => {
  const t = String(s ?? 'unknown').replace(/[/\\\0]/g, '_');
  return t === '.' || t === '..' || t === '' ? '_' : t;
};

/** Folder of a container inside the archive: group/project/subject code/session/acquisition. */
function folderOf(db: Db, row: ContainerRow, cache: Map<string, string>): string {
  const hit = cache.get(row.id);
  if (hit !== undefined) return hit;
  const doc = parseDoc(row);
  let own: string;
  let parentId: string | null = null;
  if (row.type === 'group') own = clean(row.id);
  else if (row.type === 'analysis') {
    own = `analyses/${clean(doc.label)}`;
    parentId = row.parent_id;
  } else {
    own = clean(row.type === 'subject' ? (doc.code ?? doc.label) : doc.label);
    parentId =
      row.type === 'project'
        ? row.group_id
        : row.type === 'session' && !row.subject_id
          ? row.project_id
          : row.parent_id;
  }
  const parent = parentId ? getRow(db, parentId) : undefined;
  const path = parent ? `${folderOf(db, parent, cache)}/${own}` : own;
  cache.set(row.id, path);
  return path;
}

interface Selected {
  path: string;
  file_id: string;
}

/** Bulk download: POST selects files into a ticket, GET streams them as a tar. */
export function registerDownloadRoutes(routes: RouteTable): void {
  routes.on('create_download_ticket', async (c) => {
    const user = requireUser(c.get('user'));
    const state = c.get('state');
    const db = state.db;
    const body = await readObject(c);
    if (!Array.isArray(body.nodes) || body.nodes.length === 0)
      throw badRequest('"nodes" must be a non-empty list of {level, _id}');
    const plus = new Set<string>();
    const minus = new Set<string>();
    if (body.filters !== undefined) {
      if (!Array.isArray(body.filters)) throw badRequest('"filters" must be a list');
      for (const f of body.filters) {
        if (!isObj(f)) throw badRequest('each filter must be an object');
        if (f.types !== undefined) {
          if (!isObj(f.types)) throw badRequest('"types" filter must be {plus, minus}');
          for (const [k, set] of [
            ['plus', plus],
            ['minus', minus],
          ] as const) {
            const v = f.types[k];
            if (v === undefined) continue;
            if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
              throw badRequest(`"types.${k}" must be a list of strings`);
            for (const x of v as string[]) set.add(x);
          }
        }
      }
    }
    const prefix = clean(c.req.query('prefix') ?? 'flywheel');
    const containers = new Set<string>();
    for (const n of body.nodes) {
      if (!isObj(n) || typeof n._id !== 'string' || typeof n.level !== 'string')
        throw badRequest('each node needs "level" and "_id"');
      if (!LEVELS.includes(n.level)) throw badRequest(`unsupported node level "${n.level}"`);
      const row = getRow(db, n._id);
      if (!row || row.type !== n.level) throw notFound(`${n.level} ${n._id} not found`);
      requireAccess(db, user, row, 'ro');
      if (row.type === 'analysis') containers.add(row.id);
      else
        for (const id of subtreeIds(db, row.id))
          if (getRow(db, id)?.type !== 'analysis') containers.add(id);
    }
    const cache = new Map<string, string>();
    const selected: Selected[] = [];
    const seen = new Set<string>();
    let size = 0;
    for (const id of [...containers].sort()) {
      const row = getRow(db, id)!;
      const files = db
        .prepare(
          'SELECT id, role, name, size, type FROM files WHERE container_id = ? ORDER BY role, name',
        )
        .all(id) as {
        id: string;
        role: string;
        name: string;
        size: number;
        type: string | null;
      }[];
      for (const f of files) {
        if (plus.size && !plus.has(f.type ?? '')) continue;
        if (minus.has(f.type ?? '')) continue;
        const sub = row.type === 'analysis' ? `${f.role === 'inputs' ? 'input' : 'output'}/` : '';
        let path = `${prefix}/${folderOf(db, row, cache)}/${sub}${f.name.split('/').map(clean).join('/')}`;
        for (let i = 1; seen.has(path); i++) path = `${path}_${i}`;
        seen.add(path);
        selected.push({ path, file_id: f.id });
        size += f.size;
      }
    }
    const filename = `${prefix}_${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}.tar`;
    const ticket = createTicket(state, 'download', {
      files: selected,
      filename,
      user: user.doc._id,
    });
    return ok(c, 'create_download_ticket', { ticket, file_cnt: selected.length, size, filename });
  });

  routes.on('download_ticket', (c) => {
    const state = c.get('state');
    const id = c.req.query('ticket');
    if (!id) throw badRequest('"ticket" is required');
    const format = c.req.query('format') ?? 'tar';
    if (format !== 'tar' && format !== 'zip') throw badRequest('"format" must be tar or zip');
    const t = useTicket(state.db, id, { kind: 'download' });
    const files = t.files as Selected[];
    const db = state.db;
    if (format === 'zip') return zipDownload(state, files, String(t.filename));
    async function* entries(): AsyncIterable<TarEntry> {
      for (const s of files) {
        const f = db
          .prepare('SELECT blob_id, size, modified FROM files WHERE id = ?')
          .get(s.file_id) as { blob_id: string | null; size: number; modified: string } | undefined;
        if (!f?.blob_id) continue; // deleted since the ticket was issued
        yield {
          pathInTar: s.path,
          blobPath: state.blobs.path(f.blob_id),
          size: f.size,
          mtime: f.modified,
        };
      }
    }
    return streamResponse(createTarStream(entries()), 200, {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': disposition(String(t.filename)),
    });
  });
}

/** The ticket's files as a zip (yazl streams it; sizes are known, nothing is buffered). */
function zipDownload(
  state: { db: Db; blobs: { path(id: string): string } },
  files: Selected[],
  filename: string,
): Response {
  const zip = new yazl.ZipFile();
  const stmt = state.db.prepare('SELECT blob_id, size, modified FROM files WHERE id = ?');
  for (const s of files) {
    const f = stmt.get(s.file_id) as
      { blob_id: string | null; size: number; modified: string } | undefined;
    if (!f?.blob_id) continue; // deleted since the ticket was issued
    zip.addFile(state.blobs.path(f.blob_id), s.path, {
      mtime: new Date(f.modified),
      compress: false,
    });
  }
  zip.end();
  return streamResponse(zip.outputStream as Readable, 200, {
    // the spec (and the reference) answer application/octet-stream for both formats
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': disposition(filename.replace(/\.tar$/, '') + '.zip'),
  });
}

export type { Doc };
