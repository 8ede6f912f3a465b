import type { Context, Hono } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { operations } from '@fw/api';
import {
  containerColumns,
  deleteSubtree,
  getRow,
  parseDoc,
  PLURAL,
  saveContainer,
  SINGULAR,
  type ContainerRow,
  type CType,
} from '../db/containers.js';
import {
  accessTo,
  checkAccessValue,
  requireAccess,
  requireUser,
  visibleSql,
  type Permission,
} from '../app/access.js';
import { badRequest, conflict, HttpError, notFound } from '../app/errors.js';
import {
  ADD,
  ADD_NOTE,
  ADD_TAG,
  DELETE,
  DELETE_NOTE,
  DELETE_TAG,
  MODIFY,
  MODIFY_INFO,
  ok,
  readObject,
  replyUntyped,
} from '../app/json.js';
import { presentRow } from '../app/present.js';
import { createContainer, loadContainer, modifyContainer } from '../app/containers.js';
import {
  addNote,
  addTag,
  applyInfoUpdate,
  deleteNote,
  deleteTag,
  findNote,
  modifyNote,
  renameTag,
  requireTag,
} from '../app/subdocs.js';
import { hasFeature, pageBody, runFinder } from '../app/finder.js';
import { now } from '../app/time.js';
import { getUser } from '../db/users.js';
import { createAnalysis } from '../app/analyses.js';
import { downloadFile, fileOp, uploadFiles } from './files.js';
import { groupRoles } from './roles.js';
import { listJobsFor } from './jobs.js';

const KINDS = [
  'groups',
  'projects',
  'subjects',
  'sessions',
  'acquisitions',
  'collections',
  'analyses',
  'containers',
];
/** Parent plural → child plural → the ancestry column linking them. */
const CHILDREN: Record<string, Record<string, string>> = {
  groups: { projects: 'group_id' },
  projects: { subjects: 'project_id', sessions: 'project_id', acquisitions: 'project_id' },
  subjects: { sessions: 'subject_id', acquisitions: 'subject_id' },
  sessions: { acquisitions: 'session_id' },
};
const WITH_PERMISSIONS: CType[] = ['group', 'project', 'collection'];

const me = (c: Context<AppEnv>): CurrentUser => requireUser(c.get('user'));
const exhaustive = (c: Context<AppEnv>) =>
  ['true', '1'].includes(c.req.query('exhaustive') ?? c.req.query('root') ?? '');

function segments(c: Context<AppEnv>): string[] {
  const path = new URL(c.req.url).pathname.replace(/^\/api\/?/, '');
  try {
    return path
      .split('/')
      .filter((s, i, a) => s !== '' || i < a.length - 1)
      .map((s) => decodeURIComponent(s));
  } catch {
    throw badRequest('malformed percent-encoding in path');
  }
}

export function registerContainerRoutes(api: Hono<AppEnv>): void {
  for (const kind of KINDS) {
    api.on(['GET', 'POST'], `/${kind}`, (c) => collectionRoute(c, kind));
    api.all(`/${kind}/*`, (c) => itemRoute(c, kind, segments(c).slice(1)));
  }
}

/** GET /{kind} (finder list) and POST /{kind} (create). */
async function collectionRoute(c: Context<AppEnv>, kind: string): Promise<Response> {
  const type = SINGULAR[kind];
  const user = me(c);
  const db = c.get('state').db;
  if (!type || kind === 'analyses')
    throw notFound(`The resource ${c.req.method} ${c.req.path} could not be found`);
  if (c.req.method === 'POST') {
    const body = await readObject(c);
    const id = createContainer(db, user, type, body);
    return ok(c, ADD, { _id: id });
  }
  const vis = visibleSql(user, exhaustive(c), 'c');
  return listRows(c, [{ sql: 'c.type = ?', params: [type] }, vis]);
}

function listRows(c: Context<AppEnv>, where: { sql: string; params: unknown[] }[]): Response {
  const db = c.get('state').db;
  const { rows, total } = runFinder<ContainerRow>(c, {
    from: 'containers c',
    where,
    target: { docColumn: 'c.doc', columns: containerColumns('c') },
    select: 'c.*',
  });
  const items = rows.map((r) => presentRow(db, r, { list: true }));
  return replyUntyped(c, pageBody(c, items, total));
}

async function itemRoute(c: Context<AppEnv>, kind: string, segs: string[]): Promise<Response> {
  const db = c.get('state').db;
  const [id, ...rest] = segs;
  if (!id) throw notFound(`The resource ${c.req.method} ${c.req.path} could not be found`);
  const type: CType | 'container' = kind === 'containers' ? 'container' : SINGULAR[kind]!;
  const row = loadContainer(db, type, id);
  return dispatch(c, row, rest, kind === 'containers');
}

async function dispatch(
  c: Context<AppEnv>,
  row: ContainerRow,
  rest: string[],
  generic: boolean,
  nestedIn?: ContainerRow,
): Promise<Response> {
  const state = c.get('state');
  const db = state.db;
  const m = c.req.method;
  const head = rest[0];
  const notAllowed = () => new HttpError(405, `Method ${m} not allowed on ${c.req.path}`);

  // file downloads may be redeemed by ticket without credentials; everything else needs a user
  if (
    (head === 'files' || head === 'inputs') &&
    rest.length > 1 &&
    m === 'GET' &&
    rest[rest.length - 1] !== 'info'
  ) {
    const role = head === 'inputs' ? 'inputs' : 'files';
    if (head === 'inputs' && row.type !== 'analysis') throw notFound('only analyses have inputs');
    return downloadFile(c, row, role, rest.slice(1).join('/'));
  }
  const user = me(c);

  if (head === undefined) {
    if (m === 'GET') {
      requireAccess(db, user, row, 'ro');
      return replyUntyped(
        c,
        presentRow(db, row, {
          withType: generic,
          slim: hasFeature(c, 'slim-containers'),
          inflateJob: c.req.query('inflate_job') === 'true',
        }),
      );
    }
    if (m === 'PUT') {
      requireAccess(db, user, row, 'rw');
      modifyContainer(db, row, await readObject(c));
      return ok(c, MODIFY, { modified: 1 });
    }
    if (m === 'DELETE') {
      requireAccess(db, user, row, WITH_PERMISSIONS.includes(row.type) ? 'admin' : 'rw');
      const blobs = deleteSubtree(db, row.id);
      if (row.type === 'analysis' && row.parent_id) touchRow(c, row.parent_id);
      await Promise.all(blobs.map((b) => state.blobs.remove(b)));
      return ok(c, DELETE, { deleted: 1 });
    }
    throw notAllowed();
  }

  if (head === 'info' && rest.length === 1) {
    if (m !== 'POST') throw notAllowed();
    requireAccess(db, user, row, 'rw');
    const body = await readObject(c);
    mutate(c, row, (doc) => applyInfoUpdate(doc, body));
    return ok(c, MODIFY_INFO, { modified: 1 });
  }

  if (head === 'tags') {
    if (rest.length === 1) {
      if (m !== 'POST') throw notAllowed();
      requireAccess(db, user, row, 'rw');
      const body = await readObject(c);
      mutate(c, row, (doc) => addTag(doc, body.value));
      return ok(c, ADD_TAG, { modified: 1 });
    }
    if (rest.length === 2) {
      const tag = rest[1]!;
      if (m === 'GET') {
        requireAccess(db, user, row, 'ro');
        requireTag(parseDoc(row), tag);
        return replyUntyped(c, { value: tag });
      }
      requireAccess(db, user, row, 'rw');
      if (m === 'PUT') {
        const body = await readObject(c);
        return mutate(c, row, (doc) => renameTag(doc, tag, body.value));
      }
      if (m === 'DELETE') {
        mutate(c, row, (doc) => deleteTag(doc, tag));
        return ok(c, DELETE_TAG, { deleted: 1 });
      }
      throw notAllowed();
    }
  }

  if (head === 'notes' && row.type !== 'group') {
    if (rest.length === 1) {
      if (m !== 'POST') throw notAllowed();
      requireAccess(db, user, row, 'rw');
      const body = await readObject(c);
      mutate(c, row, (doc) => void addNote(doc, body.text, user.doc._id));
      return ok(c, ADD_NOTE, { modified: 1 });
    }
    if (rest.length === 2) {
      const nid = rest[1]!;
      if (m === 'GET') {
        requireAccess(db, user, row, 'ro');
        return replyUntyped(c, findNote(parseDoc(row), nid));
      }
      requireAccess(db, user, row, 'rw');
      if (m === 'PUT') {
        const body = await readObject(c);
        return mutate(c, row, (doc) => modifyNote(doc, nid, body.text));
      }
      if (m === 'DELETE') {
        mutate(c, row, (doc) => deleteNote(doc, nid));
        return ok(c, DELETE_NOTE, { deleted: 1 });
      }
      throw notAllowed();
    }
  }

  if (head === 'permissions' && WITH_PERMISSIONS.includes(row.type) && !nestedIn) {
    return permissionsRoute(c, user, row, rest.slice(1));
  }

  if (head === 'files' && row.type !== 'group') {
    if (rest.length === 1) {
      if (m !== 'POST') throw notAllowed();
      return uploadFiles(c, row);
    }
    const last = rest[rest.length - 1];
    if (rest.length > 2 && last === 'info') {
      const name = rest.slice(1, -1).join('/');
      if (m === 'GET') return fileOp(c, row, name, 'get-info');
      if (m === 'POST') return fileOp(c, row, name, 'info');
      throw notAllowed();
    }
    if (rest.length > 2 && last === 'classification') {
      if (m !== 'POST') throw notAllowed();
      return fileOp(c, row, rest.slice(1, -1).join('/'), 'classification');
    }
    const name = rest.slice(1).join('/');
    if (m === 'PUT') return fileOp(c, row, name, 'modify');
    if (m === 'DELETE') return fileOp(c, row, name, 'delete');
    throw notAllowed();
  }

  if (head === 'analyses' && row.type !== 'group' && row.type !== 'analysis' && !nestedIn) {
    if (rest.length === 1) {
      if (m === 'POST') {
        const body = await readObject(c);
        return ok(c, 'add_session_analysis' as Extract<`add_${CType}_analysis`, keyof operations>, {
          _id: createAnalysis(db, user, row, body),
        });
      }
      if (m === 'GET') {
        requireAccess(db, user, row, 'ro');
        return listRows(c, [{ sql: `c.type = 'analysis' AND c.parent_id = ?`, params: [row.id] }]);
      }
      throw notAllowed();
    }
    const analysis = loadContainer(db, 'analysis', rest[1]!);
    if (analysis.parent_id !== row.id)
      throw notFound(`analysis ${rest[1]} not found in ${row.type} ${row.id}`);
    const sub = rest.slice(2);
    if (sub[0] === 'tags' || sub[0] === 'info' || sub[0] === 'permissions')
      throw notFound(`The resource ${m} ${c.req.path} could not be found`);
    return dispatch(c, analysis, sub, false, row);
  }

  // /{kind}/{id}/{subkind}/analyses: analyses anywhere below (subkind may be "all")
  if (rest.length === 2 && rest[1] === 'analyses' && m === 'GET') {
    requireAccess(db, user, row, 'ro');
    const sub = head === 'all' ? null : SINGULAR[head!];
    if (head !== 'all' && (!sub || sub === 'analysis' || sub === 'group'))
      throw badRequest(`invalid level "${head}"`);
    const col = `${row.type}_id`;
    if (!['group', 'project', 'subject', 'session'].includes(row.type))
      throw badRequest(`invalid level "${row.type}"`);
    const parentFilter = sub
      ? `c.parent_type = '${sub}' AND (c.parent_id = @id OR EXISTS (SELECT 1 FROM containers p WHERE p.id = c.parent_id AND p.${col} = @id))`
      : `(c.parent_id = @id OR c.${col} = @id)`;
    const rows = db
      .prepare(
        `SELECT c.* FROM containers c WHERE c.type = 'analysis' AND ${parentFilter} ORDER BY c.id`,
      )
      .all({ id: row.id }) as ContainerRow[];
    return replyUntyped(
      c,
      rows.map((r) => presentRow(db, r, { list: true })),
    );
  }

  if (rest.length === 1 && head && m === 'GET') {
    const linkCol = CHILDREN[PLURAL[row.type]]?.[head];
    if (linkCol) {
      requireAccess(db, user, row, 'ro');
      return listRows(c, [
        { sql: `c.type = ? AND c.${linkCol} = ?`, params: [SINGULAR[head], row.id] },
      ]);
    }
    if (row.type === 'collection' && (head === 'sessions' || head === 'acquisitions')) {
      requireAccess(db, user, row, 'ro');
      const where = [
        {
          sql: `c.type = ? AND EXISTS (SELECT 1 FROM json_each(c.doc, '$.collections') x WHERE x.value = ?)`,
          params: [SINGULAR[head], row.id],
        },
      ];
      const session = c.req.query('session');
      if (head === 'acquisitions' && session)
        where.push({ sql: 'c.session_id = ?', params: [session] });
      return listRows(c, where);
    }
    if (row.type === 'session' && head === 'subject') {
      requireAccess(db, user, row, 'ro');
      return replyUntyped(c, parseDoc(row).subject ?? null);
    }
    if ((row.type === 'session' || row.type === 'project') && head === 'jobs') {
      requireAccess(db, user, row, 'ro');
      return listJobsFor(c, row);
    }
  }

  if (head === 'roles' && row.type === 'group') return groupRoles(c, user, row, rest.slice(1));

  throw notFound(`The resource ${m} ${c.req.path} could not be found`);
}

/** Load the latest doc, apply `fn`, bump `modified`, save. */
function mutate(
  c: Context<AppEnv>,
  row: ContainerRow,
  fn: (doc: Record<string, any>) => void,
  key: 'modified' | 'deleted' = 'modified',
): Response {
  mutateDoc(c, row, fn);
  return replyUntyped(c, { [key]: 1 });
}

function mutateDoc(
  c: Context<AppEnv>,
  row: ContainerRow,
  fn: (doc: Record<string, any>) => void,
): void {
  const db = c.get('state').db;
  db.transaction(() => {
    const fresh = getRow(db, row.id)!;
    const doc = parseDoc(fresh);
    fn(doc);
    doc.modified = now();
    saveContainer(db, fresh, doc);
  })();
}

function touchRow(c: Context<AppEnv>, id: string): void {
  const db = c.get('state').db;
  const r = getRow(db, id);
  if (!r) return;
  const d = parseDoc(r);
  d.modified = now();
  saveContainer(db, r, d);
}

async function permissionsRoute(
  c: Context<AppEnv>,
  user: CurrentUser,
  row: ContainerRow,
  rest: string[],
): Promise<Response> {
  const db = c.get('state').db;
  const m = c.req.method;
  const perms = (): Permission[] =>
    (parseDoc(getRow(db, row.id)!).permissions ?? []) as Permission[];
  if (rest.length === 0) {
    if (m !== 'POST') throw new HttpError(405, `Method ${m} not allowed`);
    requireAccess(db, user, row, 'admin');
    const body = await readObject(c);
    if (typeof body._id !== 'string' || !getUser(db, body._id))
      throw badRequest(`user ${String(body._id)} does not exist`);
    const access = checkAccessValue(body.access);
    if (perms().some((p) => p._id === body._id))
      throw conflict(`user ${body._id} already has a permission`);
    return mutate(c, row, (doc) => {
      (doc.permissions ??= []).push({ _id: body._id, access });
    });
  }
  const uid = rest[0]!;
  if (rest.length !== 1) throw notFound(`The resource ${m} ${c.req.path} could not be found`);
  if (m === 'GET') {
    if (!accessTo(db, user, row)) requireAccess(db, user, row, 'ro');
    const p = perms().find((x) => x._id === uid);
    if (!p) throw notFound(`permission for ${uid} not found`);
    return replyUntyped(c, p);
  }
  requireAccess(db, user, row, 'admin');
  if (!perms().some((x) => x._id === uid)) throw notFound(`permission for ${uid} not found`);
  if (m === 'PUT') {
    const body = await readObject(c);
    const access = checkAccessValue(body.access);
    return mutate(c, row, (doc) => {
      doc.permissions = (doc.permissions as Permission[]).map((p) =>
        p._id === uid ? { ...p, access } : p,
      );
    });
  }
  if (m === 'DELETE') {
    return mutate(
      c,
      row,
      (doc) => {
        doc.permissions = (doc.permissions as Permission[]).filter((p) => p._id !== uid);
      },
      'deleted',
    );
  }
  throw new HttpError(405, `Method ${m} not allowed`);
}
