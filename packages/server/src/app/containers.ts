import type { Db } from '../db/open.js';
import {
  getRow,
  getRowOfType,
  insertContainer,
  parseDoc,
  saveContainer,
  type ContainerRow,
  type CType,
  type Doc,
} from '../db/containers.js';
import type { CurrentUser } from './context.js';
import { requireAccess, type Permission, type RolePermission } from './access.js';
import { defaultRoleId } from './present.js';
import { badRequest, conflict, HttpError, notFound } from './errors.js';
import { GROUP_ID_RE, isObjectId, objectId } from './ids.js';
import { now } from './time.js';
import { checkContainerFields } from './fields.js';
import { moveDescendants, planMove, subjectInProject, type Move } from './moves.js';
import {
  isObj,
  optDateTime,
  optObject,
  optString,
  optStringArray,
  reqString,
  sanitizeInfo,
  type Obj,
} from './validate.js';

/** Keys a client may never set directly on a container. */
const PROTECTED = [
  '_id',
  'parents',
  'created',
  'modified',
  'files',
  'notes',
  'analyses',
  'permissions',
  'container_type',
  'parent',
  'inputs',
  // v21 output fields the server maintains
  'revision',
  'editions',
  'providers',
  'templates',
  'permissions_template',
  'copy_of',
  'original_copy_of',
  'info_exists',
  'ldap_sync',
  'locked',
  'stats',
  'copyable',
  'copy_status',
  'copy_failure_reason',
  'delete_status',
  'delete_failure_reason',
  'join-origin',
  'group_info',
  'satisfies_template',
  'project_has_template',
];
/**
 * The fields a client sets on each level of the hierarchy, beside the common ones: the one
 * table the placement uploads (`routes/upload.ts`) and the hierarchy upsert
 * (`routes/upsert.ts`) accept in their per-level metadata.
 */
export const LEVEL_FIELDS = {
  project: ['label', 'description', 'info', 'tags'],
  subject: [
    'code',
    'label',
    'firstname',
    'lastname',
    'sex',
    'type',
    'race',
    'ethnicity',
    'species',
    'strain',
    'info',
    'tags',
    'age',
    'date_of_birth',
    'cohort',
    'mlset',
    'state',
    'master_code',
  ],
  session: ['uid', 'label', 'timestamp', 'timezone', 'age', 'weight', 'operator', 'info', 'tags'],
  acquisition: ['uid', 'label', 'timestamp', 'timezone', 'info', 'tags'],
} as const satisfies Record<'project' | 'subject' | 'session' | 'acquisition', readonly string[]>;

/** Subject fields copied into the session's embedded `subject`. */
const SUBJECT_EMBED = [
  '_id',
  'code',
  'label',
  'firstname',
  'lastname',
  'sex',
  'age',
  'type',
  'race',
  'ethnicity',
  'species',
  'strain',
  'info',
  'tags',
];

export function loadParent(db: Db, type: CType, id: unknown, field: string): ContainerRow {
  if (typeof id !== 'string' || id === '') throw badRequest(`"${field}" must be a ${type} id`);
  if (type !== 'group' && !isObjectId(id)) throw badRequest(`"${field}" is not a valid id: ${id}`);
  const row = getRowOfType(db, type, id);
  if (!row) throw notFound(`${type} ${id} not found`);
  return row;
}

/** Validate the common, freely settable container fields. */
function commonFields(body: Obj, out: Doc, kind: CType): void {
  checkContainerFields(body, kind);
  for (const [k, v] of Object.entries(body)) {
    if (PROTECTED.includes(k)) throw badRequest(`"${k}" cannot be set`);
    // null clears a field: it is removed, so answers never carry a null the spec does not allow
    if (v === null) delete out[k];
    else out[k] = v;
  }
  if (body.label !== undefined) optString(body, 'label');
  if (body.description !== undefined) optString(body, 'description', 65536);
  if (body.timestamp !== undefined) out.timestamp = optDateTime(body, 'timestamp');
  if (kind === 'subject' && body.date_of_birth != null)
    out.date_of_birth = optDateTime(body, 'date_of_birth');
  if (body.info !== undefined) out.info = sanitizeInfo(optObject(body, 'info') ?? {});
  if (body.tags !== undefined) out.tags = optStringArray(body, 'tags') ?? [];
}

function baseDoc(id: string): Doc {
  const t = now();
  return { _id: id, info: {}, tags: [], notes: [], created: t, modified: t };
}

export function embedSubject(subject: Doc): Doc {
  const out: Doc = {};
  for (const k of SUBJECT_EMBED) if (subject[k] !== undefined) out[k] = subject[k];
  return out;
}

/** Create a container of `type` from a request body; returns the new id. */
export function createContainer(db: Db, user: CurrentUser, type: CType, body: Obj): string {
  return db.transaction(() => {
    switch (type) {
      case 'group':
        return createGroup(db, user, body);
      case 'project':
        return createProject(db, user, body);
      case 'subject':
        return createSubject(db, user, body).id;
      case 'session':
        return createSession(db, user, body);
      case 'acquisition':
        return createAcquisition(db, user, body);
      case 'collection':
        return createCollection(db, user, body);
      default:
        throw badRequest(`cannot create ${type} here`);
    }
  })();
}

/** Group ids a site keeps for itself (unsorted uploads land in `unknown`). */
const RESERVED_GROUP_IDS = ['unknown', 'site'];

function createGroup(db: Db, user: CurrentUser, body: Obj): string {
  const id = reqString(body, '_id', 32);
  if (!GROUP_ID_RE.test(id)) {
    throw badRequest('group _id must be 2-32 characters of a-z, 0-9, ".", "@", "_", "-"');
  }
  if (RESERVED_GROUP_IDS.includes(id))
    throw badRequest(`group _id "${id}" is reserved by the site: choose another id`);
  if (getRow(db, id)) throw conflict(`group ${id} already exists`);
  const { _id, ...rest } = body;
  void _id;
  const doc = baseDoc(id);
  delete doc.notes;
  delete doc.info;
  commonFields(rest, doc, 'group');
  doc.label = optString(body, 'label') ?? id;
  doc.permissions = [{ _id: user.doc._id, access: 'admin' }] satisfies Permission[];
  insertContainer(db, 'group', doc, id);
  return id;
}

function createProject(db: Db, user: CurrentUser, body: Obj): string {
  const group = loadParent(db, 'group', body.group, 'group');
  requireAccess(db, user, group, 'rw');
  const { group: _g, ...rest } = body;
  void _g;
  const doc = baseDoc(objectId());
  doc.description = '';
  commonFields(rest, doc, 'project');
  doc.label = reqString(body, 'label');
  doc.group = group.id;
  doc.parents = { group: group.id };
  // v21: project permissions are roles. The group's permission templates apply first, then
  // the group's members keep their access (as the default role of that level), then the creator
  // is an admin.
  const gdoc = parseDoc(group);
  const perms: RolePermission[] = [];
  const add = (uid: string, roleIds: string[]) => {
    if (!perms.some((p) => p._id === uid) && roleIds.length)
      perms.push({ _id: uid, role_ids: roleIds });
  };
  for (const t of (gdoc.permissions_template ?? []) as RolePermission[])
    add(t._id, [...t.role_ids]);
  for (const p of (gdoc.permissions ?? []) as Permission[]) {
    const rid = defaultRoleId(db, p.access);
    if (rid) add(p._id, [rid]);
  }
  const adminRole = defaultRoleId(db, 'admin');
  if (adminRole) add(user.doc._id, [adminRole]);
  doc.permissions = perms;
  insertContainer(db, 'project', doc, doc._id);
  return doc._id;
}

export function subjectCodeTaken(
  db: Db,
  projectId: string,
  code: string,
  except?: string,
): boolean {
  return Boolean(
    db
      .prepare(
        `SELECT 1 FROM containers WHERE type='subject' AND project_id=? AND code=? AND id != ?`,
      )
      .get(projectId, code, except ?? ''),
  );
}

function createSubject(db: Db, user: CurrentUser, body: Obj): ContainerRow {
  const project = loadParent(db, 'project', body.project, 'project');
  requireAccess(db, user, project, 'rw');
  const { project: _p, ...rest } = body;
  void _p;
  const doc = baseDoc(objectId());
  commonFields(rest, doc, 'subject');
  const code = optString(body, 'code') ?? optString(body, 'label');
  if (!code) throw badRequest('subject needs a "code" or "label"');
  if (subjectCodeTaken(db, project.id, code))
    throw conflict(`subject ${code} already exists in project`);
  doc.code = code;
  doc.label = optString(body, 'label') ?? code;
  doc.project = project.id;
  doc.parents = { group: project.group_id, project: project.id };
  insertContainer(db, 'subject', doc, project.id);
  return getRow(db, doc._id)!;
}

/** The subject a new session belongs to: by `_id`, by code/label, or created on the fly. */
function subjectForSession(
  db: Db,
  user: CurrentUser,
  project: ContainerRow,
  spec: Obj,
): ContainerRow {
  if (spec._id !== undefined) {
    const s = loadParent(db, 'subject', spec._id, 'subject._id');
    if (s.project_id !== project.id) throw badRequest('subject belongs to another project');
    return s;
  }
  const code = optString(spec, 'code') ?? optString(spec, 'label');
  if (!code) throw badRequest('"subject" needs "_id", "code" or "label"');
  const found = db
    .prepare(
      `SELECT * FROM containers WHERE type='subject' AND project_id=? AND code=? ORDER BY id LIMIT 1`,
    )
    .get(project.id, code) as ContainerRow | undefined;
  if (found) return found;
  return createSubject(db, user, { ...spec, project: project.id });
}

function createSession(db: Db, user: CurrentUser, body: Obj): string {
  const project = loadParent(db, 'project', body.project, 'project');
  requireAccess(db, user, project, 'rw');
  const { project: _p, subject: subjectSpec, ...rest } = body;
  void _p;
  const doc = baseDoc(objectId());
  commonFields(rest, doc, 'session');
  doc.label = reqString(body, 'label');
  doc.project = project.id;
  doc.group = project.group_id;
  doc.parents = { group: project.group_id, project: project.id };
  // v21: every session belongs to a subject (`SessionInput.subject` is required)
  if (subjectSpec === undefined || subjectSpec === null)
    throw badRequest('"subject" is required: {code} or {_id} of the subject');
  const spec: Obj = typeof subjectSpec === 'string' ? { _id: subjectSpec } : (subjectSpec as Obj);
  if (!isObj(spec)) throw badRequest('"subject" must be a subject id or an object');
  // the age given with the subject is the session's age (a site keeps age per session)
  const { age, ...subjectFields } = spec;
  if (age != null && doc.age === undefined) doc.age = age;
  const subject = subjectForSession(db, user, project, subjectFields);
  doc.subject = embedSubject(parseDoc(subject));
  doc.parents.subject = subject.id;
  insertContainer(db, 'session', doc, project.id);
  return doc._id;
}

function createAcquisition(db: Db, user: CurrentUser, body: Obj): string {
  const session = loadParent(db, 'session', body.session, 'session');
  requireAccess(db, user, session, 'rw');
  const { session: _s, ...rest } = body;
  void _s;
  const doc = baseDoc(objectId());
  commonFields(rest, doc, 'acquisition');
  doc.label = reqString(body, 'label');
  doc.session = session.id;
  doc.parents = { ...parseDoc(session).parents, session: session.id };
  insertContainer(db, 'acquisition', doc, session.perm_id);
  return doc._id;
}

function createCollection(db: Db, user: CurrentUser, body: Obj): string {
  const doc = baseDoc(objectId());
  doc.description = '';
  commonFields(body, doc, 'collection');
  doc.label = reqString(body, 'label');
  doc.curator = user.doc._id;
  doc.parents = {};
  doc.permissions = [{ _id: user.doc._id, access: 'admin' }];
  insertContainer(db, 'collection', doc, doc._id);
  return doc._id;
}

/** Fields whose change moves a container (`src/app/moves.ts`), with the parent type they name. */
const PARENT_FIELDS: Partial<Record<CType, [string, CType][]>> = {
  project: [['group', 'group']],
  subject: [['project', 'project']],
  session: [['project', 'project']],
  acquisition: [['session', 'session']],
};

/**
 * Apply a container PUT. `user` is the caller (omitted for internal edits): nodes added to a
 * collection need the caller's read access, checked on every node before anything is saved;
 * a move needs write access on both ends.
 */
export function modifyContainer(db: Db, row: ContainerRow, body: Obj, user?: CurrentUser): void {
  db.transaction(() => {
    const doc = parseDoc(getRow(db, row.id)!);
    if (body._id !== undefined && body._id !== row.id) throw badRequest('"_id" cannot be changed');
    const { _id: _i, subject: subjectPatch, contents, ...rest } = body;
    void _i;
    let move: Move | undefined;
    for (const [f, ptype] of PARENT_FIELDS[row.type] ?? []) {
      const current = row.type === 'session' ? row.project_id : doc[f];
      if (rest[f] === undefined || rest[f] === null || rest[f] === current) {
        delete rest[f];
        continue;
      }
      const target = loadParent(db, ptype, rest[f], f);
      delete rest[f];
      move = planMove(db, user, row, target, (p) => subjectInProject(db, p, doc.subject));
    }
    if (row.type === 'session' && subjectPatch !== undefined && subjectPatch !== null) {
      const sid = typeof subjectPatch === 'string' ? subjectPatch : (subjectPatch as Obj)._id;
      if (sid !== undefined && sid !== doc.subject?._id) {
        const target = loadParent(db, 'subject', sid, 'subject._id');
        if (move && move.permId !== target.project_id)
          throw badRequest('"project" and "subject" name different projects: give one of them');
        move = planMove(db, user, row, target);
      }
    }
    if (move) {
      doc.parents = { ...move.parents };
      Object.assign(doc, move.fields);
      if (move.subject) doc.subject = embedSubject(parseDoc(move.subject));
    }
    const oldInfo = doc.info;
    commonFields(rest, doc, row.type);
    // Flywheel applies a PUT as a MongoDB $set of the body's flattened keys, so `info` given to
    // an update is merged into the stored info (the info endpoint's `replace` is how to replace).
    if (rest.info !== undefined) doc.info = mergeInfo(isObj(oldInfo) ? oldInfo : {}, doc.info);
    if (row.type === 'subject') {
      const code = optString(body, 'code');
      const label = optString(body, 'label');
      if (code !== undefined || label !== undefined) {
        const newCode = code ?? label!;
        if (subjectCodeTaken(db, row.project_id!, newCode, row.id)) {
          throw conflict(`subject ${newCode} already exists in project`);
        }
        doc.code = newCode;
        doc.label = label ?? code;
      }
    }
    if (row.type === 'session' && isObj(subjectPatch)) {
      const at = { ...row, project_id: doc.parents.project as string };
      if (applySessionSubject(db, at, doc, subjectPatch, body))
        move ??= { parents: doc.parents, fields: {}, permId: at.project_id };
    } else if (row.type === 'session' && subjectPatch != null && typeof subjectPatch !== 'string')
      throw badRequest('"subject" must be a subject id or an object');
    if (row.type === 'collection' && contents !== undefined)
      applyCollectionContents(db, row.id, contents, user);
    else if (contents !== undefined) throw badRequest('"contents" is only valid for collections');
    doc.modified = now();
    const saved = move ? { ...row, perm_id: move.permId } : row;
    saveContainer(db, saved, doc);
    if (move) moveDescendants(db, saved, move);
    if (row.type === 'subject') syncSubject(db, row.id);
  })();
}

/**
 * `patch` merged into a copy of `into` the way a `$set` of flattened keys does it: a non-empty
 * object value merges into the object at its key (replacing a non-object there); anything else,
 * including `{}`, replaces the value.
 */
function mergeInfo(into: Obj, patch: Obj): Obj {
  const out: Obj = { ...into };
  for (const [k, v] of Object.entries(patch)) {
    out[k] = isObj(v) && Object.keys(v).length > 0 ? mergeInfo(isObj(out[k]) ? out[k] : {}, v) : v;
  }
  return out;
}

/**
 * Session PUT with `subject` fields (a move by `_id` is already done). A code or label other
 * than the current subject's moves the session to the project's subject of that code (created
 * when there is none); the other fields edit that subject; `age` is the session's age.
 * Answers whether the session changed subject.
 */
function applySessionSubject(db: Db, row: ContainerRow, doc: Doc, patch: Obj, body: Obj): boolean {
  const { _id: named, age, ...fields } = patch;
  if (age !== undefined && body.age === undefined) {
    if (age !== null && typeof age !== 'number') throw badRequest('"subject.age" must be a number');
    if (age === null) delete doc.age;
    else doc.age = age;
  }
  const current = doc.subject?._id ? getRow(db, doc.subject._id) : undefined;
  let subjectRow = current;
  const code = optString(fields, 'code') ?? optString(fields, 'label');
  // `{_id, code}` names the subject: its fields (code included) edit it rather than move
  if (code !== undefined && code !== current?.code && named === undefined) {
    subjectRow = subjectForSessionRow(db, row, fields);
    const { code: _c, label: _l, ...others } = fields;
    void _c;
    void _l;
    if (Object.keys(others).length > 0) modifyContainer(db, subjectRow, others);
  } else if (Object.keys(fields).length > 0) {
    if (!subjectRow) subjectRow = subjectForSessionRow(db, row, fields);
    else modifyContainer(db, subjectRow, fields);
  }
  if (!subjectRow) return false;
  subjectRow = getRow(db, subjectRow.id)!;
  doc.subject = embedSubject(parseDoc(subjectRow));
  doc.parents = { ...doc.parents, subject: subjectRow.id };
  return subjectRow.id !== current?.id;
}

function subjectForSessionRow(db: Db, session: ContainerRow, fields: Obj): ContainerRow {
  const project = getRow(db, session.project_id!)!;
  const code = optString(fields, 'code') ?? optString(fields, 'label');
  if (!code) throw badRequest('"subject" needs "_id", "code" or "label"');
  const found = db
    .prepare(`SELECT * FROM containers WHERE type='subject' AND project_id=? AND code=? LIMIT 1`)
    .get(project.id, code) as ContainerRow | undefined;
  if (found) return found;
  const doc = baseDoc(objectId());
  commonFields(fields, doc, 'subject');
  doc.code = code;
  doc.label = optString(fields, 'label') ?? code;
  doc.project = project.id;
  doc.parents = { group: project.group_id, project: project.id };
  insertContainer(db, 'subject', doc, project.id);
  return getRow(db, doc._id)!;
}

/** Re-embed a subject into every session that belongs to it. */
export function syncSubject(db: Db, subjectId: string): void {
  const subject = getRow(db, subjectId);
  if (!subject) return;
  const embedded = embedSubject(parseDoc(subject));
  const sessions = db
    .prepare(`SELECT * FROM containers WHERE type='session' AND subject_id = ?`)
    .all(subjectId) as ContainerRow[];
  for (const s of sessions) {
    const sd = parseDoc(s);
    sd.subject = embedded;
    saveContainer(db, s, sd);
  }
}

/** `contents: {operation: add|remove, nodes: [{level, _id}]}` on a collection. */
function applyCollectionContents(
  db: Db,
  collectionId: string,
  contents: unknown,
  user: CurrentUser | undefined,
): void {
  if (
    !isObj(contents) ||
    !['add', 'remove'].includes(contents.operation as string) ||
    !Array.isArray(contents.nodes)
  ) {
    throw badRequest('"contents" must be {operation: "add"|"remove", nodes: [{level, _id}]}');
  }
  for (const n of contents.nodes) {
    if (!isObj(n) || typeof n._id !== 'string')
      throw badRequest('each node needs "level" and "_id"');
    const level = n.level as string;
    if (!['project', 'subject', 'session', 'acquisition'].includes(level)) {
      throw badRequest(`unsupported collection node level ${String(level)}`);
    }
    const target = getRowOfType(db, level as CType, n._id);
    if (!target) throw notFound(`${level} ${n._id} not found`);
    // adding needs read access to the node (the whole change is refused otherwise);
    // removing from a collection the caller may modify is always allowed
    if (user && contents.operation === 'add') requireAccess(db, user, target, 'ro');
    // the reference expands a node into its acquisitions; membership lives on acquisitions and sessions
    const acqs =
      level === 'acquisition'
        ? [target]
        : (db
            .prepare(`SELECT * FROM containers WHERE type='acquisition' AND ${level}_id = ?`)
            .all(target.id) as ContainerRow[]);
    for (const a of acqs) {
      for (const r of [a, getRow(db, a.parent_id!)!]) {
        const d = parseDoc(r);
        const set = new Set<string>(d.collections ?? []);
        if (contents.operation === 'add') set.add(collectionId);
        else set.delete(collectionId);
        d.collections = [...set];
        saveContainer(db, r, d);
      }
    }
    if (level === 'session' && acqs.length === 0) {
      const d = parseDoc(target);
      const set = new Set<string>(d.collections ?? []);
      if (contents.operation === 'add') set.add(collectionId);
      else set.delete(collectionId);
      d.collections = [...set];
      saveContainer(db, target, d);
    }
  }
}

/** Bump `modified` on a container (after a file or sub-document change). */
export function touch(db: Db, id: string): void {
  const row = getRow(db, id);
  if (!row) return;
  const doc = parseDoc(row);
  doc.modified = now();
  saveContainer(db, row, doc);
}

export function loadContainer(db: Db, type: CType | 'container', id: string): ContainerRow {
  const valid =
    type === 'group' ? id.length > 0 && id.length <= 64 : isObjectId(id) || type === 'container';
  if (!valid) throw new HttpError(404, `${type} ${id} not found`);
  const row = type === 'container' ? getRow(db, id) : getRowOfType(db, type, id);
  if (!row) throw notFound(`${type} ${id} not found`);
  return row;
}
