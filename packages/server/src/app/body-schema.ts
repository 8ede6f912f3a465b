import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { badRequest } from './errors.js';

/**
 * Request-body validation against the bundled OpenAPI document (the same file `@fw/api` is
 * generated from). The build copies `openapi/flywheel.openapi.json` next to the bundles
 * (`dist/flywheel.openapi.json`), so the published package carries it; when running from the
 * sources (tests, tsx) the repository's copy is read. One validator per operation with a JSON
 * request body, compiled once when this module loads.
 */
type AnyObj = Record<string, any>;

const CANDIDATES = [
  './flywheel.openapi.json', // dist/index.js, dist/cli.js
  '../flywheel.openapi.json', // dist/<chunk>/…
  '../../../../openapi/flywheel.openapi.json', // packages/server/src/app/body-schema.ts
];

function specPath(): string {
  for (const rel of CANDIDATES) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error(
    'flywheel.openapi.json not found next to @fw/server (rebuild the package: it copies the spec into dist/)',
  );
}

type Validate = ((d: unknown) => boolean) & { errors?: AjvError[] | null };
interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, any>;
}

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function compileAll(): Map<string, Validate> {
  const spec = JSON.parse(readFileSync(specPath(), 'utf8')) as AnyObj;
  // CJS/ESM interop: the class may sit on `.default` depending on the loader
  const Ctor = ((Ajv2020 as unknown as { default?: unknown }).default ?? Ajv2020) as new (
    o: object,
  ) => { addSchema(s: object, k: string): void; compile(s: object): Validate };
  // formats are not checked: the server accepts the looser date-times a site parses (no
  // seconds, no offset) and checks them itself (validate.ts optDateTime)
  const ajv = new Ctor({ strict: false, allErrors: false, validateFormats: false });
  ajv.addSchema(spec, 'spec');
  const out = new Map<string, Validate>();
  for (const [path, item] of Object.entries(spec.paths as AnyObj)) {
    for (const [method, op] of Object.entries(item as AnyObj)) {
      const schema = (op as AnyObj)?.requestBody?.content?.['application/json']?.schema;
      if (!schema || typeof (op as AnyObj).operationId !== 'string') continue;
      const ref = `spec#/${pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema')}`;
      out.set((op as AnyObj).operationId as string, ajv.compile({ $ref: ref }));
    }
  }
  return out;
}

/**
 * The operations whose request bodies are validated against the spec: those whose schemas
 * were reviewed against the reference and the server's tests. The rest (gears, jobs, views,
 * batches, workflows, engine calls, hierarchy upserts) are still checked by their handlers:
 * several of those schemas are stricter than what a site accepts (e.g. a gear document's
 * required `exchange`).
 */
const K = '(group|project|subject|session|acquisition|collection|analysis|container)';
const F = '(project|subject|session|acquisition|collection|analysis|container)';
const CHECKED_PATTERNS = [
  // containers: create, update, info
  `(add|modify)_(group|project|subject|session|acquisition|collection)`,
  `modify_${K}(_file)?_info`,
  `(add|modify)_${F}_analysis`,
  'modify_analysis',
  // tags, notes, permissions
  `(add|rename)_${K}_tag`,
  `(add|delete)_${K}_tags`,
  '(add|delete|set)_file_tags',
  `(add|modify)_${K}(_analysis)?_note`,
  '(add_(group|project|collection)_permission|modify_(group|project|collection)_user_permission)',
  '(add_group_permission_template|modify_group_user_permission_template)',
  // files
  `modify_${F}_file(_classification)?`,
  '(modify_file_info|modify_file_classification|replace_file_info|move_file)',
  // copies, bulk, resolver, downloads
  '(project|subject|session|acquisition)_copy',
  `delete_(groups|projects|subjects|sessions|acquisitions|collections|analyses|files)_by_ids`,
  // (the resolver also takes a "group/project" string path, so its handler checks its body)
  '(create_download_ticket|bulk_move_sessions|check_uids_exist)',
  // users, devices, roles, modalities, site, rules, settings
  '(add_user|modify_user|generate_user_key|modify_current_user_info)',
  '(create_device|modify_device|update_device|generate_key)',
  '(add_role|modify_role|add_role_to_group|add_modality|replace_modality)',
  '(modify_site_settings|add_provider|modify_provider|modify_bookmark_list)',
  '(add|modify)_(site|project)_rule',
  '(modify_project_settings|set_project_template|create_custom_filter|update_custom_filter)',
];
const CHECKED = new RegExp(`^(${CHECKED_PATTERNS.join('|')})$`);

const VALIDATORS = new Map([...compileAll()].filter(([op]) => CHECKED.test(op)));

/** Whether the spec gives operation `op` a JSON request body schema. */
export const hasBodySchema = (op: string): boolean => VALIDATORS.has(op);

const where = (e: AjvError) =>
  e.instancePath === '' ? 'request body' : `"${e.instancePath.slice(1).replace(/\//g, '.')}"`;

/** One readable sentence for the most telling ajv error: what is wrong and what to do. */
function describe(errors: AjvError[]): string {
  // `unevaluatedProperties` closes a shared model only where it is a request body (e.g. the
  // permission bodies: container outputs carry the same model with joined fields)
  const extra = errors.find(
    (e) => e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties',
  );
  if (extra) {
    const name = extra.params.additionalProperty ?? extra.params.unevaluatedProperty;
    const field = [extra.instancePath.slice(1).replace(/\//g, '.'), name].filter(Boolean).join('.');
    return `unexpected field "${field}" in ${where(extra)}: the API does not accept it; remove it or check its spelling`;
  }
  const names = errors.find((e) => e.keyword === 'propertyNames');
  if (names) return `${where(names)} has an empty key: every key must be a non-empty string`;
  const e =
    errors.find((x) => x.keyword !== 'anyOf' && x.keyword !== 'oneOf' && x.keyword !== 'if') ??
    errors[0]!;
  switch (e.keyword) {
    case 'minProperties':
      return e.instancePath === ''
        ? 'request body is empty: give at least one field to change'
        : `${where(e)} is empty: give at least one entry`;
    case 'propertyNames':
      return `${where(e)} has an empty key: every key must be a non-empty string`;
    case 'required':
      return `${where(e)} is missing the required field "${e.params.missingProperty}"`;
    case 'type':
      return `${where(e)} must be of type ${e.params.type}`;
    case 'enum':
      return `${where(e)} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${where(e)} ${e.message ?? 'is invalid'}`;
  }
}

/**
 * Fields (and their JSON type) the local server accepts beyond the v21 input models. A subject's `age` (seconds): v21
 * answers one on `SubjectOutput` but its inputs have none, and the quick reference's subject
 * filters (`age<30`) need subjects that carry one. Documented in the README.
 */
const LOCAL_EXTRAS: Record<string, Record<string, string>> = {
  add_subject: { age: 'number' },
  modify_subject: { age: 'number' },
  // a project's `public` flag (v21's models dropped it, a site still honours it): public
  // projects and their contents are readable without a key
  add_project: { public: 'boolean' },
  modify_project: { public: 'boolean' },
};

/** 400 naming the problem when `body` does not fit operation `op`'s request body schema. */
export function checkBody(op: string, body: unknown): void {
  const v = VALIDATORS.get(op);
  if (!v) return;
  // `null` clears a field (the site's models are all optional): check the fields that are set
  const set =
    body !== null && typeof body === 'object' && !Array.isArray(body)
      ? Object.fromEntries(
          Object.entries(body).filter(
            ([k, x]) => x !== null && !(LOCAL_EXTRAS[op]?.[k] && typeof x === LOCAL_EXTRAS[op][k]),
          ),
        )
      : body;
  if (v(set)) return;
  const onlyNulls =
    set !== body && Object.keys(set as object).length === 0 && Object.keys(body as object).length;
  if (onlyNulls && (v.errors ?? []).every((e) => e.keyword === 'minProperties')) return;
  throw badRequest(describe(v.errors ?? []));
}
