/**
 * Core of the spec bundler: reads the modular YAML source in `openapi/src/`, expands the
 * per-container-type families, applies the cross-cutting rules and returns one plain OpenAPI 3.1
 * document. Pure apart from reading the source directory, so tests can point it at fixtures.
 *
 * Cross-cutting rules (applied once here instead of being repeated in the source):
 *  - every operation without a `default` response gets `$ref: #/components/responses/Error`;
 *  - `x-fw-pagination: true` appends the shared query parameters filter, sort, limit, skip, page,
 *    after_id (`x-fw-default-limit: N` turns `limit` into an inline copy carrying `x-sdk-default: N`);
 *  - `x-fw-list: <Schema>` makes the 200 response `oneOf: [<Schema>[], <Schema>Page]`, generates
 *    the `<Schema>Page` schema once, and adds the optional `X-Accept-Feature` header parameter;
 *  - paths, methods and component names are sorted.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
/** A bundled OpenAPI document as a plain JSON object. */
export type OpenApiDocument = JsonObject & {
  openapi: string;
  paths: JsonObject;
  components: JsonObject;
};

export const HTTP_METHODS = [
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
] as const;
export const COMPONENT_KINDS = [
  'securitySchemes',
  'parameters',
  'headers',
  'requestBodies',
  'responses',
  'schemas',
] as const;
/** Names of the shared pagination query parameters in `components/parameters`, in order. */
export const PAGINATION_PARAMS = ['filter', 'sort', 'limit', 'skip', 'page', 'after_id'] as const;
export const PAGINATION_PARAM_REFS: Record<(typeof PAGINATION_PARAMS)[number], string> = {
  filter: 'Filter',
  sort: 'Sort',
  limit: 'Limit',
  skip: 'Skip',
  page: 'Page',
  after_id: 'AfterId',
};
export const ERROR_RESPONSE_REF = '#/components/responses/Error';
export const ACCEPT_FEATURE_PARAM_REF = '#/components/parameters/XAcceptFeature';

export class SpecError extends Error {
  override name = 'SpecError';
}

/** One row of `containers.yaml`: placeholder name → value. */
export type ContainerRow = Record<string, string>;

export interface BundleOptions {
  /** Text put into `info.x-generated`. */
  generatedNote?: string;
}

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function readYaml(file: string, root: string): unknown {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SpecError(`${relative(root, file)}: invalid YAML: ${(err as Error).message}`);
  }
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Replace `{{name}}` placeholders in every string (keys included) of `value`. */
export function substitute<T>(value: T, row: ContainerRow, where: string): T {
  const sub = (s: string): string =>
    s.replace(PLACEHOLDER, (_m, name: string) => {
      const v = row[name];
      if (v === undefined) {
        throw new SpecError(
          `${where}: unknown placeholder {{${name}}} (known: ${Object.keys(row).sort().join(', ')})`,
        );
      }
      return v;
    });
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return sub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (isObject(v)) {
      const out: JsonObject = {};
      for (const [k, x] of Object.entries(v)) {
        const key = sub(k);
        if (key in out)
          throw new SpecError(`${where}: key "${key}" appears twice after substitution`);
        out[key] = walk(x) as Json;
      }
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

/** Parse and check `containers.yaml`: `{ containers: { <type>: { Type, types, IdParam, … } } }`. */
export function loadContainers(data: unknown, where: string): Record<string, ContainerRow> {
  if (!isObject(data) || !isObject(data.containers)) {
    throw new SpecError(`${where}: expected a top-level "containers" map`);
  }
  const out: Record<string, ContainerRow> = {};
  for (const [type, row] of Object.entries(data.containers)) {
    if (!isObject(row)) throw new SpecError(`${where}: containers.${type} must be a map`);
    const r: ContainerRow = { type };
    for (const [k, v] of Object.entries(row)) {
      if (typeof v !== 'string')
        throw new SpecError(`${where}: containers.${type}.${k} must be a string`);
      r[k] = v;
    }
    for (const required of ['Type', 'types', 'IdParam', 'schema', 'tag']) {
      if (!(required in r)) throw new SpecError(`${where}: containers.${type} lacks "${required}"`);
    }
    out[type] = r;
  }
  return out;
}

export interface FamilyExpansion {
  paths: JsonObject;
  components: JsonObject;
}

/**
 * Expand one family (`{ appliesTo, paths, components? }`) for each type it applies to.
 * Per-path `x-fw-only: [types]` limits a path item to some of the types; the same key on an
 * operation limits that operation.
 */
export function expandFamily(
  family: unknown,
  containers: Record<string, ContainerRow>,
  where: string,
): FamilyExpansion {
  if (!isObject(family)) throw new SpecError(`${where}: a family must be a map`);
  const { appliesTo, paths, components, ...rest } = family;
  const extra = Object.keys(rest).filter((k) => !k.startsWith('x-'));
  if (extra.length) throw new SpecError(`${where}: unknown top-level keys ${extra.join(', ')}`);
  if (!Array.isArray(appliesTo) || appliesTo.length === 0) {
    throw new SpecError(`${where}: "appliesTo" must be a non-empty list of container types`);
  }
  if (!isObject(paths)) throw new SpecError(`${where}: "paths" must be a map`);
  const out: FamilyExpansion = { paths: {}, components: {} };
  for (const type of appliesTo) {
    const row = typeof type === 'string' ? containers[type] : undefined;
    if (!row)
      throw new SpecError(`${where}: appliesTo names unknown container type "${String(type)}"`);
    for (const [tmplPath, tmplItem] of Object.entries(paths)) {
      if (isObject(tmplItem) && Array.isArray(tmplItem['x-fw-only'])) {
        if (!tmplItem['x-fw-only'].includes(type as string)) continue;
      }
      const item = substitute({ [tmplPath]: tmplItem }, row, `${where} (type ${type})`);
      for (const [p, pi] of Object.entries(item)) {
        if (isObject(pi)) {
          delete pi['x-fw-only'];
          // An operation may carry its own `x-fw-only` (a subset of the path item's types).
          for (const m of HTTP_METHODS) {
            const op = pi[m];
            if (!isObject(op) || !Array.isArray(op['x-fw-only'])) continue;
            if (op['x-fw-only'].includes(type as string)) delete op['x-fw-only'];
            else delete pi[m];
          }
          if (!HTTP_METHODS.some((m) => m in pi)) continue;
        }
        mergePathItem(out.paths, p, pi, `${where} (type ${type})`, new Map());
      }
    }
    if (components !== undefined) {
      const comps = substitute(components, row, `${where} (type ${type})`);
      mergeComponents(out.components, comps, `${where} (type ${type})`);
    }
  }
  return out;
}

/** Merge a partial components object; a duplicate name is an error. */
export function mergeComponents(target: JsonObject, part: unknown, where: string): void {
  if (part == null) return;
  if (!isObject(part)) throw new SpecError(`${where}: components must be a map`);
  for (const [kind, entries] of Object.entries(part)) {
    if (!(COMPONENT_KINDS as readonly string[]).includes(kind)) {
      throw new SpecError(`${where}: unknown component kind "${kind}"`);
    }
    if (!isObject(entries)) throw new SpecError(`${where}: components.${kind} must be a map`);
    const bucket = (target[kind] ??= {}) as JsonObject;
    for (const [name, value] of Object.entries(entries)) {
      if (name in bucket) throw new SpecError(`${where}: duplicate components.${kind}.${name}`);
      bucket[name] = value;
    }
  }
}

/**
 * Merge one path item into `paths`. Duplicate path+method is an error; path-level parameters are
 * merged by (in, name). `origins` remembers where each path+method came from, for messages.
 */
export function mergePathItem(
  paths: JsonObject,
  path: string,
  item: unknown,
  where: string,
  origins: Map<string, string>,
): void {
  if (!isObject(item)) throw new SpecError(`${where}: path ${path} must be a map`);
  const target = (paths[path] ??= {}) as JsonObject;
  for (const [key, value] of Object.entries(item)) {
    if ((HTTP_METHODS as readonly string[]).includes(key)) {
      const id = `${key.toUpperCase()} ${path}`;
      if (key in target) {
        throw new SpecError(
          `${where}: duplicate operation ${id} (already defined in ${origins.get(id) ?? 'another file'})`,
        );
      }
      target[key] = value;
      origins.set(id, where);
    } else if (key === 'parameters') {
      if (!Array.isArray(value)) throw new SpecError(`${where}: ${path} parameters must be a list`);
      const list = (target.parameters ??= []) as Json[];
      for (const p of value) {
        const k = JSON.stringify(p);
        if (!list.some((q) => JSON.stringify(q) === k)) list.push(p);
      }
    } else if (key === 'summary' || key === 'description' || key.startsWith('x-')) {
      target[key] = value;
    } else {
      throw new SpecError(`${where}: unsupported key "${key}" in path item ${path}`);
    }
  }
}

function sortKeys(obj: JsonObject, order?: readonly string[]): JsonObject {
  const keys = Object.keys(obj);
  keys.sort((a, b) => {
    if (order) {
      const ia = order.indexOf(a);
      const ib = order.indexOf(b);
      if (ia !== -1 || ib !== -1) return (ia === -1 ? 999 : ia) - (ib === -1 ? 999 : ib);
    }
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const out: JsonObject = {};
  for (const k of keys) out[k] = obj[k] as Json;
  return out;
}

/** Every operation of a document: path, method, operation object. */
export function* operations(doc: {
  paths?: unknown;
}): Generator<{ path: string; method: string; op: JsonObject; item: JsonObject }> {
  if (!isObject(doc.paths)) return;
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (isObject(op)) yield { path, method, op, item };
    }
  }
}

function pageSchema(itemSchema: string): JsonObject {
  return {
    type: 'object',
    description: `One page of ${itemSchema} items, answered instead of a bare array when the request carries \`X-Accept-Feature: pagination\`.`,
    required: ['results', 'total', 'count'],
    properties: {
      results: {
        type: 'array',
        description: `The ${itemSchema} items of this page, in the requested order.`,
        items: { $ref: `#/components/schemas/${itemSchema}` },
      },
      total: {
        type: 'integer',
        minimum: 0,
        description: 'Number of matching items, ignoring skip and limit.',
      },
      count: { type: 'integer', minimum: 0, description: 'Number of items in `results`.' },
    },
    'x-fw-page-of': itemSchema,
  };
}

/**
 * Inline `#/components/requestBodies/*` and `#/components/responses/*` references used by
 * operations (the `default` error response stays a reference), so consumers find each
 * operation's bodies in place; then drop the shared entries nothing references any more.
 */
export function inlineSharedBodies(doc: OpenApiDocument): void {
  const bodies = (doc.components.requestBodies ?? {}) as JsonObject;
  const responses = (doc.components.responses ?? {}) as JsonObject;
  for (const { path, method, op } of operations(doc)) {
    const id = `${method.toUpperCase()} ${path}`;
    const rb = op.requestBody;
    if (
      isObject(rb) &&
      typeof rb.$ref === 'string' &&
      rb.$ref.startsWith('#/components/requestBodies/')
    ) {
      const target = bodies[rb.$ref.slice('#/components/requestBodies/'.length)];
      if (!isObject(target)) throw new SpecError(`${id}: dangling $ref "${rb.$ref}"`);
      op.requestBody = structuredClone(target);
    }
    if (isObject(op.responses)) {
      for (const [code, r] of Object.entries(op.responses)) {
        if (code === 'default' || !isObject(r) || typeof r.$ref !== 'string') continue;
        if (!r.$ref.startsWith('#/components/responses/')) continue;
        const target = responses[r.$ref.slice('#/components/responses/'.length)];
        if (!isObject(target)) throw new SpecError(`${id}: dangling $ref "${r.$ref}"`);
        op.responses[code] = structuredClone(target);
      }
    }
  }
  const text = JSON.stringify({
    ...doc,
    components: { ...doc.components, requestBodies: {}, responses: {} },
  });
  const used = (kind: string, name: string) => text.includes(`"#/components/${kind}/${name}"`);
  for (const kind of ['requestBodies', 'responses'] as const) {
    const bucket = doc.components[kind];
    if (!isObject(bucket)) continue;
    for (const name of Object.keys(bucket))
      if (!used(kind, name) && !(kind === 'responses' && name === 'Error')) delete bucket[name];
    if (Object.keys(bucket).length === 0) delete doc.components[kind];
  }
}

/** Apply the cross-cutting rules to every operation (mutates `doc`). */
export function applyRules(doc: OpenApiDocument): void {
  inlineSharedBodies(doc);
  const schemas = (doc.components.schemas ??= {}) as JsonObject;
  for (const { path, method, op } of operations(doc)) {
    const id = `${method.toUpperCase()} ${path}`;
    const responses = (op.responses ??= {}) as JsonObject;

    const listOf = op['x-fw-list'];
    if (listOf !== undefined) {
      if (typeof listOf !== 'string') throw new SpecError(`${id}: x-fw-list must be a schema name`);
      const pageName = `${listOf}Page`;
      if (!(pageName in schemas)) schemas[pageName] = pageSchema(listOf);
      if (!('200' in responses)) {
        responses['200'] = {
          description: `A list of ${listOf} items (an array, or a page object when pagination is requested).`,
          content: {
            'application/json': {
              schema: {
                oneOf: [
                  { type: 'array', items: { $ref: `#/components/schemas/${listOf}` } },
                  { $ref: `#/components/schemas/${pageName}` },
                ],
              },
            },
          },
        };
      }
      const params = (op.parameters ??= []) as Json[];
      if (!params.some((p) => isObject(p) && p.$ref === ACCEPT_FEATURE_PARAM_REF)) {
        params.push({ $ref: ACCEPT_FEATURE_PARAM_REF });
      }
    }

    if (op['x-fw-pagination'] === true) {
      const params = (op.parameters ??= []) as Json[];
      const defaultLimit = op['x-fw-default-limit'];
      for (const name of PAGINATION_PARAMS) {
        const ref = `#/components/parameters/${PAGINATION_PARAM_REFS[name]}`;
        const present = params.some(
          (p) => isObject(p) && (p.$ref === ref || (p.in === 'query' && p.name === name)),
        );
        if (present) continue;
        if (name === 'limit' && defaultLimit !== undefined) {
          const shared = (doc.components.parameters as JsonObject | undefined)?.[
            PAGINATION_PARAM_REFS.limit
          ];
          if (!isObject(shared)) throw new SpecError(`${id}: shared parameter Limit is missing`);
          params.push({ ...structuredClone(shared), 'x-sdk-default': defaultLimit });
        } else {
          params.push({ $ref: ref });
        }
      }
    }

    if (!('default' in responses)) responses.default = { $ref: ERROR_RESPONSE_REF };
  }
}

/** Check operationIds are unique and every local `$ref` resolves. Throws listing all problems. */
export function checkDocument(doc: OpenApiDocument, origins?: Map<string, string>): void {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { path, method, op } of operations(doc)) {
    const id = `${method.toUpperCase()} ${path}`;
    const from = origins?.get(id);
    const opId = op.operationId;
    if (typeof opId !== 'string') {
      problems.push(`${id}${from ? ` (${from})` : ''}: missing operationId`);
      continue;
    }
    const prev = seen.get(opId);
    if (prev) {
      problems.push(
        `duplicate operationId "${opId}": ${prev}${origins?.get(prev) ? ` (${origins.get(prev)})` : ''} and ${id}${from ? ` (${from})` : ''}`,
      );
    } else seen.set(opId, id);
  }
  const walk = (v: unknown, at: string, from: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`, from));
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string') {
          if (!resolvePointer(doc, x)) problems.push(`dangling $ref "${x}" at ${at}${from}`);
        } else if (k === 'mapping' && isObject(x)) {
          for (const target of Object.values(x)) {
            if (typeof target === 'string' && !resolvePointer(doc, target)) {
              problems.push(`dangling discriminator mapping "${target}" at ${at}${from}`);
            }
          }
        } else walk(x, `${at}/${k}`, from);
      }
    }
  };
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObject(item)) continue;
    for (const [key, value] of Object.entries(item)) {
      const method = (HTTP_METHODS as readonly string[]).includes(key)
        ? key
        : HTTP_METHODS.find((m) => m in item);
      const origin = method ? origins?.get(`${method.toUpperCase()} ${path}`) : undefined;
      walk(value, `${path} ${key}`, origin ? ` (from ${origin})` : '');
    }
  }
  walk({ ...doc, paths: {} }, '#', '');
  if (problems.length)
    throw new SpecError(
      `the spec has ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`,
    );
}

export function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let cur: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Read `srcDir` and build the bundled document. */
export function bundleSource(srcDir: string, options: BundleOptions = {}): OpenApiDocument {
  const rel = (f: string) => relative(join(srcDir, '..', '..'), f);
  const rootFile = join(srcDir, 'openapi.yaml');
  if (!existsSync(rootFile)) throw new SpecError(`${rel(rootFile)}: missing root document`);
  const root = readYaml(rootFile, join(srcDir, '..', '..'));
  if (!isObject(root)) throw new SpecError(`${rel(rootFile)}: root must be a map`);
  if ('paths' in root)
    throw new SpecError(`${rel(rootFile)}: the root document must not define paths`);

  const components: JsonObject = {};
  mergeComponents(components, root.components, rel(rootFile));
  for (const f of yamlFiles(join(srcDir, 'components'))) {
    mergeComponents(components, readYaml(f, join(srcDir, '..', '..')), rel(f));
  }

  const paths: JsonObject = {};
  const origins = new Map<string, string>();
  for (const f of yamlFiles(join(srcDir, 'paths'))) {
    const data = readYaml(f, join(srcDir, '..', '..'));
    if (!isObject(data) || !isObject(data.paths))
      throw new SpecError(`${rel(f)}: expected a top-level "paths" map`);
    const unknown = Object.keys(data).filter((k) => k !== 'paths' && k !== 'components');
    if (unknown.length)
      throw new SpecError(`${rel(f)}: unknown top-level keys ${unknown.join(', ')}`);
    for (const [p, item] of Object.entries(data.paths))
      mergePathItem(paths, p, item, rel(f), origins);
    mergeComponents(components, data.components, rel(f));
  }

  const familyFiles = yamlFiles(join(srcDir, 'families'));
  if (familyFiles.length) {
    const containersFile = join(srcDir, 'containers.yaml');
    if (!existsSync(containersFile))
      throw new SpecError(`${rel(containersFile)}: missing (families need it)`);
    const containers = loadContainers(
      readYaml(containersFile, join(srcDir, '..', '..')),
      rel(containersFile),
    );
    for (const f of familyFiles) {
      const expanded = expandFamily(readYaml(f, join(srcDir, '..', '..')), containers, rel(f));
      for (const [p, item] of Object.entries(expanded.paths))
        mergePathItem(paths, p, item, rel(f), origins);
      mergeComponents(components, expanded.components, rel(f));
    }
  }

  const info = { ...(isObject(root.info) ? root.info : {}) } as JsonObject;
  if (options.generatedNote) info['x-generated'] = options.generatedNote;

  const doc = { ...root, info, paths, components } as unknown as OpenApiDocument;
  applyRules(doc);
  checkDocument(doc, origins);
  return normalize(doc);
}

const TOP_ORDER = [
  'openapi',
  'info',
  'jsonSchemaDialect',
  'servers',
  'security',
  'tags',
  'paths',
  'webhooks',
  'components',
];
const OP_ORDER = [
  'operationId',
  'summary',
  'description',
  'tags',
  'deprecated',
  'security',
  'parameters',
  'requestBody',
  'responses',
];

/** Deterministic key order: sorted paths, canonical methods, sorted component names. */
export function normalize(doc: OpenApiDocument): OpenApiDocument {
  const paths: JsonObject = {};
  for (const p of Object.keys(doc.paths).sort()) {
    const item = doc.paths[p] as JsonObject;
    const sorted = sortKeys(item, ['summary', 'description', 'parameters', ...HTTP_METHODS]);
    for (const m of HTTP_METHODS) {
      const op = sorted[m];
      if (isObject(op)) {
        const o = sortKeys(op, OP_ORDER);
        if (isObject(o.responses)) o.responses = sortKeys(o.responses);
        sorted[m] = o;
      }
    }
    paths[p] = sorted;
  }
  const components: JsonObject = {};
  for (const kind of COMPONENT_KINDS) {
    const bucket = doc.components[kind];
    if (isObject(bucket)) components[kind] = sortKeys(bucket);
  }
  const out = sortKeys({ ...doc, paths, components }, TOP_ORDER) as OpenApiDocument;
  if (isObject(out.tags as Json)) throw new SpecError('tags must be a list');
  if (Array.isArray(out.tags)) {
    out.tags = [...out.tags].sort((a, b) =>
      String((a as JsonObject).name).localeCompare(String((b as JsonObject).name)),
    );
  }
  return out;
}

/** The committed file contents: 2-space JSON with a trailing newline. */
export function serializeSpec(doc: OpenApiDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
