import type { Context } from 'hono';
import type { AppEnv } from '../app/context.js';
import type { RouteTable } from '../app/operations.js';
import { requireAccess, requireUser } from '../app/access.js';
import { loadContainer } from '../app/containers.js';
import { shaped, type Shape } from '../app/documents.js';
import { badRequest } from '../app/errors.js';
import { pageBody, queryParams, runFinder } from '../app/finder.js';
import { readJson, replyUntyped } from '../app/json.js';
import {
  containerColumns,
  parseDoc,
  saveContainer,
  type ContainerRow,
  type Doc,
} from '../db/containers.js';
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
