import type { Context } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { accessTo, requireAccess, requireUser, type Access } from '../app/access.js';
import { loadContainer } from '../app/containers.js';
import {
  deleteDoc,
  findDocs,
  getDoc,
  insertDoc,
  listDocs,
  mustDoc,
  saveDoc,
  shaped,
  type Shape,
  type StoredDoc,
} from '../app/documents.js';
import { badRequest, conflict, forbidden, notFound } from '../app/errors.js';
import { queryParams } from '../app/finder.js';
import { readJson, readOptionalObject, replyUntyped } from '../app/json.js';
import { now } from '../app/time.js';
import { unionTags } from '../app/tags.js';
import { getRow, parseDoc, saveContainer, type ContainerRow, type Doc } from '../db/containers.js';
import { getLatestById } from '../db/files.js';
import type { Db } from '../db/open.js';
import { getUser } from '../db/users.js';

/**
 * Task workflows: protocols (per group), reader tasks on sessions/acquisitions/files, form
 * responses to tasks, staffing pools of users. All stored documents (migration 3).
 */
const PROTOCOL = 'protocol';
const TASK = 'reader_task';
const RESPONSE = 'form_response';
const POOL = 'staffing_pool';
const RANK: Record<Access, number> = { ro: 1, rw: 2, admin: 3 };

/** `{count, total, results, next}`: `next` is the `after_id` cursor of the next page, or ''. */
function page(c: Context<AppEnv>, kind: string, where: { sql: string; params: unknown[] }[] = []) {
  const { items, total } = findDocs(c, kind, where);
  const q = queryParams(c);
  const skip = Number(q.get('skip') ?? 0) || 0;
  const pageNo = Number(q.get('page') ?? 0) || 0;
  const limit = Number(q.get('limit') ?? 0) || 0;
  const start = skip || (pageNo && limit ? (pageNo - 1) * limit : 0);
  const more = start + items.length < total && items.length > 0;
  return { items, total, next: more ? String(items[items.length - 1]!._id) : '' };
}

const origin = (user: CurrentUser) => ({ type: 'user', id: user.doc._id });
const has = (db: Db, user: CurrentUser, row: ContainerRow | undefined, level: Access) => {
  if (!row) return false;
  const a = accessTo(db, user, row);
  return !!a && RANK[a] >= RANK[level];
};

/* ------------------------------------------------------------------ protocols */

const FORM: Shape = {
  fields: {
    title: 'string',
    description: 'string',
    defaults: 'object',
    fields: {
      array: {
        fields: {
          type: {
            enum: [
              'checkbox',
              'switch',
              'radio',
              'text',
              'text-area',
              'date',
              'phone',
              'select',
              'paragraph',
              'instruction',
            ],
          },
          key: 'string',
          options: { array: { fields: { value: 'string', label: 'string' }, required: ['value'] } },
        },
        required: ['type', 'key'],
        open: true,
      },
    },
  },
  required: ['title', 'description', 'defaults', 'fields'],
};
const READER_CONFIG: Shape = {
  fields: { adjudication: 'bool', longitudinal: 'bool', viewer_config: 'object' },
  required: ['adjudication', 'longitudinal'],
};
const ESIG: Shape = { fields: { required: 'bool', reasons: { array: 'string' } } };
const PROTOCOL_MODIFY_FIELDS = {
  form: FORM,
  protocol_config: READER_CONFIG,
  completion_tags: { array: 'string' },
  notes: 'string',
  esignature_config: ESIG,
} as const;
const PROTOCOL_IN: Shape = {
  fields: { label: 'string', group_id: 'string', task_type: 'string', ...PROTOCOL_MODIFY_FIELDS },
  required: ['label', 'group_id', 'protocol_config', 'task_type'],
};

function loadProtocol(c: Context<AppEnv>, id: string, level: Access): StoredDoc {
  const db = c.get('state').db;
  const user = requireUser(c.get('user'));
  const p = mustDoc(db, PROTOCOL, id, 'protocol');
  const group = getRow(db, String(p.parent_ref?.id));
  if (!user.isAdmin && !has(db, user, group, 'ro')) throw notFound(`protocol ${id} not found`);
  if (!user.isAdmin && !has(db, user, group, level))
    throw forbidden(`user ${user.doc._id} cannot change protocol ${id}`);
  return p;
}

/* ------------------------------------------------------------------ reader tasks */

const PARENT_TYPES = ['project', 'group', 'subject', 'session', 'acquisition', 'file'] as const;
const STATUSES = ['todo', 'in_progress', 'completed', 'blocked', 'cancelled'] as const;
const PRIORITIES = ['blocker', 'high', 'medium', 'low'] as const;
const ASSIGNEE: Shape = {
  fields: { id: 'string', type: { enum: ['staffing_pool', 'user'] } },
  required: ['id', 'type'],
};
const TRANSITIONS: Shape = { map: 'datetime' };
const TASK_IN: Shape = {
  fields: {
    type: 'string',
    subcategory: 'string',
    status: { enum: STATUSES },
    assignee: ASSIGNEE,
    creator: 'string',
    parent_ref: {
      fields: { type: { enum: PARENT_TYPES }, version: 'int', id: 'string' },
      required: ['type', 'id'],
    },
    staffing_pool: 'string',
    created: 'datetime',
    modified: 'datetime',
    due_date: 'datetime',
    description: 'string',
    priority: { enum: PRIORITIES },
    protocol_id: 'string',
    tags: { array: 'string' },
    transitions: TRANSITIONS,
  },
  required: ['subcategory', 'status', 'parent_ref', 'due_date', 'priority', 'protocol_id'],
};
const TASK_MODIFY: Shape = {
  fields: {
    due_date: 'datetime',
    status: { enum: STATUSES },
    priority: { enum: PRIORITIES },
    tags: { array: 'string' },
    transitions: TRANSITIONS,
    description: 'string',
  },
};
const BATCH_IN: Shape = {
  fields: {
    type: 'string',
    subcategory: 'string',
    assignee: ASSIGNEE,
    staffing_pool: 'string',
    filters: {
      fields: {
        include_tags: { array: 'string' },
        exclude_tags: { array: 'string' },
        container_type: { enum: PARENT_TYPES },
      },
      required: ['container_type'],
    },
    protocol_id: 'string',
    project_id: 'string',
    description: 'string',
    due_date: 'datetime',
    priority: { enum: PRIORITIES },
    status: { enum: STATUSES },
    tags: { array: 'string' },
  },
  required: ['subcategory', 'filters', 'protocol_id', 'project_id'],
};

/** The container a task is about (a file resolves to its container), with its parents. */
function taskParent(
  db: Db,
  ref: Doc,
): { row: ContainerRow; label: string; parents: Doc; file?: Doc } {
  if (ref.type === 'file') {
    const f = getLatestById(db, String(ref.id));
    if (!f) throw notFound(`file ${String(ref.id)} not found`);
    const row = getRow(db, f.container_id);
    if (!row || !['session', 'acquisition'].includes(row.type))
      throw badRequest('reader tasks on files need a session or acquisition file');
    const parents = { ...parseDoc(row).parents, [row.type]: row.id, file: f.file_id };
    return { row, label: f.name, parents, file: { name: f.name, version: f.version } };
  }
  if (!['session', 'acquisition'].includes(String(ref.type)))
    throw badRequest('reader tasks are created on sessions, acquisitions or files');
  const row = loadContainer(db, ref.type as 'session', String(ref.id));
  return {
    row,
    label: String(parseDoc(row).label ?? ''),
    parents: { ...parseDoc(row).parents, [row.type]: row.id },
  };
}

function checkAssignee(db: Db, a: Doc | undefined, pool: unknown): void {
  if (a?.type === 'user' && !getUser(db, String(a.id)))
    throw badRequest(`user ${String(a.id)} not found`);
  if (a?.type === 'staffing_pool' && !getDoc(db, POOL, String(a.id)))
    throw badRequest(`staffing pool ${String(a.id)} not found`);
  if (typeof pool === 'string' && !getDoc(db, POOL, pool))
    throw badRequest(`staffing pool ${pool} not found`);
}

function nextBatch(db: Db): number {
  const r = db
    .prepare("SELECT max(json_extract(doc, '$.batch_number')) AS n FROM documents WHERE kind = ?")
    .get(TASK) as { n: number | null };
  return (r.n ?? 0) + 1;
}

function makeTask(db: Db, user: CurrentUser, body: Doc, batch: number, item: number): StoredDoc {
  const protocol = getDoc(db, PROTOCOL, String(body.protocol_id));
  if (!protocol) throw badRequest(`protocol ${String(body.protocol_id)} not found`);
  if (protocol.status !== 'published')
    throw badRequest(`protocol ${String(protocol._id)} is not published`);
  const parent = taskParent(db, body.parent_ref as Doc);
  requireAccess(db, user, parent.row, 'rw');
  checkAssignee(db, body.assignee as Doc | undefined, body.staffing_pool);
  const ts = now();
  const status = (body.status as string) ?? 'todo';
  const doc: StoredDoc = {
    type: body.type ?? protocol.task_type ?? 'reader',
    task_id: `R-${batch}-${item}`,
    batch_number: batch,
    item_number: item,
    subcategory: body.subcategory,
    status,
    creator: user.doc._id,
    parent_ref: { ...(body.parent_ref as Doc), label: parent.label },
    parents: parent.parents,
    due_date: body.due_date ?? ts,
    description: body.description ?? '',
    priority: body.priority ?? 'medium',
    protocol_id: protocol._id,
    protocol_label: protocol.label,
    tags: body.tags ?? [],
    transitions: { ...((body.transitions as Doc) ?? {}), [status]: ts },
  };
  if (body.assignee) doc.assignee = body.assignee;
  if (body.staffing_pool) doc.staffing_pool = body.staffing_pool;
  return insertDoc(db, TASK, doc, { parent: String(parent.parents.project), owner: user.doc._id });
}

/** A task with `parent_details` (the labels of its parents), as `ReaderTaskOutput`. */
function presentTask(db: Db, t: StoredDoc): StoredDoc {
  const label = (id: unknown, field = 'label') => {
    const r = typeof id === 'string' ? getRow(db, id) : undefined;
    const d = r ? parseDoc(r) : {};
    return String(d[field] ?? d.label ?? d.code ?? '');
  };
  const p = t.parents as Doc;
  const details: Doc = {
    project_label: label(p.project),
    group_label: label(p.group),
    subject_label: label(p.subject, 'code'),
    session_label: label(p.session),
  };
  if (p.acquisition) details.acquisition_label = label(p.acquisition);
  if (p.file) {
    const f = getLatestById(db, String(p.file));
    if (f) Object.assign(details, { file_name: f.name, file_version: f.version });
  }
  return { ...t, parent_details: details };
}

function loadTask(c: Context<AppEnv>, id: string, level: Access): StoredDoc {
  const db = c.get('state').db;
  const user = requireUser(c.get('user'));
  const t = mustDoc(db, TASK, id, 'reader task');
  const project = getRow(db, String(t.parents?.project));
  const assigned = t.assignee?.type === 'user' && t.assignee.id === user.doc._id;
  if (!user.isAdmin && !assigned && !has(db, user, project, 'ro'))
    throw notFound(`reader task ${id} not found`);
  if (!user.isAdmin && !has(db, user, project, level) && !(assigned && level !== 'admin'))
    throw forbidden(`user ${user.doc._id} cannot change reader task ${id}`);
  return t;
}

/** Tasks the user may see: those on projects they can read, or assigned to them. */
function visibleTasks(db: Db, user: CurrentUser): { sql: string; params: unknown[] } {
  if (user.isAdmin) return { sql: '1', params: [] };
  const projects = (
    db.prepare('SELECT DISTINCT parent FROM documents WHERE kind = ?').all(TASK) as {
      parent: string;
    }[]
  )
    .map((r) => r.parent)
    .filter((p) => has(db, user, getRow(db, p), 'ro'));
  return {
    sql: `(d.parent IN (${projects.map(() => '?').join(',') || "''"}) OR (json_extract(d.doc, '$.assignee.type') = 'user' AND json_extract(d.doc, '$.assignee.id') = ?))`,
    params: [...projects, user.doc._id],
  };
}

/* ------------------------------------------------------------------ form responses */

const RESPONSE_IN: Shape = {
  fields: { task_id: 'string', data: 'object' },
  required: ['task_id', 'data'],
};
const RESPONSE_PATCH: Shape = {
  fields: {
    task_id: 'string',
    protocol_id: 'string',
    data: 'object',
    submitted: 'bool',
    submitted_at: 'datetime',
    modified: 'datetime',
  },
};

function presentResponse(r: StoredDoc): StoredDoc {
  const { _id, ...rest } = r;
  return { id: _id, ...rest };
}

function loadResponse(c: Context<AppEnv>, id: string): StoredDoc {
  const db = c.get('state').db;
  const user = requireUser(c.get('user'));
  const r = mustDoc(db, RESPONSE, id, 'response');
  if (!user.isAdmin && r.origin?.id !== user.doc._id) {
    loadTask(c, String(r.task_id), 'ro');
  }
  return r;
}

function editable(r: StoredDoc): void {
  if (r.submitted) throw conflict(`response ${String(r._id)} is submitted`);
}

/** Submit-time validation against the protocol's form: known keys, required fields, options. */
function validateResponse(db: Db, r: StoredDoc): void {
  const protocol = getDoc(db, PROTOCOL, String(r.protocol_id));
  const fields = ((protocol?.form as Doc | undefined)?.fields ?? []) as Doc[];
  if (fields.length === 0) return;
  const data = r.data as Doc;
  const keys = new Set(fields.map((f) => f.key as string));
  for (const k of Object.keys(data))
    if (!keys.has(k)) throw badRequest(`response field "${k}" is not in the form`);
  for (const f of fields) {
    const v = data[f.key as string];
    if (f.requiredWhenVisible === true && (v === undefined || v === null || v === ''))
      throw badRequest(`response field "${String(f.key)}" is required`);
    if (
      v !== undefined &&
      Array.isArray(f.options) &&
      ['select', 'radio'].includes(f.type as string)
    ) {
      const allowed = (f.options as Doc[]).map((o) => o.value);
      if (!allowed.includes(v))
        throw badRequest(`response field "${String(f.key)}" must be one of ${allowed.join(', ')}`);
    }
  }
}

/* ------------------------------------------------------------------ routes */

export function registerWorkflowRoutes(routes: RouteTable): void {
  // protocols
  routes.on('create_task_protocol', async (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const body = shaped(await readJson(c), PROTOCOL_IN, 'protocol');
    const group = loadContainer(db, 'group', String(body.group_id));
    requireAccess(db, user, group, 'admin');
    const { group_id: _g, ...rest } = body;
    const p = insertDoc(
      db,
      PROTOCOL,
      {
        ...rest,
        version: 1,
        status: 'draft',
        parent_ref: { type: 'group', id: group.id },
        modified_by: origin(user),
      },
      { parent: group.id, owner: user.doc._id },
    );
    return replyUntyped(c, p);
  });
  routes.on('find_task_protocols', (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const groups = user.isAdmin
      ? null
      : (
          db.prepare('SELECT DISTINCT parent FROM documents WHERE kind = ?').all(PROTOCOL) as {
            parent: string;
          }[]
        )
          .map((r) => r.parent)
          .filter((g) => has(db, user, getRow(db, g), 'ro'));
    const where = groups
      ? [{ sql: `d.parent IN (${groups.map(() => '?').join(',') || "''"})`, params: groups }]
      : [];
    const { items, total, next } = page(c, PROTOCOL, where);
    return replyUntyped(c, { count: items.length, total, results: items, next });
  });
  routes.on('get_task_protocol', (c, [id = '']) => replyUntyped(c, loadProtocol(c, id, 'ro')));
  routes.on('modify_task_protocol', async (c, [id = '']) => {
    const p = loadProtocol(c, id, 'admin');
    if (p.status === 'archived') throw conflict(`protocol ${id} is archived`);
    const body = shaped(await readJson(c), { fields: PROTOCOL_MODIFY_FIELDS }, 'protocol');
    for (const [k, v] of Object.entries(body)) if (v !== undefined) p[k] = v;
    if (p.status === 'published') p.version = (p.version as number) + 1;
    p.modified_by = origin(requireUser(c.get('user')));
    return replyUntyped(c, saveDoc(c.get('state').db, PROTOCOL, p));
  });
  const setStatus =
    (to: string, from: string[]) =>
    (c: Context<AppEnv>, [id = '']: string[]) => {
      const p = loadProtocol(c, id, 'admin');
      if (!from.includes(p.status as string))
        throw conflict(`protocol ${id} is ${String(p.status)}`);
      p.status = to;
      p.modified_by = origin(requireUser(c.get('user')));
      return replyUntyped(c, saveDoc(c.get('state').db, PROTOCOL, p));
    };
  routes.on('publish_task_protocol', setStatus('published', ['draft']));
  routes.on('archive_task_protocol', setStatus('archived', ['draft', 'published']));
  routes.on('delete_task_protocol', (c, [id = '']) => {
    loadProtocol(c, id, 'admin');
    const db = c.get('state').db;
    const used = db
      .prepare(
        "SELECT 1 FROM documents WHERE kind = ? AND json_extract(doc, '$.protocol_id') = ? LIMIT 1",
      )
      .get(TASK, id);
    if (used) throw conflict(`protocol ${id} has tasks; archive it instead`);
    deleteDoc(db, PROTOCOL, id);
    return c.body(null, 204);
  });

  // reader tasks
  routes.on('create_reader_task', async (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const body = shaped(await readJson(c), TASK_IN, 'task');
    const t = db.transaction(() => makeTask(db, user, body, nextBatch(db), 1))();
    return replyUntyped(c, t);
  });
  routes.on('batch_create_reader_task', async (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const body = shaped(await readJson(c), BATCH_IN, 'batch');
    const project = loadContainer(db, 'project', String(body.project_id));
    requireAccess(db, user, project, 'rw');
    const f = body.filters as Doc;
    const type = f.container_type as string;
    if (!['session', 'acquisition'].includes(type))
      throw badRequest('batches are created over sessions or acquisitions');
    const rows = db
      .prepare('SELECT * FROM containers WHERE type = ? AND project_id = ? ORDER BY created, id')
      .all(type, project.id) as ContainerRow[];
    const inc = (f.include_tags ?? []) as string[];
    const exc = (f.exclude_tags ?? []) as string[];
    const picked = rows.filter((r) => {
      const tags = (parseDoc(r).tags ?? []) as string[];
      return inc.every((x) => tags.includes(x)) && !exc.some((x) => tags.includes(x));
    });
    const { filters: _f, project_id: _p, ...rest } = body;
    const tasks = db.transaction(() => {
      const batch = nextBatch(db);
      return picked.map((r, i) =>
        makeTask(
          db,
          user,
          { status: 'todo', priority: 'medium', ...rest, parent_ref: { type, id: r.id } },
          batch,
          i + 1,
        ),
      );
    })();
    return replyUntyped(c, tasks);
  });
  routes.on('find_all_api_tasks_reader_get', (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const { items, total, next } = page(c, TASK, [visibleTasks(db, user)]);
    return replyUntyped(c, {
      count: items.length,
      total,
      results: items.map((t) => presentTask(db, t)),
      next,
    });
  });
  routes.on('get_facets_api_tasks_reader_facets_facet_field_get', (c, [field = '']) => {
    const user = requireUser(c.get('user'));
    if (field !== 'status' && field !== 'priority')
      throw badRequest('facet field must be status or priority');
    const db = c.get('state').db;
    const { items } = findDocs(c, TASK, [visibleTasks(db, user)]);
    const counts: Record<string, number> = {};
    for (const t of items) counts[String(t[field])] = (counts[String(t[field])] ?? 0) + 1;
    return replyUntyped(c, counts);
  });
  routes.on('get_reader_task', (c, [id = '']) =>
    replyUntyped(c, presentTask(c.get('state').db, loadTask(c, id, 'ro'))),
  );
  routes.on('modify_reader_task', async (c, [id = '']) => {
    const t = loadTask(c, id, 'rw');
    const body = shaped(await readJson(c), TASK_MODIFY, 'task');
    if (t.status === 'completed' || t.status === 'cancelled')
      throw conflict(`reader task ${id} is ${String(t.status)}`);
    for (const [k, v] of Object.entries(body)) if (v !== undefined && k !== 'transitions') t[k] = v;
    if (body.transitions)
      t.transitions = { ...(t.transitions as Doc), ...(body.transitions as Doc) };
    if (body.status) t.transitions = { ...(t.transitions as Doc), [body.status as string]: now() };
    const db = c.get('state').db;
    return replyUntyped(c, presentTask(db, saveDoc(db, TASK, t)));
  });
  routes.on('assign_reader_task', async (c, [id = '']) => {
    const t = loadTask(c, id, 'rw');
    const db = c.get('state').db;
    const body = shaped(
      await readJson(c),
      { fields: { assignee: ASSIGNEE, staffing_pool: 'string' } },
      'assign',
    );
    checkAssignee(db, body.assignee as Doc | undefined, body.staffing_pool);
    if (body.assignee) t.assignee = body.assignee;
    if (body.staffing_pool !== undefined) t.staffing_pool = body.staffing_pool;
    return replyUntyped(c, presentTask(db, saveDoc(db, TASK, t)));
  });
  routes.on('complete_reader_task', async (c, [id = '']) => {
    const user = requireUser(c.get('user'));
    const t = loadTask(c, id, 'rw');
    const db = c.get('state').db;
    const body = await readOptionalObject(c);
    if (body)
      shaped(body, {
        fields: { mfa_code: 'string', reason: 'string' },
        required: ['mfa_code', 'reason'],
      });
    if (t.status === 'completed' || t.status === 'cancelled')
      throw conflict(`reader task ${id} is ${String(t.status)}`);
    const protocol = getDoc(db, PROTOCOL, String(t.protocol_id));
    if ((protocol?.esignature_config as Doc | undefined)?.required && !body)
      throw badRequest('this protocol requires an e-signature (mfa_code and reason)');
    const ts = now();
    t.status = 'completed';
    t.transitions = { ...(t.transitions as Doc), completed: ts };
    if (body)
      t.esignature = {
        user_id: user.doc._id,
        timestamp: ts,
        reason: body.reason,
        mfa_verified: false,
      };
    db.transaction(() => {
      saveDoc(db, TASK, t);
      const tags = (protocol?.completion_tags ?? []) as string[];
      const target = getRow(db, String(t.parents?.acquisition ?? t.parents?.session));
      if (tags.length && target && t.parent_ref?.type !== 'file') {
        const d = parseDoc(target);
        d.tags = unionTags(d.tags, tags);
        d.modified = ts;
        saveContainer(db, target, d);
      }
    })();
    return replyUntyped(c, t);
  });

  // task parents (container_tasks)
  // `/tasks/{container_type}s/ids`: the parameter is part of a segment, which route templates
  // cannot express, so the handler also serves `/tasks/{plural}/ids` and takes the plural.
  const taskParents = (c: Context<AppEnv>, [plural = '']: string[]) => {
    const type = plural.endsWith('s') ? plural.slice(0, -1) : plural;
    const user = requireUser(c.get('user'));
    if (!PARENT_TYPES.includes(type as (typeof PARENT_TYPES)[number]))
      throw badRequest(`container type must be one of ${PARENT_TYPES.join(', ')}`);
    const raw = c.req.query('ids');
    if (raw === undefined) throw badRequest('ids is required');
    const ids = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const db = c.get('state').db;
    const v = visibleTasks(db, user);
    const found = ids.filter((id) =>
      db
        .prepare(
          `SELECT 1 FROM documents d WHERE d.kind = ? AND ${v.sql} AND json_extract(d.doc, '$.parents.${type}') = ? LIMIT 1`,
        )
        .get(TASK, ...v.params, id),
    );
    return replyUntyped(c, found);
  };
  routes.on('get_task_parent_container_ids', taskParents);
  routes.extra('GET', '/tasks/{container_types}/ids', taskParents);

  // form responses
  const upsertResponse = async (c: Context<AppEnv>, taskId: string, responseId?: string) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const task = loadTask(c, taskId, 'rw');
    const body = shaped(await readJson(c), RESPONSE_IN, 'response');
    if (body.task_id !== taskId) throw badRequest('response task_id must be the task of the path');
    if (task.status === 'completed' || task.status === 'cancelled')
      throw conflict(`task ${taskId} is ${String(task.status)}`);
    let existing: StoredDoc | undefined;
    if (responseId) {
      existing = mustDoc(db, RESPONSE, responseId, 'response');
      if (existing.task_id !== taskId) throw notFound(`response ${responseId} not found`);
    } else {
      existing = listDocs(db, RESPONSE, { parent: taskId }).find(
        (r) => r.origin?.id === user.doc._id,
      );
    }
    if (existing) {
      editable(existing);
      existing.data = body.data;
      existing.revision = (existing.revision as number) + 1;
      return replyUntyped(c, presentResponse(saveDoc(db, RESPONSE, existing)));
    }
    const r = insertDoc(
      db,
      RESPONSE,
      {
        task_id: taskId,
        protocol_id: task.protocol_id,
        data: body.data,
        submitted: false,
        origin: origin(user),
        parents: task.parents,
        revision: 1,
      },
      { parent: taskId, owner: user.doc._id },
    );
    return replyUntyped(c, presentResponse(r));
  };
  routes.on('create_or_replace_task_response', (c, [taskId = '']) => upsertResponse(c, taskId));
  routes.on('put_task_response', (c, [taskId = '', rid = '']) => upsertResponse(c, taskId, rid));
  routes.on('list_task_responses', (c, [taskId = '']) => {
    loadTask(c, taskId, 'ro');
    const { items, total } = findDocs(c, RESPONSE, [{ sql: 'd.parent = ?', params: [taskId] }]);
    return replyUntyped(c, { count: items.length, total, results: items.map(presentResponse) });
  });
  routes.on('get_response', (c, [id = '']) =>
    replyUntyped(c, presentResponse(loadResponse(c, id))),
  );
  routes.on('update_response', async (c, [id = '']) => {
    const r = loadResponse(c, id);
    const body = shaped(await readJson(c), RESPONSE_PATCH, 'response');
    editable(r);
    if (body.task_id !== undefined && body.task_id !== r.task_id)
      throw badRequest('task_id cannot change');
    if (body.data) r.data = { ...(r.data as Doc), ...(body.data as Doc) };
    r.revision = (r.revision as number) + 1;
    const db = c.get('state').db;
    if (body.submitted === true) {
      validateResponse(db, r);
      r.submitted = true;
      r.submitted_at = now();
    }
    return replyUntyped(c, presentResponse(saveDoc(db, RESPONSE, r)));
  });
  routes.on('submit_response', (c, [id = '']) => {
    const r = loadResponse(c, id);
    editable(r);
    const db = c.get('state').db;
    validateResponse(db, r);
    r.submitted = true;
    r.submitted_at = now();
    r.revision = (r.revision as number) + 1;
    return replyUntyped(c, presentResponse(saveDoc(db, RESPONSE, r)));
  });

  // staffing pools
  const POOL_IN: Shape = {
    fields: { users: { array: 'string' }, label: 'string', description: 'string' },
    required: ['users', 'label'],
  };
  const adminOnly = (c: Context<AppEnv>) => {
    const user = requireUser(c.get('user'));
    if (!user.isAdmin) throw forbidden('only site admins manage staffing pools');
    return user;
  };
  const checkUsers = (db: Db, users: string[]) => {
    for (const u of users) if (!getUser(db, u)) throw badRequest(`user ${u} not found`);
    return [...new Set(users)];
  };
  routes.on('create_staffing_pool', async (c) => {
    const user = adminOnly(c);
    const db = c.get('state').db;
    const body = shaped(await readJson(c), POOL_IN, 'pool');
    const p = insertDoc(
      db,
      POOL,
      {
        label: body.label,
        description: body.description ?? '',
        users: checkUsers(db, body.users as string[]),
        origin: origin(user),
      },
      { owner: user.doc._id },
    );
    return replyUntyped(c, p);
  });
  routes.on('find_all_api_staffing_pools_get', (c) => {
    requireUser(c.get('user'));
    const { items, total, next } = page(c, POOL);
    return replyUntyped(c, { count: items.length, total, results: items, next });
  });
  routes.on('get_staffing_pool', (c, [id = '']) => {
    requireUser(c.get('user'));
    return replyUntyped(c, mustDoc(c.get('state').db, POOL, id, 'staffing pool'));
  });
  routes.on('modify_staffing_pool', async (c, [id = '']) => {
    adminOnly(c);
    const db = c.get('state').db;
    const p = mustDoc(db, POOL, id, 'staffing pool');
    const body = shaped(await readJson(c), {
      fields: { users: { array: 'string' }, label: 'string', description: 'string' },
    });
    if (body.users) p.users = checkUsers(db, body.users as string[]);
    if (body.label !== undefined) p.label = body.label;
    if (body.description !== undefined) p.description = body.description;
    return replyUntyped(c, saveDoc(db, POOL, p));
  });
  routes.on('delete_staffing_pool', (c, [id = '']) => {
    adminOnly(c);
    const db = c.get('state').db;
    mustDoc(db, POOL, id, 'staffing pool');
    deleteDoc(db, POOL, id);
    return replyUntyped(c, { deleted: 1 });
  });
  routes.on('set_user_staffing_pools', async (c, [userId = '']) => {
    adminOnly(c);
    const db = c.get('state').db;
    if (!getUser(db, userId)) throw notFound(`user ${userId} not found`);
    const body = shaped(await readJson(c), { fields: { pools: { array: 'string' } } });
    const want = new Set((body.pools as string[] | undefined) ?? []);
    for (const id of want)
      if (!getDoc(db, POOL, id)) throw badRequest(`staffing pool ${id} not found`);
    db.transaction(() => {
      for (const p of listDocs(db, POOL)) {
        const users = new Set(p.users as string[]);
        const before = users.has(userId);
        if (want.has(p._id as string)) users.add(userId);
        else users.delete(userId);
        if (before !== users.has(userId)) saveDoc(db, POOL, { ...p, users: [...users] });
      }
    })();
    return c.body(null, 204);
  });
}
