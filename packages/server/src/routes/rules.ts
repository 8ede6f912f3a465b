import type { Context } from 'hono';
import type { AppEnv, CurrentUser } from '../app/context.js';
import type { OpHandler, RouteTable } from '../app/operations.js';
import { requireAccess, requireUser } from '../app/access.js';
import { loadContainer } from '../app/containers.js';
import {
  assignDefined,
  deleteDoc,
  getDocRow,
  insertDoc,
  listDocs,
  saveDoc,
  shaped,
  type Shape,
  type StoredDoc,
} from '../app/documents.js';
import { badRequest, forbidden, notFound } from '../app/errors.js';
import { CONTAINER_TYPES } from '../db/containers.js';
import { getGear } from '../app/jobs.js';
import { readJson, replyUntyped } from '../app/json.js';
import { queryParams } from '../app/finder.js';

/** Gear rules: site rules (`parent = 'site'`, site admins write) and project rules. */
const KIND = 'gear_rule';
const SITE = 'site';

const CONDITION: Shape = {
  fields: {
    type: {
      enum: [
        'file.type',
        'file.name',
        'file.modality',
        'file.classification',
        'file.tags',
        'file.parent_ref.type',
        'container.has-type',
        'container.has-classification',
        'gear.name',
        'gear.version',
      ],
    },
    value: 'any',
    regex: 'bool',
  },
  required: ['type', 'value'],
};
const FIXED_INPUT: Shape = {
  fields: {
    type: {
      enum: [...CONTAINER_TYPES, 'file'],
    },
    id: 'string',
    name: 'string',
    version: 'int',
    group: 'object',
    input: 'string',
    file_id: 'string',
  },
  required: ['input'],
};
const RULE_FIELDS: Record<string, Shape> = {
  project_id: 'string',
  gear_id: 'string',
  role_id: 'string',
  name: 'string',
  config: 'object',
  fixed_inputs: { array: FIXED_INPUT },
  priority: { enum: ['low', 'medium', 'high', 'critical'] },
  auto_update: 'bool',
  any: { array: CONDITION },
  all: { array: CONDITION },
  not: { array: CONDITION },
  disabled: 'bool',
  compute_provider_id: 'string',
  triggering_input: 'string',
  tags: { array: 'string' },
};
const RULE_INPUT: Shape = { fields: RULE_FIELDS, required: ['gear_id', 'name'] };
const RULE_MODIFY: Shape = {
  fields: Object.fromEntries(Object.entries(RULE_FIELDS).filter(([k]) => k !== 'project_id')),
};

function checkRefs(c: Context<AppEnv>, body: StoredDoc): void {
  const db = c.get('state').db;
  if (body.gear_id !== undefined && !getGear(db, body.gear_id as string))
    throw badRequest(`gear ${String(body.gear_id)} not found`);
  if (body.name !== undefined && (body.name as string).trim() === '')
    throw badRequest('"name" must not be empty');
  if (
    body.role_id !== undefined &&
    !db.prepare('SELECT 1 FROM roles WHERE id = ?').get(body.role_id)
  )
    throw badRequest(`role ${String(body.role_id)} not found`);
  if (
    body.compute_provider_id !== undefined &&
    !getDocRow(db, 'provider', body.compute_provider_id as string)
  )
    throw badRequest(`provider ${String(body.compute_provider_id)} not found`);
}

/** A rule as stored: the input plus identity, revision and who last changed it. */
function newRule(body: StoredDoc, parent: string, user: CurrentUser): StoredDoc {
  const { project_id: _ignored, ...rest } = body;
  return {
    ...rest,
    project_id: parent,
    auto_update: body.auto_update ?? false,
    disabled: body.disabled ?? false,
    any: body.any ?? [],
    all: body.all ?? [],
    not: body.not ?? [],
    config: body.config ?? {},
    fixed_inputs: body.fixed_inputs ?? [],
    revision: 1,
    last_modified_by: { type: 'user', id: user.doc._id },
  };
}

function loadRule(c: Context<AppEnv>, parent: string, id: string): StoredDoc {
  const row = getDocRow(c.get('state').db, KIND, id);
  if (!row || row.parent !== parent) throw notFound(`gear rule ${id} not found`);
  return JSON.parse(row.doc) as StoredDoc;
}

/** The scope of a request: the site, or a project the caller may read (and write when needed). */
function scope(c: Context<AppEnv>, projectId: string | undefined, write: boolean): string {
  const user = requireUser(c.get('user'));
  if (projectId === undefined) {
    if (write && !user.isAdmin) throw forbidden('only site admins can change site gear rules');
    return SITE;
  }
  const db = c.get('state').db;
  const row = loadContainer(db, 'project', projectId);
  requireAccess(db, user, row, write ? 'admin' : 'ro');
  return row.id;
}

function handlers(site: boolean): Record<string, OpHandler> {
  const pid = (params: string[]) => (site ? undefined : params[0]);
  const rid = (params: string[]) => (site ? params[0] : params[1]) ?? '';
  return {
    list: (c, params) => {
      const parent = scope(c, pid(params), false);
      let rules = listDocs(c.get('state').db, KIND, { parent });
      const q = queryParams(c);
      const name = q.get('name');
      if (name !== null) rules = rules.filter((r) => r.name === name);
      const after = q.get('after_id');
      if (after !== null) rules = rules.filter((r) => (r._id as string) > after);
      const limit = q.get('limit');
      if (limit !== null) {
        const n = Number(limit);
        if (!Number.isInteger(n) || n < 0) throw badRequest('limit must be a non-negative integer');
        rules = rules.slice(0, n);
      }
      return replyUntyped(c, rules);
    },
    add: async (c, params) => {
      const parent = scope(c, pid(params), true);
      const body = shaped(await readJson(c), RULE_INPUT, 'rule');
      checkRefs(c, body);
      const rule = insertDoc(
        c.get('state').db,
        KIND,
        newRule(body, parent, requireUser(c.get('user'))),
        {
          parent,
        },
      );
      return replyUntyped(c, rule);
    },
    get: (c, params) => replyUntyped(c, loadRule(c, scope(c, pid(params), false), rid(params))),
    modify: async (c, params) => {
      const parent = scope(c, pid(params), true);
      const rule = loadRule(c, parent, rid(params));
      const body = shaped(await readJson(c), RULE_MODIFY, 'rule');
      checkRefs(c, body);
      assignDefined(rule, body);
      rule.revision = ((rule.revision as number) ?? 1) + 1;
      rule.last_modified_by = { type: 'user', id: requireUser(c.get('user')).doc._id };
      return replyUntyped(c, saveDoc(c.get('state').db, KIND, rule));
    },
    remove: (c, params) => {
      const parent = scope(c, pid(params), true);
      loadRule(c, parent, rid(params));
      deleteDoc(c.get('state').db, KIND, rid(params));
      return c.body(null, 204);
    },
  };
}

export function registerRuleRoutes(routes: RouteTable): void {
  const s = handlers(true);
  routes.on('get_site_rules', s.list!);
  routes.on('add_site_rule', s.add!);
  routes.on('get_site_rule', s.get!);
  routes.on('modify_site_rule', s.modify!);
  routes.on('remove_site_rule', s.remove!);
  const p = handlers(false);
  routes.on('get_project_rules', p.list!);
  routes.on('add_project_rule', p.add!);
  routes.on('get_project_rule', p.get!);
  routes.on('modify_project_rule', p.modify!);
  routes.on('remove_project_rule', p.remove!);
}
