import type { Context } from 'hono';
import { onUnlessServed } from '../app/register.js';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireAccess, requireUser, visibleSql } from '../app/access.js';
import { createContainer, loadContainer, modifyContainer } from '../app/containers.js';
import { checkShape, shaped, type Shape } from '../app/documents.js';
import { badRequest, conflict } from '../app/errors.js';
import { pageBody, queryParams, runFinder } from '../app/finder.js';
import { readJson, replyUntyped } from '../app/json.js';
import { presentRow } from '../app/present.js';
import {
  containerColumns,
  getRow,
  parseDoc,
  saveContainer,
  type ContainerRow,
  type Doc,
} from '../db/containers.js';
import type { Db } from '../db/open.js';
import { isObj, type Obj } from '../app/validate.js';
import { VIEWER_APP_IN } from './site.js';
import { objectId } from '../app/ids.js';
import { BODY_REGIONS, ORGAN_SYSTEMS, THERAPEUTIC_AREAS } from '../app/sharing-enums.js';

/* ------------------------------------------------------------------ settings */

const INSTITUTION: Shape = { fields: { name: 'string', url: 'string' }, required: ['name', 'url'] };
const CONTACT: Shape = { fields: { name: 'string', email: 'string' }, required: ['name', 'email'] };
const SETTINGS_IN: Shape = {
  fields: {
    viewer_apps: { array: VIEWER_APP_IN },
    deid_profile: 'any',
    forms: {
      map: { array: { fields: { components: { array: 'object' } }, required: ['components'] } },
    },
    external_routing_id: 'string',
    sharing: {
      fields: {
        share_level: { enum: ['high_level', 'full_ro_access'] },
        project_institutions: { array: INSTITUTION },
        project_contacts: { array: CONTACT },
        summary: 'string',
        therapeutic_areas: { array: { enum: THERAPEUTIC_AREAS } },
        body_regions: { array: { enum: BODY_REGIONS } },
        organ_systems: { array: { enum: ORGAN_SYSTEMS } },
      },
    },
    workspaces: {
      fields: { jupyterhub: { fields: { enabled: 'bool' }, required: ['enabled'] } },
    },
    cvat: {
      fields: {
        enabled: 'bool',
        tags: { array: 'string' },
        export_formats: { array: 'string' },
        cvat_organization_id: 'string',
        cvat_project_id: 'string',
      },
    },
  },
};
const SHARING_DEFAULT = {
  share_level: 'high_level',
  project_institutions: [],
  project_contacts: [],
  summary: '',
  therapeutic_areas: [],
  body_regions: [],
  organ_systems: [],
};

function loadProject(c: Context<AppEnv>, id: string, level: 'ro' | 'rw' | 'admin'): ContainerRow {
  const db = c.get('state').db;
  const row = loadContainer(db, 'project', id);
  requireAccess(db, requireUser(c.get('user')), row, level);
  return row;
}

const settingsOf = (doc: Doc): Doc => (isObj(doc.settings) ? (doc.settings as Doc) : {});

/* ------------------------------------------------------------------ templates */

const TAGS = 'string';
const TEMPLATE_IN: Shape = {
  fields: {
    session: {
      fields: {
        label: 'string',
        tags: TAGS,
        subject: { fields: { code: 'string', tags: TAGS } },
      },
    },
    acquisitions: {
      array: {
        fields: {
          minimum: 'int',
          maximum: 'int',
          label: 'string',
          tags: TAGS,
          files: {
            array: {
              fields: {
                minimum: 'int',
                maximum: 'int',
                mimetype: 'string',
                modality: 'string',
                tags: TAGS,
                classification: 'string',
              },
            },
          },
        },
      },
    },
  },
};

function regex(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'i');
  } catch {
    throw badRequest(`invalid regular expression in template: ${pattern}`);
  }
}
const matches = (pattern: unknown, value: unknown) =>
  typeof pattern !== 'string' || (typeof value === 'string' && regex(pattern).test(value));
const tagMatches = (pattern: unknown, tags: unknown) =>
  typeof pattern !== 'string' ||
  (Array.isArray(tags) && tags.some((t) => typeof t === 'string' && regex(pattern).test(t)));
const inRange = (n: number, req: Doc) =>
  n >= (typeof req.minimum === 'number' ? req.minimum : 1) &&
  (typeof req.maximum !== 'number' || n <= req.maximum);

function fileMatches(f: Doc, req: Doc): boolean {
  const classes = Object.values((f.classification ?? {}) as Record<string, unknown>).flat();
  return (
    matches(req.mimetype, f.mimetype) &&
    matches(req.modality, f.modality) &&
    tagMatches(req.tags, f.tags) &&
    (typeof req.classification !== 'string' || tagMatches(req.classification, classes))
  );
}

/** Whether a session meets one template: its label/tags/subject, then each acquisition rule. */
function satisfies(db: Db, session: ContainerRow, template: Doc): boolean {
  const doc = parseDoc(session);
  const s = (template.session ?? {}) as Doc;
  if (!matches(s.label, doc.label) || !tagMatches(s.tags, doc.tags)) return false;
  if (isObj(s.subject)) {
    const subject = session.subject_id ? getRow(db, session.subject_id) : undefined;
    const sdoc = subject ? parseDoc(subject) : {};
    if (!matches(s.subject.code, sdoc.code ?? sdoc.label) || !tagMatches(s.subject.tags, sdoc.tags))
      return false;
  }
  const acqs = (
    db
      .prepare("SELECT * FROM containers WHERE type = 'acquisition' AND session_id = ?")
      .all(session.id) as ContainerRow[]
  ).map((r) => ({
    doc: parseDoc(r),
    files: (
      db.prepare("SELECT doc FROM files WHERE container_id = ? AND role = 'files'").all(r.id) as {
        doc: string;
      }[]
    ).map((f) => JSON.parse(f.doc) as Doc),
  }));
  for (const req of (template.acquisitions ?? []) as Doc[]) {
    const n = acqs.filter(
      (a) =>
        matches(req.label, a.doc.label) &&
        tagMatches(req.tags, a.doc.tags) &&
        ((req.files ?? []) as Doc[]).every((fr) =>
          inRange(a.files.filter((f) => fileMatches(f, fr)).length, fr),
        ),
    ).length;
    if (!inRange(n, req)) return false;
  }
  return true;
}

/** Re-evaluate every session of a project against its templates; ids of those that changed. */
export function recalcProject(db: Db, project: ContainerRow): string[] {
  const templates = (parseDoc(project).templates ?? []) as Doc[];
  const changed: string[] = [];
  const sessions = db
    .prepare("SELECT * FROM containers WHERE type = 'session' AND project_id = ? ORDER BY id")
    .all(project.id) as ContainerRow[];
  for (const s of sessions) {
    const doc = parseDoc(s);
    const has = templates.length > 0;
    const ok = has ? templates.some((t) => satisfies(db, s, t)) : undefined;
    if (doc.satisfies_template === ok && (doc.project_has_template ?? false) === has) continue;
    if (ok === undefined) delete doc.satisfies_template;
    else doc.satisfies_template = ok;
    doc.project_has_template = has;
    saveContainer(db, s, doc);
    changed.push(s.id);
  }
  return changed;
}

/* ------------------------------------------------------------------ hierarchy upsert */

const SOURCE: Shape = { fields: { type: 'string', id: 'string' }, required: ['type', 'id'] };
const COMMON = {
  _id: 'string',
  routing_field: 'string',
  label: 'string',
  source: SOURCE,
  info: 'object',
  tags: { array: 'string' },
} as const;
const HIERARCHY_IN: Shape = {
  fields: {
    origin: {
      fields: {
        type: {
          enum: [
            'user',
            'user_workspace',
            'device',
            'job',
            'system',
            'unknown',
            'gear_rule',
            'task',
          ],
        },
        id: 'string',
      },
      required: ['type'],
    },
    source: SOURCE,
    subject: {
      fields: {
        ...COMMON,
        date_of_birth: 'datetime',
        firstname: 'string',
        lastname: 'string',
        sex: 'string',
        type: 'string',
        race: 'string',
        ethnicity: 'string',
        species: 'string',
        strain: 'string',
        state: 'string',
      },
    },
    session: {
      fields: {
        ...COMMON,
        uid: 'string',
        timestamp: 'datetime',
        timezone: 'string',
        age: 'int',
        weight: 'number',
        operator: 'string',
      },
    },
    acquisition: {
      fields: { ...COMMON, uid: 'string', timestamp: 'datetime', timezone: 'string' },
    },
  },
  required: ['origin'],
};

/** Fields of an upsert node that are stored on the container (identity keys aside). */
function payload(node: Obj, drop: string[]): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(node))
    if (!['_id', 'routing_field', 'source', ...drop].includes(k) && v !== undefined) out[k] = v;
  return out;
}

function upsertNode(
  db: Db,
  user: CurrentUser,
  type: 'subject' | 'session' | 'acquisition',
  parent: ContainerRow,
  node: Obj,
  uidScope: string,
): { row: ContainerRow; out: Doc } {
  const col = type === 'subject' ? 'project_id' : type === 'session' ? 'subject_id' : 'session_id';
  let row: ContainerRow | undefined;
  if (typeof node._id === 'string') {
    row = getRow(db, node._id);
    if (!row || row.type !== type || (row as unknown as Record<string, unknown>)[col] !== parent.id)
      throw badRequest(`${type} ${node._id} not found under ${parent.type} ${parent.id}`);
  } else if (typeof node.uid === 'string' && type !== 'subject') {
    const where =
      uidScope === 'group'
        ? 'group_id = ?'
        : uidScope === 'project'
          ? 'project_id = ?'
          : `${col} = ?`;
    const scopeId =
      uidScope === 'group'
        ? parent.group_id
        : uidScope === 'project'
          ? (parent.project_id ?? parent.id)
          : parent.id;
    row = db
      .prepare(
        `SELECT * FROM containers WHERE type = ? AND ${where} AND json_extract(doc, '$.uid') = ? ORDER BY id LIMIT 1`,
      )
      .get(type, scopeId, node.uid) as ContainerRow | undefined;
  } else if (typeof node.label === 'string') {
    row = db
      .prepare(
        `SELECT * FROM containers WHERE type = ? AND ${col} = ? AND label = ? ORDER BY id LIMIT 1`,
      )
      .get(type, parent.id, node.label) as ContainerRow | undefined;
  } else {
    throw badRequest(`${type} needs "_id", "uid" or "label"`);
  }
  const data = payload(node, []);
  if (type === 'subject' && data.label !== undefined && data.code === undefined)
    data.code = data.label;
  let result: string;
  if (!row) {
    const body: Obj =
      type === 'subject'
        ? { ...data, project: parent.id }
        : type === 'session'
          ? { ...data, project: parent.project_id, subject: { _id: parent.id } }
          : { ...data, session: parent.id };
    const id = createContainer(db, user, type, body);
    row = getRow(db, id)!;
    result = 'created';
  } else {
    if (row.type === 'session' && parent.project_id !== row.project_id)
      throw conflict(`session ${row.id} belongs to another project`);
    const changes = payload(node, ['label', 'uid']);
    delete changes.code;
    if (Object.keys(changes).length > 0) {
      modifyContainer(db, row, changes);
      row = getRow(db, row.id)!;
      result = 'updated';
    } else result = 'ignored';
  }
  const d = parseDoc(row);
  const out: Doc = { _id: row.id, upsert_result: result };
  if (typeof d.label === 'string') out.label = d.label;
  if (type !== 'subject' && typeof d.uid === 'string') out.uid = d.uid;
  return { row, out };
}

/* ------------------------------------------------------------------ routes */

const STRINGS = (rows: unknown[]) =>
  [...new Set(rows.flat().filter((x): x is string => typeof x === 'string'))].sort();

export function registerProjectSettingsRoutes(routes: RouteTable): void {
  routes.on('get_project_settings', (c, [id = '']) => {
    const row = loadProject(c, id, 'ro');
    return replyUntyped(c, settingsOf(parseDoc(row)));
  });
  routes.on('modify_project_settings', async (c, [id = '']) => {
    const row = loadProject(c, id, 'admin');
    const body = shaped(await readJson(c), SETTINGS_IN, 'settings');
    const doc = parseDoc(row);
    const settings = settingsOf(doc);
    for (const [k, v] of Object.entries(body)) {
      if (v === undefined) continue;
      if (k === 'sharing')
        settings.sharing = { ...SHARING_DEFAULT, ...(settings.sharing ?? {}), ...(v as Obj) };
      else if (k === 'viewer_apps')
        settings.viewer_apps = (v as Obj[]).map((a) => ({ id: objectId(), type: 'viewer', ...a }));
      else if (k === 'deid_profile') {
        if (typeof v === 'string') settings.deid_profile = { name: v };
        else if (isObj(v)) settings.deid_profile = v;
        else throw badRequest('settings.deid_profile must be a string or an object');
      } else if (k === 'cvat') settings.cvat = { ...(settings.cvat ?? {}), ...(v as Obj) };
      else settings[k] = v;
    }
    doc.settings = settings;
    saveContainer(c.get('state').db, row, doc);
    return replyUntyped(c, settings);
  });

  onUnlessServed(routes, 'set_project_template', async (c, [id = '']) => {
    const row = loadProject(c, id, 'admin');
    const body = shaped(await readJson(c), {
      fields: { templates: { array: TEMPLATE_IN } },
      required: ['templates'],
    });
    const templates = body.templates as Doc[];
    for (const t of templates) checkShape(t, TEMPLATE_IN, 'template');
    const db = c.get('state').db;
    const doc = parseDoc(row);
    doc.templates = templates;
    db.transaction(() => {
      saveContainer(db, row, doc);
      recalcProject(db, getRow(db, row.id)!);
    })();
    return replyUntyped(c, { modified: 1 });
  });
  onUnlessServed(routes, 'remove_project_template', (c, [id = '']) => {
    const row = loadProject(c, id, 'admin');
    const db = c.get('state').db;
    const doc = parseDoc(row);
    const had = Array.isArray(doc.templates) && doc.templates.length > 0;
    doc.templates = [];
    db.transaction(() => {
      saveContainer(db, row, doc);
      recalcProject(db, getRow(db, row.id)!);
    })();
    return replyUntyped(c, { deleted: had ? 1 : 0 });
  });
  onUnlessServed(routes, 'recalc_project', (c, [id = '']) => {
    const row = loadProject(c, id, 'rw');
    const db = c.get('state').db;
    return replyUntyped(c, { sessions_changed: db.transaction(() => recalcProject(db, row))() });
  });
  onUnlessServed(routes, 'recalc_all_projects', (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const v = visibleSql(user, true, 'c');
    const projects = db
      .prepare(`SELECT * FROM containers c WHERE c.type = 'project' AND ${v.sql} ORDER BY c.id`)
      .all(...v.params) as ContainerRow[];
    const changed = db.transaction(() =>
      projects
        .filter(
          (p) =>
            user.isAdmin ||
            ((): boolean => {
              try {
                requireAccess(db, user, p, 'rw');
                return true;
              } catch {
                return false;
              }
            })(),
        )
        .flatMap((p) => recalcProject(db, p)),
    )();
    return replyUntyped(c, { sessions_changed: changed });
  });

  onUnlessServed(routes, 'get_all_projects_groups', (c) => {
    const user = requireUser(c.get('user'));
    const q = queryParams(c);
    // exhaustive lists everything for site admins and is ignored for other users
    const exhaustive = ['true', '1'].includes(q.get('exhaustive') ?? '');
    const v = visibleSql(user, exhaustive, 'p');
    q.delete('exhaustive');
    const { rows } = runFinder<ContainerRow>(c, {
      from: 'containers g',
      where: [
        { sql: "g.type = 'group'", params: [] },
        {
          sql: `g.id IN (SELECT p.group_id FROM containers p WHERE p.type = 'project' AND ${v.sql})`,
          params: v.params,
        },
      ],
      target: { docColumn: 'g.doc', columns: containerColumns('g') },
      select: 'g.*',
    });
    const db = c.get('state').db;
    return replyUntyped(
      c,
      rows.map((r) => presentRow(db, r, { list: true })),
    );
  });

  onUnlessServed(routes, 'get_project_delete_status', (c, [id = '']) => {
    const doc = parseDoc(loadProject(c, id, 'ro'));
    const out: Doc = {
      delete_status: typeof doc.delete_status === 'string' ? doc.delete_status : 'static',
    };
    if (typeof doc.delete_failure_reason === 'string')
      out.delete_failure_reason = doc.delete_failure_reason;
    return replyUntyped(c, out);
  });

  routes.on('upsert_project_hierarchy', async (c, [id = '']) => {
    const project = loadProject(c, id, 'rw');
    const user = requireUser(c.get('user'));
    const scope = c.req.query('uid_scope') ?? 'project';
    if (!['project', 'group', 'session', 'subject', 'parent'].includes(scope))
      throw badRequest('uid_scope must be project, group or parent');
    const body = shaped(await readJson(c), HIERARCHY_IN, 'hierarchy');
    if (!body.subject) throw badRequest('hierarchy.subject is required');
    if (body.acquisition && !body.session) throw badRequest('an acquisition needs a session');
    const db = c.get('state').db;
    const out = db.transaction(() => {
      const res: Doc = {};
      const s = upsertNode(db, user, 'subject', project, body.subject as Obj, scope);
      res.subject = s.out;
      if (body.session) {
        const se = upsertNode(db, user, 'session', s.row, body.session as Obj, scope);
        res.session = se.out;
        if (body.acquisition)
          res.acquisition = upsertNode(
            db,
            user,
            'acquisition',
            se.row,
            body.acquisition as Obj,
            scope,
          ).out;
      }
      return res;
    })();
    return replyUntyped(c, out);
  });

  /** The data catalog: projects shared beyond their members (`settings.sharing`). */
  routes.on('catalog_list', (c) => {
    const user = requireUser(c.get('user'));
    const q = queryParams(c);
    const search = q.get('search_string');
    q.delete('search_string');
    const where = [
      { sql: "c.type = 'project'", params: [] as unknown[] },
      { sql: "json_extract(c.doc, '$.settings.sharing') IS NOT NULL", params: [] },
    ];
    if (search)
      where.push({
        sql: "(instr(lower(coalesce(c.label,'')), lower(?)) > 0 OR instr(lower(coalesce(json_extract(c.doc, '$.settings.sharing.summary'),'')), lower(?)) > 0)",
        params: [search, search],
      });
    void user;
    const { rows, total } = runFinder<ContainerRow>(c, {
      from: 'containers c',
      where,
      target: { docColumn: 'c.doc', columns: containerColumns('c') },
      select: 'c.*',
    });
    const items = rows.map((r) => {
      const d = parseDoc(r);
      const sh = { ...SHARING_DEFAULT, ...((d.settings?.sharing ?? {}) as Doc) };
      return {
        id: r.id,
        label: d.label,
        tags: d.tags ?? [],
        therapeutic_areas: sh.therapeutic_areas,
        body_regions: sh.body_regions,
        organ_systems: sh.organ_systems,
        project_institutions: sh.project_institutions,
        project_contacts: sh.project_contacts,
        summary: sh.summary,
      };
    });
    return replyUntyped(c, pageBody(c, items, total));
  });
  routes.on('get_catalog_list_filter_options', (c) => {
    requireUser(c.get('user'));
    const db = c.get('state').db;
    const rows = db
      .prepare(
        "SELECT doc FROM containers WHERE type = 'project' AND json_extract(doc, '$.settings.sharing') IS NOT NULL",
      )
      .all() as { doc: string }[];
    const docs = rows.map((r) => JSON.parse(r.doc) as Doc);
    const sh = docs.map((d) => (d.settings?.sharing ?? {}) as Doc);
    const ids = db
      .prepare(
        "SELECT id FROM containers WHERE type = 'project' AND json_extract(doc, '$.settings.sharing') IS NOT NULL",
      )
      .all() as { id: string }[];
    const files = ids
      .flatMap(
        ({ id }) =>
          db
            .prepare(
              'SELECT f.doc FROM files f JOIN containers a ON a.id = f.container_id WHERE a.project_id = ? OR a.id = ?',
            )
            .all(id, id) as { doc: string }[],
      )
      .map((f) => JSON.parse(f.doc) as Doc);
    return replyUntyped(c, {
      therapeutic_areas: STRINGS(sh.map((s) => s.therapeutic_areas ?? [])),
      body_regions: STRINGS(sh.map((s) => s.body_regions ?? [])),
      organ_systems: STRINGS(sh.map((s) => s.organ_systems ?? [])),
      age_groups: [],
      measurements: STRINGS(
        files.map((f) => Object.values((f.classification ?? {}) as Doc).flat()),
      ),
      modalities: STRINGS(files.map((f) => f.modality)),
      file_types: STRINGS(files.map((f) => f.type)),
      tags: STRINGS(docs.map((d) => d.tags ?? [])),
    });
  });
}
