/**
 * Generator for `@fw/api`: turns the bundled OpenAPI document into
 *
 * - `packages/api/src/generated/schema.ts`: `paths`, `components`, `operations` types
 *   (openapi-typescript 7, Node API);
 * - `packages/api/src/generated/operations.ts`: `operationTable`, one entry per operationId, the
 *   metadata the SDK generator and runtime need (method, path, parameters, body and response
 *   kinds, vendor extensions), stored as compact JSON and unpacked on load (a few kB in a
 *   bundle instead of 150 kB of object literals);
 * - `packages/api/src/generated/operation-types.ts`: the same table as a literal, for its type
 *   only (`OperationTable`, `OperationId`): it is only ever imported with `import type`, so it
 *   costs no bytes at run time;
 * - `packages/api/src/generated/exhaustive.ts`: the operations that take `exhaustive`, all the
 *   client itself needs at run time. It is a file of its own so that `@fw/api`'s entry never
 *   imports the table's module: the table is `@fw/api/operations`, loaded on demand.
 *
 * Output is deterministic: operations are sorted by operationId, and everything else follows the
 * order of the (deterministically bundled) spec.
 */
import openapiTS, {
  astToString,
  type OpenAPI3,
  type SchemaObject,
  type TransformNodeOptions,
} from 'openapi-typescript';
import ts from 'typescript';
import { doNotEditHeader, type GeneratedFiles } from './lib/generated.ts';

const GENERATOR = 'tools/gen-api.ts';
export const SCHEMA_PATH = 'packages/api/src/generated/schema.ts';
export const OPERATIONS_PATH = 'packages/api/src/generated/operations.ts';
export const OPERATION_TYPES_PATH = 'packages/api/src/generated/operation-types.ts';
export const EXHAUSTIVE_PATH = 'packages/api/src/generated/exhaustive.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
type Method = (typeof METHODS)[number];

export interface QueryParamInfo {
  name: string;
  required: boolean;
  default?: unknown;
}

export interface OperationInfo {
  id: string;
  method: Method;
  path: string;
  pathParams: string[];
  queryParams: QueryParamInfo[];
  body: 'json' | 'multipart' | null;
  bodyRequired: boolean;
  response: 'json' | 'binary' | 'empty';
  responseSchema?: string;
  paginated: boolean;
  tags: string[];
  extensions: Record<string, unknown>;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Follow local `$ref`s (`#/components/...`) until a non-reference object is reached. */
function resolve(spec: Json, node: unknown, seen = new Set<string>()): Json {
  let cur = node;
  while (isObject(cur) && typeof cur.$ref === 'string') {
    const ref = cur.$ref;
    if (!ref.startsWith('#/'))
      throw new Error(`gen-api: only local $refs are supported, got ${ref}`);
    if (seen.has(ref)) throw new Error(`gen-api: circular $ref ${ref}`);
    seen.add(ref);
    let target: unknown = spec;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      target = isObject(target) ? target[key] : undefined;
    }
    if (target === undefined) throw new Error(`gen-api: unresolved $ref ${ref}`);
    cur = target;
  }
  if (!isObject(cur)) throw new Error('gen-api: expected an object in the spec');
  return cur;
}

const isJsonMedia = (type: string): boolean => /^application\/(.+\+)?json\b/i.test(type);

function schemaName(schema: unknown): string | undefined {
  if (!isObject(schema)) return undefined;
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
    return m ? m[1]!.replace(/~1/g, '/').replace(/~0/g, '~') : undefined;
  }
  if (schema.type === 'array') {
    const inner = schemaName(schema.items);
    return inner === undefined ? undefined : `${inner}[]`;
  }
  return undefined;
}

function pickExtensions(obj: Json, into: Json): void {
  for (const key of Object.keys(obj).sort()) {
    if (key.startsWith('x-fw-') || key.startsWith('x-sdk-')) into[key] = obj[key];
  }
}

/** Build the operation table (sorted by operationId). Exported for tests. */
export function buildOperationTable(spec: object): OperationInfo[] {
  const doc = spec as Json;
  const paths = isObject(doc.paths) ? doc.paths : {};
  const ops: OperationInfo[] = [];
  const seen = new Map<string, string>();

  for (const path of Object.keys(paths)) {
    const pathItem = resolve(doc, paths[path]);
    const pathLevelParams = Array.isArray(pathItem.parameters) ? pathItem.parameters : [];
    for (const method of METHODS) {
      const rawOp = pathItem[method];
      if (!isObject(rawOp)) continue;
      const op = rawOp;
      const id = op.operationId;
      if (typeof id !== 'string' || id === '') {
        throw new Error(`gen-api: ${method.toUpperCase()} ${path} has no operationId`);
      }
      const where = `${method.toUpperCase()} ${path}`;
      if (seen.has(id))
        throw new Error(`gen-api: duplicate operationId ${id} (${seen.get(id)} and ${where})`);
      seen.set(id, where);

      // Operation-level parameters override path-level ones with the same name and location.
      const params = new Map<string, Json>();
      for (const p of [
        ...pathLevelParams,
        ...(Array.isArray(op.parameters) ? op.parameters : []),
      ]) {
        const param = resolve(doc, p);
        params.set(`${String(param.in)}:${String(param.name)}`, param);
      }

      const pathParams = [...path.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!);
      for (const name of pathParams) {
        if (!params.has(`path:${name}`))
          throw new Error(`gen-api: ${where} does not declare path parameter ${name}`);
      }

      const queryParams: QueryParamInfo[] = [];
      for (const param of params.values()) {
        if (param.in !== 'query') continue;
        const info: QueryParamInfo = {
          name: String(param.name),
          required: param.required === true,
        };
        if ('x-sdk-default' in param) info.default = param['x-sdk-default'];
        queryParams.push(info);
      }

      let body: OperationInfo['body'] = null;
      let bodyRequired = false;
      if (op.requestBody !== undefined) {
        const rb = resolve(doc, op.requestBody);
        const types = Object.keys(isObject(rb.content) ? rb.content : {});
        // Multipart wins when an operation accepts both (the JSON form is the signed-URL variant).
        body = types.some((t) => t.toLowerCase().startsWith('multipart/form-data'))
          ? 'multipart'
          : 'json';
        bodyRequired = rb.required === true;
      }

      const extensions: Json = {};
      pickExtensions(op, extensions);

      let response: OperationInfo['response'] = 'empty';
      let responseSchema: string | undefined;
      const responses = isObject(op.responses) ? op.responses : {};
      const success = Object.keys(responses)
        .filter((code) => /^2(\d\d|XX)$/i.test(code))
        .sort();
      for (const code of success) {
        const res = resolve(doc, responses[code]);
        const content = isObject(res.content) ? res.content : {};
        const types = Object.keys(content);
        if (types.length === 0) continue;
        const jsonType = types.find(isJsonMedia);
        const binary =
          types.some((t) => t.toLowerCase() === 'application/octet-stream') ||
          jsonType === undefined;
        if (binary) {
          response = 'binary';
        } else {
          response = 'json';
          const media = content[jsonType!];
          const schema = isObject(media) ? media.schema : undefined;
          responseSchema = schemaName(schema);
          if (isObject(schema)) {
            const target = schema.$ref !== undefined ? resolve(doc, schema) : schema;
            if ('x-fw-return' in target) extensions['x-fw-return'] = target['x-fw-return'];
          }
        }
        break;
      }

      const info: OperationInfo = {
        id,
        method,
        path,
        pathParams,
        queryParams,
        body,
        bodyRequired,
        response,
        paginated: op['x-fw-pagination'] === true,
        tags: Array.isArray(op.tags) ? op.tags.map(String) : [],
        extensions,
      };
      if (responseSchema !== undefined) info.responseSchema = responseSchema;
      ops.push(info);
    }
  }
  return ops.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const renderString = (s: string): string =>
  `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
const renderKey = (key: string): string => (IDENT.test(key) ? key : renderString(key));

/** Compact, stable TS literal: short arrays/objects on one line, the rest one member per line. */
function renderValue(value: unknown, indent: string): string {
  if (!isObject(value) && !Array.isArray(value)) {
    return typeof value === 'string' ? renderString(value) : JSON.stringify(value ?? null);
  }
  const inner = indent + '  ';
  const items = Array.isArray(value)
    ? value.map((v) => renderValue(v, inner))
    : Object.keys(value).map((k) => `${renderKey(k)}: ${renderValue(value[k], inner)}`);
  if (items.length === 0) return Array.isArray(value) ? '[]' : '{}';
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{ ', ' }'];
  const oneLine = Array.isArray(value)
    ? `[${items.join(', ')}]`
    : `${open}${items.join(', ')}${close}`;
  if (
    !oneLine.includes('\n') &&
    oneLine.length + indent.length <= 100 &&
    !(isObject(value) && 'id' in value)
  ) {
    return oneLine;
  }
  return `${open.trim()}\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}${close.trim()}`;
}

const INFO_TYPES = `/** HTTP method of an operation (lower case, as in the OpenAPI document and \`paths\`). */
export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

/** A query parameter; \`default\` is its \`x-sdk-default\` (sent when the caller omits it). */
export interface QueryParamInfo {
  readonly name: string;
  readonly required: boolean;
  readonly default?: unknown;
}

/** What the SDK needs to know about one operation. */
export interface OperationInfo {
  /** operationId (snake_case). */
  readonly id: string;
  readonly method: HttpMethod;
  /** Path template, a key of \`paths\`. */
  readonly path: string;
  /** Path parameter names in the order they appear in \`path\`. */
  readonly pathParams: readonly string[];
  readonly queryParams: readonly QueryParamInfo[];
  /** Request body encoding; \`multipart\` when the operation accepts multipart/form-data. */
  readonly body: 'json' | 'multipart' | null;
  readonly bodyRequired: boolean;
  /** First 2xx response: JSON, binary (download) or no content. */
  readonly response: 'json' | 'binary' | 'empty';
  /** Component schema name of the JSON 2xx body (\`Name[]\` for arrays), when it is a plain reference. */
  readonly responseSchema?: string;
  /** \`x-fw-pagination: true\` (finder list endpoint). */
  readonly paginated: boolean;
  readonly tags: readonly string[];
  /** Operation-level \`x-fw-*\`/\`x-sdk-*\` extensions, plus \`x-fw-return\` from the response schema. */
  readonly extensions: Readonly<Record<string, unknown>>;
}
`;

/** One operation in a fixed key order, so the output never depends on how it was built. */
function ordered(op: OperationInfo): Json {
  return {
    id: op.id,
    method: op.method,
    path: op.path,
    pathParams: op.pathParams,
    queryParams: op.queryParams.map((q) =>
      'default' in q
        ? { name: q.name, required: q.required, default: q.default }
        : { name: q.name, required: q.required },
    ),
    body: op.body,
    bodyRequired: op.bodyRequired,
    response: op.response,
    ...(op.responseSchema !== undefined ? { responseSchema: op.responseSchema } : {}),
    paginated: op.paginated,
    tags: op.tags,
    extensions: op.extensions,
  };
}

/** \`operation-types.ts\`: the whole table as a literal, read for its type only. */
function renderOperationTypes(ops: OperationInfo[]): string {
  const entries = ops.map((op) => `  ${renderKey(op.id)}: ${renderValue(ordered(op), '  ')},`);
  return `${doNotEditHeader(GENERATOR)}
// Imported with \`import type\` only: this literal gives \`OperationTable\` its exact types, and
// is never part of a bundle. The run-time table is the compact one in operations.ts.
${INFO_TYPES}
const table = {
${entries.join('\n')}
} as const satisfies Record<string, OperationInfo>;

/** The type of \`operationTable\`: every operation's entry, with literal types. */
export type OperationTable = typeof table;

/** Every operationId in the spec. */
export type OperationId = keyof OperationTable;
`;
}

const METHOD_CODES: Record<Method, number> = {
  get: 0,
  put: 1,
  post: 2,
  delete: 3,
  options: 4,
  head: 5,
  patch: 6,
  trace: 7,
};

/**
 * One operation as a compact JSON row, unpacked by \`buildOperationTable\` in packages/api/src/operation-rows.ts
 * (whose method order must match \`METHOD_CODES\`):
 * \`[id, method code, path, query, flags, responseSchema, tags, extensions]\`. Path parameters
 * come back from the path; a query parameter is its name, or \`[name, required, default?]\`;
 * flags hold body (json 1, multipart 2), bodyRequired (4), response (binary 8, empty 16) and
 * paginated (32). Trailing empty fields are left out.
 */
function compactRow(op: OperationInfo): unknown[] {
  const fromPath = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  if (JSON.stringify(fromPath) !== JSON.stringify(op.pathParams))
    throw new Error(`gen-api: ${op.id}: path parameters differ from the path template`);
  const query = op.queryParams.map((q) =>
    'default' in q ? [q.name, q.required ? 1 : 0, q.default] : q.required ? [q.name, 1] : q.name,
  );
  const flags =
    (op.body === 'json' ? 1 : op.body === 'multipart' ? 2 : 0) |
    (op.bodyRequired ? 4 : 0) |
    (op.response === 'binary' ? 8 : op.response === 'empty' ? 16 : 0) |
    (op.paginated ? 32 : 0);
  const row: unknown[] = [
    op.id,
    METHOD_CODES[op.method],
    op.path,
    query,
    flags,
    op.responseSchema ?? 0,
    op.tags.length === 1 ? op.tags[0] : op.tags,
    op.extensions,
  ];
  const empty = (v: unknown): boolean =>
    v === 0 || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
  while (row.length > 3 && empty(row[row.length - 1])) row.pop();
  return row;
}

/** \`exhaustive.ts\`: the operations that declare an \`exhaustive\` query parameter. */
function renderExhaustive(ops: OperationInfo[]): string {
  const exhaustive = ops
    .filter((op) => op.queryParams.some((q) => q.name === 'exhaustive'))
    .map((op) => `${op.method} ${op.path}`);
  return `${doNotEditHeader(GENERATOR)}
/** \`get /path\` keys of the operations that declare an \`exhaustive\` query parameter. */
export const EXHAUSTIVE_OPERATIONS: readonly string[] = ${JSON.stringify(exhaustive)};
`;
}

function renderOperations(ops: OperationInfo[]): string {
  const rows = ops.map((op) => JSON.stringify(compactRow(op)));
  return `${doNotEditHeader(GENERATOR)}
import { buildOperationTable } from '../operation-rows.js';
import type { OperationTable } from './operation-types.js';

export type {
  HttpMethod,
  OperationId,
  OperationInfo,
  OperationTable,
  QueryParamInfo,
} from './operation-types.js';

/** Every operation of the spec by operationId: method, path, parameters, body and response kinds. */
export const operationTable: OperationTable = /* @__PURE__ */ buildOperationTable(
  ${renderString('[' + rows.join(',') + ']')},
);
`;
}

/** \`format: binary\` strings become \`Blob\` (uploads take a Blob/File; \`parseAs: 'blob'\` yields one). */
function transform(schema: SchemaObject, _options: TransformNodeOptions): ts.TypeNode | undefined {
  if (!isObject(schema) || schema.format !== 'binary') return undefined;
  const type = (schema as Json).type;
  const isString = type === 'string' || (Array.isArray(type) && type.includes('string'));
  if (!isString) return undefined;
  const blob = ts.factory.createTypeReferenceNode('Blob');
  if (Array.isArray(type) && type.includes('null')) {
    return ts.factory.createUnionTypeNode([
      blob,
      ts.factory.createLiteralTypeNode(ts.factory.createNull()),
    ]);
  }
  return blob;
}

export async function generateApi(spec: object): Promise<GeneratedFiles> {
  // openapi-typescript may annotate the object it is given; work on a copy.
  const copy = JSON.parse(JSON.stringify(spec)) as OpenAPI3;
  const ast = await openapiTS(copy, { emptyObjectsUnknown: true, transform, silent: true });
  const schema = `${doNotEditHeader(GENERATOR)}\n${astToString(ast)}`;
  const table = buildOperationTable(spec);
  return {
    [SCHEMA_PATH]: schema,
    [OPERATIONS_PATH]: renderOperations(table),
    [OPERATION_TYPES_PATH]: renderOperationTypes(table),
    [EXHAUSTIVE_PATH]: renderExhaustive(table),
  };
}
