/**
 * `@fw/sdk` generator: one camelCase client method per spec operation, plus the helper twins
 * the Python SDK derives from vendor extensions, written to `packages/sdk/src/generated/methods.ts`.
 *
 * Rules (see docs/ARCHITECTURE.md and packages/sdk/README.md):
 * - name: camelCase of the operationId (`get_project` → `getProject`);
 * - arguments: required path parameters in path order, then the body (JSON object, or the
 *   file(s) of a multipart upload), then an options object with the query parameters (wire
 *   names) and per-call options;
 * - return: the id for create calls (`x-fw-return` on the response schema), SDK objects when the
 *   response schema (or its array items) carries `x-fw-model`, typed JSON otherwise, `void` for
 *   no content;
 * - `x-fw-download: { urlOp, zipInfoOp }` on a download: `<op>(…, dest)` streams to a path or a
 *   WritableStream, `<op>AsData(…)` returns the bytes, `<urlOp>(…)` a ticket URL and
 *   `<zipInfoOp>(…)` the zip listing; any other binary operation gets the stream/AsData pair;
 * - `x-fw-modify-info`: `set…`, `replace…`, `delete…Fields` wrappers of `modify_…_info`, sending
 *   `{set}`, `{replace}`, `{delete}` (a wrapper whose name is a real operationId is left out);
 * - `x-fw-modify-classification`: `set…`, `replace…`, `delete…Fields` wrappers, sending
 *   `{add}`, `{replace}`, `{delete}`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { doNotEditHeader, repoRoot, type GeneratedFiles } from './lib/generated.ts';

export const SDK_METHODS_PATH = 'packages/sdk/src/generated/methods.ts';

type Json = Record<string, any>;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/** `get_project_file_zip_info` → `getProjectFileZipInfo`. */
export function camelCase(name: string): string {
  const parts = name.split(/[_\-\s]+/).filter(Boolean);
  return parts
    .map((p, i) =>
      i === 0 ? p.charAt(0).toLowerCase() + p.slice(1) : p.charAt(0).toUpperCase() + p.slice(1),
    )
    .join('');
}

function refName(ref: unknown): string | undefined {
  return typeof ref === 'string' ? ref.split('/').pop() : undefined;
}

function resolve(spec: Json, node: any): any {
  let cur = node;
  for (let i = 0; cur && typeof cur.$ref === 'string' && i < 10; i++) {
    const path = (cur.$ref as string).replace(/^#\//, '').split('/');
    cur = path.reduce((o: any, k: string) => o?.[k], spec);
  }
  return cur;
}

/**
 * The `x-fw-model` of a schema, also through a one-element `allOf` refinement
 * (`ProjectNode = allOf[Project, {container_type}]`).
 */
function modelSchema(
  schemas: Json,
  name: string | undefined,
): { model: string; schema: string } | undefined {
  if (!name) return undefined;
  let target = schemas[name];
  // An alias (`Acquisition = $ref AcquisitionOutput`) answers like the schema it names.
  for (let i = 0; target && typeof target.$ref === 'string' && i < 5; i++) {
    name = refName(target.$ref)!;
    target = schemas[name];
  }
  if (!target) return undefined;
  if (typeof target['x-fw-model'] === 'string')
    return { model: target['x-fw-model'], schema: name };
  const refs = (target.allOf ?? []).map((p: any) => refName(p.$ref)).filter(Boolean) as string[];
  for (const r of refs) {
    if (typeof schemas[r]?.['x-fw-model'] === 'string')
      return { model: schemas[r]['x-fw-model'], schema: r };
  }
  return undefined;
}

/** What the SDK method should return for a JSON schema (by reference). */
interface ResultShape {
  /** TS type of the resolved value. */
  type: string;
  /** Runtime wrap instruction: model name for `wrapModel`, or '*' for "discriminate by container_type". */
  model?: string;
  /** Property to unwrap (`x-fw-return`). */
  unwrap?: string;
}

function resultShape(spec: Json, schema: any, opId: string): ResultShape {
  const json = `OpJson<'${opId}'>`;
  if (!schema) return { type: json };
  const schemas = spec.components?.schemas ?? {};
  const named = refName(schema.$ref);
  if (named) {
    const target = schemas[named] ?? {};
    if (typeof target['x-fw-return'] === 'string') {
      const prop = target['x-fw-return'];
      return { type: `NonNullable<OpJson<'${opId}'>>['${prop}']`, unwrap: prop };
    }
    const direct = modelSchema(schemas, named);
    if (direct)
      return { type: `ModelOf<'${direct.model}', '${direct.schema}'>`, model: direct.model };
    const variants = (target.oneOf ?? target.anyOf) as any[] | undefined;
    if (Array.isArray(variants) && variants.length > 0) {
      const models = variants.map((v) => {
        const found = modelSchema(schemas, refName(v.$ref));
        return found ? `ModelOf<'${found.model}', '${found.schema}'>` : undefined;
      });
      if (models.every((m) => m !== undefined)) return { type: models.join(' | '), model: '*' };
    }
    return { type: json };
  }
  // An inline union of models (`get_container`: anyOf the `<Type>ContainerOutput` aliases).
  const inline = (schema.oneOf ?? schema.anyOf) as any[] | undefined;
  if (Array.isArray(inline) && inline.length > 0 && inline.every((v) => refName(v.$ref))) {
    const found = inline.map((v) => modelSchema(schemas, refName(v.$ref)));
    if (found.every((f) => f !== undefined)) {
      const names = new Set(found.map((f) => f!.model));
      return {
        type: found.map((f) => `ModelOf<'${f!.model}', '${f!.schema}'>`).join(' | '),
        // one model (`get_analysis`: AnalysisOutput | AnalysisOutputInflatedJob) wraps as it;
        // several are told apart by `container_type`
        model: names.size === 1 ? [...names][0]! : '*',
      };
    }
  }
  if (schema.type === 'array' && schema.items) {
    const inner = resultShape(spec, schema.items, opId);
    if (inner.model) return { type: `(${inner.type})[]`, model: inner.model };
  }
  return { type: json };
}

/**
 * A list operation (`x-fw-list: <Schema>`): an array of the SDK model that schema carries in
 * `x-fw-model`, or of plain typed items when it carries none.
 */
function listShape(spec: Json, schemaName: string, opId: string): ResultShape {
  const schemas = spec.components?.schemas ?? {};
  const found = modelSchema(schemas, schemaName);
  if (!found) return { type: `Extract<OpJson<'${opId}'>, unknown[]>` };
  return { type: `ModelOf<'${found.model}', '${schemaName}'>[]`, model: found.model };
}

/** The `x-sdk-positional` property of a JSON request body schema, if any. */
function positionalOf(spec: Json, content: Json): string | undefined {
  const schema = resolve(spec, content['application/json']?.schema);
  const prop = schema?.['x-sdk-positional'];
  return typeof prop === 'string' ? prop : undefined;
}

interface ParamInfo {
  name: string;
  in: string;
  required: boolean;
  hasDefault: boolean;
}

interface OpModel {
  id: string;
  method: string;
  path: string;
  summary: string;
  pathParams: string[];
  queryRequired: boolean;
  body: 'json' | 'multipart' | null;
  bodyRequired: boolean;
  /** `x-sdk-positional: <prop>` on the body schema: a bare value is wrapped as `{ <prop>: value }`. */
  positional?: string;
  response: 'json' | 'binary' | 'empty';
  result: ResultShape;
  /** The JSON schema of the first 2xx answer, and how many 2xx codes answer JSON. */
  jsonSchema: any;
  jsonCodes: number;
  ext: Json;
}

function collectOps(spec: Json): OpModel[] {
  const ops: OpModel[] = [];
  for (const [path, item] of Object.entries<Json>(spec.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op?.operationId) continue;
      const params: ParamInfo[] = [...(item.parameters ?? []), ...(op.parameters ?? [])]
        .map((p: any) => resolve(spec, p))
        .filter(Boolean)
        .map((p: any) => ({
          name: p.name,
          in: p.in,
          required: !!p.required,
          hasDefault: p['x-sdk-default'] !== undefined,
        }));
      const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      const rb = op.requestBody ? resolve(spec, op.requestBody) : undefined;
      const content = rb?.content ?? {};
      const body = content['multipart/form-data']
        ? 'multipart'
        : content['application/json']
          ? 'json'
          : null;
      const codes = Object.keys(op.responses ?? {})
        .filter((c) => /^2\d\d$/.test(c))
        .sort();
      const first = codes[0] ? resolve(spec, op.responses[codes[0]]) : undefined;
      const rc = first?.content ?? {};
      const jsonSchema = rc['application/json']?.schema;
      const otherTypes = Object.keys(rc).filter((t) => t !== 'application/json');
      const response: OpModel['response'] =
        op['x-fw-download'] || (otherTypes.length > 0 && !jsonSchema)
          ? 'binary'
          : jsonSchema
            ? 'json'
            : otherTypes.length > 0
              ? 'binary'
              : 'empty';
      ops.push({
        id: op.operationId,
        method,
        path,
        summary: String(op.summary ?? '').replace(/\*\//g, '*\\/'),
        pathParams,
        queryRequired: params.some((p) => p.in === 'query' && p.required && !p.hasDefault),
        body,
        bodyRequired: !!rb?.required,
        ...(positionalOf(spec, content) ? { positional: positionalOf(spec, content)! } : {}),
        response,
        result:
          response !== 'json'
            ? { type: 'void' }
            : typeof op['x-fw-list'] === 'string'
              ? listShape(spec, op['x-fw-list'], op.operationId)
              : resultShape(spec, jsonSchema, op.operationId),
        jsonSchema,
        jsonCodes: codes.filter((c) => {
          const r = resolve(spec, op.responses[c]);
          return r?.content?.['application/json'] !== undefined;
        }).length,
        ext: op,
      });
    }
  }
  return ops.sort((a, b) => a.id.localeCompare(b.id));
}

function paramDecl(names: string[]): { decl: string[] } {
  return { decl: names.map((n) => `${camelCase(n)}: string`) };
}

/** `get_project` → `GetProject` (for the names of the generated type aliases). */
function pascal(name: string): string {
  const c = camelCase(name);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

/** The runtime's `camelCase` (`client/core.ts`), to tell when a table row must spell the name. */
function runtimeCamel(name: string): string {
  const camel = name.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
  return camel.charAt(0).toLowerCase() + camel.slice(1);
}

/**
 * The SDK's classes, read from `packages/sdk/src/models/types.ts` (`Models` by `x-fw-model`
 * name, `ListModels` by response schema), so that a generated signature names the class
 * (`Promise<Session>`) instead of the `ModelOf<…>` that computes it.
 */
export interface ModelNames {
  models: ReadonlyMap<string, string>;
  listModels: ReadonlyMap<string, string>;
}

export function parseModelNames(typesSource: string): ModelNames {
  const block = (name: string): Map<string, string> => {
    const m = new RegExp(`export interface ${name} \\{([^}]*)\\}`).exec(typesSource);
    if (!m) throw new Error(`gen-sdk: models/types.ts has no interface ${name}`);
    return new Map([...m[1]!.matchAll(/^\s*(\w+): (\w+);/gm)].map((e) => [e[1]!, e[2]!]));
  };
  return { models: block('Models'), listModels: block('ListModels') };
}

/**
 * Named types for the signatures: what each `ModelOf<…>`/`OpJson<…>` in a result, and each
 * operation's options and body, is called in `generated/types.ts`. Hovers then read
 * `Promise<Session>`, `Promise<Note>`, `options?: GetSessionOptions`.
 */
class TypeNames {
  /** alias name → its definition (emitted to types.ts). */
  readonly aliases = new Map<string, string>();
  /** class names the signatures use (imported from the models). */
  readonly classes = new Set<string>();
  constructor(
    private readonly spec: Json,
    private readonly names: ModelNames,
  ) {}

  private alias(name: string, definition: string): string {
    const had = this.aliases.get(name);
    if (had !== undefined && had !== definition) {
      throw new Error(`gen-sdk: two types want the name ${name}: ${had} and ${definition}`);
    }
    this.aliases.set(name, definition);
    return name;
  }

  /** `ModelOf<'M', 'S'>` by its name: the list class, the class, or an alias of the data type. */
  model(model: string, schema: string): string {
    const listed = this.names.listModels.get(schema);
    const cls = listed ?? this.names.models.get(model);
    if (cls) {
      this.classes.add(cls);
      return cls;
    }
    return this.alias(schema, `WithDates<Schemas['${schema}']>`);
  }

  /** The JSON answer of `op` (`OpJson<'op'>`), by the schema's name when it is a plain reference. */
  json(op: OpModel): string {
    const schema = op.jsonSchema;
    const named = refName(schema?.$ref);
    const codes = op.jsonCodes;
    if (named && codes === 1 && !this.names.models.has(named) && !this.names.listModels.has(named))
      return this.alias(named, `Schemas['${named}']`);
    const items = schema?.type === 'array' ? refName(schema.items?.$ref) : undefined;
    if (items && codes === 1 && !this.names.models.has(items) && !this.names.listModels.has(items))
      return `${this.alias(items, `Schemas['${items}']`)}[]`;
    return this.alias(`${pascal(op.id)}Result`, `OpJson<'${op.id}'>`);
  }

  /** The unwrapped `x-fw-return` property of the answer. */
  unwrapped(op: OpModel, prop: string): string {
    const target = resolve(this.spec, op.jsonSchema);
    const type = resolve(this.spec, target?.properties?.[prop])?.type;
    if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean')
      return type === 'integer' ? 'number' : type;
    return this.alias(`${pascal(op.id)}Result`, `NonNullable<OpJson<'${op.id}'>>['${prop}']`);
  }

  /** Options of an operation: its query parameters and the call options. */
  options(op: OpModel, extra = ''): string {
    const suffix = extra ? 'UploadOptions' : 'Options';
    return this.alias(`${pascal(op.id)}${suffix}`, `OpQuery<'${op.id}'>${extra} & CallOptions`);
  }

  /** The body parameter; with \`x-sdk-positional\` the bare value is part of the same name. */
  body(op: OpModel): string {
    const body = `BodyOf<'${op.id}'>`;
    const type = op.positional ? `${body} | ${body}['${op.positional}']` : body;
    return this.alias(`${pascal(op.id)}Body`, type);
  }

  query(op: OpModel): string {
    return this.alias(`${pascal(op.id)}Query`, `OpQuery<'${op.id}'>`);
  }

  /** The type text of a result shape (its `ModelOf`/`OpJson` parts by name). */
  result(op: OpModel): string {
    const r = op.result;
    if (r.type === 'void') return 'void';
    if (r.unwrap) return this.unwrapped(op, r.unwrap);
    if (r.type.includes('ModelOf<')) {
      return r.type.replace(/ModelOf<'([^']+)', '([^']+)'>/g, (_, m: string, sc: string) =>
        this.model(m, sc),
      );
    }
    if (r.type.startsWith('Extract<')) return this.alias(`${pascal(op.id)}Result`, r.type);
    return this.json(op);
  }
}

function optionsDecl(op: OpModel, type: string): string {
  return op.queryRequired ? `options: ${type}` : `options?: ${type}`;
}

function doc(lines: string[]): string {
  return `  /**\n${lines.map((l) => `   * ${l}`.trimEnd()).join('\n')}\n   */`;
}

/**
 * One method: its typed signature (for the `GeneratedMethods` interface, type-only) and its row
 * in the run-time table (see `client/install.ts`): `kind,op,pathCount[,fields]`.
 */
interface Emitted {
  signatures: string[];
  rows: string[];
}

/** A table row; trailing empty fields are dropped. The method name is left out when it is the operationId's camelCase. */
function row(kind: string, name: string, op: OpModel, fields: (string | undefined)[]): string {
  const cells = [
    kind,
    op.id,
    String(op.pathParams.length),
    name === runtimeCamel(op.id) ? '' : name,
    ...fields.map((f) => f ?? ''),
  ];
  for (const c of cells)
    if (/[,;]/.test(c)) throw new Error(`gen-sdk: "${c}" cannot go in the method table`);
  while (cells.length > 3 && cells[cells.length - 1] === '') cells.pop();
  return cells.join(',');
}

function emitOp(op: OpModel, types: TypeNames, taken: ReadonlySet<string> = new Set()): Emitted {
  const out: string[] = [];
  const rows: string[] = [];
  const name = camelCase(op.id);
  const where = `\`${op.method.toUpperCase()} ${op.path}\` (\`${op.id}\`)`;
  const { decl } = paramDecl(op.pathParams);

  if (op.response === 'binary') {
    const dl = op.ext['x-fw-download'] as Json | undefined;
    const query = types.query(op);
    out.push(
      doc([
        `${op.summary}: stream the bytes to \`dest\` (a file path on Node, or a WritableStream).`,
        where,
      ]),
      `  ${name}(${[...decl, 'dest: DownloadDestination', `options?: DownloadOptions & ${query}`].join(', ')}): Promise<void>;`,
      doc([`${op.summary}: the bytes, in memory.`, where]),
      `  ${name}AsData(${[...decl, `options?: ReadOptions & ${query}`].join(', ')}): Promise<Uint8Array>;`,
    );
    rows.push(row('d', name, op, []));
    if (dl && typeof dl['urlOp'] === 'string') {
      const urlName = camelCase(dl['urlOp']);
      out.push(
        doc([
          `A one-time URL that downloads this file without an API key (ticket flow of ${where}).`,
        ]),
        `  ${urlName}(${[...decl, 'options?: CallOptions'].join(', ')}): Promise<string>;`,
      );
      rows.push(row('t', urlName, op, []));
    }
    if (dl && typeof dl['zipInfoOp'] === 'string') {
      const zipName = camelCase(dl['zipInfoOp']);
      out.push(
        doc([`The member listing of a zip file (\`info=true\` on ${where}).`]),
        `  ${zipName}(${[...decl, 'options?: CallOptions'].join(', ')}): Promise<FileZipInfo>;`,
      );
      rows.push(row('z', zipName, op, []));
    }
    return { signatures: out, rows };
  }

  const ret = op.response === 'empty' ? 'void' : types.result(op);

  if (op.body === 'multipart') {
    // Container file and analysis output uploads answer the saved files whichever flow ran
    // (signed-URL tickets are closed by the SDK itself): FileEntry objects.
    const savesFiles =
      /^upload_file_to_[a-z]+$/.test(op.id) || /^upload_output_to_([a-z]+_)?analysis$/.test(op.id);
    const uploadRet = savesFiles ? `${types.model('FileEntry', 'FileOutput')}[]` : ret;
    const model = savesFiles ? 'FileEntry' : op.result.model;
    out.push(
      doc([
        `${op.summary}. \`file\`: a FileSpec or a local path (Node), or several where the API accepts them.`,
        where,
      ]),
      `  ${name}(${[...decl, 'file: UploadInput | UploadInput[]', optionsDecl(op, types.options(op, ' & UploadOptions'))].join(', ')}): Promise<${uploadRet}>;`,
    );
    rows.push(row('u', name, op, [model]));
    return { signatures: out, rows };
  }

  const body = op.body === 'json' ? types.body(op) : undefined;
  const bodyDecl = body ? [`body${op.bodyRequired ? '' : '?'}: ${body}`] : [];
  out.push(
    doc([`${op.summary}.`, where]),
    `  ${name}(${[...decl, ...bodyDecl, optionsDecl(op, types.options(op))].join(
      ', ',
    )}): Promise<${ret}>;`,
  );
  rows.push(row(body ? 'b' : 'j', name, op, [op.result.model, op.result.unwrap, op.positional]));

  const wrappers: [string, string, string][] = [];
  if (op.ext['x-fw-modify-info'] && op.id.startsWith('modify_')) {
    const base = op.id.slice('modify_'.length);
    wrappers.push(
      [`set_${base}`, 'set', 'Record<string, unknown>'],
      [`replace_${base}`, 'replace', 'Record<string, unknown>'],
      [`delete_${base}_fields`, 'delete', 'string[]'],
    );
  }
  if (op.ext['x-fw-modify-classification'] && op.id.startsWith('modify_')) {
    const base = op.id.slice('modify_'.length);
    wrappers.push(
      [`set_${base}`, 'add', 'Classification'],
      [`replace_${base}`, 'replace', 'Classification'],
      [`delete_${base}_fields`, 'delete', 'Classification'],
    );
  }
  for (const [wname, key, type] of wrappers) {
    // A real operation of the same name wins (v21 has `replace_file_info`, a PUT of its own).
    if (taken.has(wname)) continue;
    out.push(
      doc([`Sends \`{ ${key}: body }\` to ${where}.`]),
      `  ${camelCase(wname)}(${[...decl, `body: ${type}`, 'options?: CallOptions'].join(', ')}): Promise<${ret}>;`,
    );
    rows.push(row('w', camelCase(wname), op, [op.result.model, op.result.unwrap, key]));
  }
  return { signatures: out, rows };
}

export const SDK_TYPES_PATH = 'packages/sdk/src/generated/types.ts';

/** Render `methods.ts` and `types.ts` for a bundled spec. */
export function renderSdk(spec: Json, names: ModelNames): { methods: string; types: string } {
  const ops = collectOps(spec);
  const taken = new Set(ops.map((o) => o.id));
  const types = new TypeNames(spec, names);
  const emitted = ops.map((o) => emitOp(o, types, taken));
  const signatures = emitted.flatMap((e) => e.signatures);
  const rows = emitted.flatMap((e) => e.rows);
  const aliasNames = [...types.aliases.keys()].sort();
  const classes = [...types.classes].sort();
  const methods = [
    doNotEditHeader('tools/gen-sdk.ts'),
    `import type { Classification, FileZipInfo, UploadInput } from '../client/op-types.js';`,
    `import type { DownloadDestination, DownloadOptions, ReadOptions } from '../client/platform.js';`,
    `import type { CallOptions } from '../client/op-types.js';`,
    `import type { ${classes.join(', ')} } from '../index.js';`,
    `import type {`,
    ...aliasNames.map((n) => `  ${n},`),
    `} from './types.js';`,
    `import { ClientCore } from '../client/core.js';`,
    `import { installMethods } from '../client/install.js';`,
    ``,
    `/**`,
    ` * One method per API operation (${ops.length} operations). \`Client\` extends this class. The`,
    ` * signatures below are types only; the methods themselves are made from the table at the end`,
    ` * (\`client/install.ts\`), a few kB instead of a function body per method.`,
    ` */`,
    `export interface GeneratedMethods {`,
    ...signatures,
    `}`,
    ``,
    `// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging`,
    `export abstract class GeneratedMethods extends ClientCore {}`,
    ``,
    `installMethods(`,
    `  GeneratedMethods.prototype,`,
    `  '${rows.join(';')}',`,
    `);`,
    ``,
    `/** operationIds with a generated method. */`,
    `export const GENERATED_OPERATIONS: readonly string[] = ${JSON.stringify(ops.map((o) => o.id))};`,
    ``,
  ].join('\n');
  const typesFile = [
    doNotEditHeader('tools/gen-sdk.ts'),
    `// Named types of the generated methods' results, bodies and options: types only, no code.`,
    `import type { BodyOf, CallOptions, OpJson, OpQuery, Schemas, UploadOptions } from '../client/op-types.js';`,
    `import type { WithDates } from '../models/dates.js';`,
    ``,
    ...aliasNames.map((n) => `export type ${n} = ${types.aliases.get(n)};`),
    ``,
  ].join('\n');
  return { methods, types: typesFile };
}

/** Render `methods.ts` for a bundled spec (the class names read from the SDK's models). */
export function renderSdkMethods(spec: Json, names: ModelNames = readModelNames()): string {
  return renderSdk(spec, names).methods;
}

export function readModelNames(): ModelNames {
  return parseModelNames(readFileSync(join(repoRoot, 'packages/sdk/src/models/types.ts'), 'utf8'));
}

export async function generateSdk(spec: object): Promise<GeneratedFiles> {
  const { methods, types } = renderSdk(spec as Json, readModelNames());
  return { [SDK_METHODS_PATH]: methods, [SDK_TYPES_PATH]: types };
}
