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
import { doNotEditHeader, type GeneratedFiles } from './lib/generated.ts';

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
        ext: op,
      });
    }
  }
  return ops.sort((a, b) => a.id.localeCompare(b.id));
}

function paramDecl(names: string[]): { decl: string[]; args: string } {
  const ids = names.map((n) => camelCase(n));
  return { decl: ids.map((i) => `${i}: string`), args: `[${ids.join(', ')}]` };
}

function optionsDecl(op: OpModel, extra = ''): string {
  const q = `OpQuery<'${op.id}'>${extra}`;
  return op.queryRequired ? `options: ${q} & CallOptions` : `options?: ${q} & CallOptions`;
}

function doc(lines: string[]): string {
  return `  /**\n${lines.map((l) => `   * ${l}`.trimEnd()).join('\n')}\n   */`;
}

function emitOp(op: OpModel, taken: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  const name = camelCase(op.id);
  const where = `\`${op.method.toUpperCase()} ${op.path}\` (\`${op.id}\`)`;
  const { decl, args } = paramDecl(op.pathParams);

  if (op.response === 'binary') {
    const dl = op.ext['x-fw-download'] as Json | undefined;
    out.push(
      doc([
        `${op.summary}: stream the bytes to \`dest\` (a file path on Node, or a WritableStream).`,
        where,
      ]),
      `  ${name}(${[...decl, 'dest: DownloadDestination', `options?: DownloadOptions & OpQuery<'${op.id}'>`].join(', ')}): Promise<void> {`,
      `    return this._download('${op.id}', ${args}, dest, options);`,
      `  }`,
      doc([`${op.summary}: the bytes, in memory.`, where]),
      `  ${name}AsData(${[...decl, `options?: ReadOptions & OpQuery<'${op.id}'>`].join(', ')}): Promise<Uint8Array> {`,
      `    return this._readBytes('${op.id}', ${args}, options);`,
      `  }`,
    );
    if (dl && typeof dl['urlOp'] === 'string') {
      out.push(
        doc([
          `A one-time URL that downloads this file without an API key (ticket flow of ${where}).`,
        ]),
        `  ${camelCase(dl['urlOp'])}(${[...decl, 'options?: CallOptions'].join(', ')}): Promise<string> {`,
        `    return this._ticketUrl('${op.id}', ${args}, options);`,
        `  }`,
      );
    }
    if (dl && typeof dl['zipInfoOp'] === 'string') {
      out.push(
        doc([`The member listing of a zip file (\`info=true\` on ${where}).`]),
        `  ${camelCase(dl['zipInfoOp'])}(${[...decl, 'options?: CallOptions'].join(', ')}): Promise<FileZipInfo> {`,
        `    return this._invoke({ op: '${op.id}', path: ${args}, query: { ...options, info: true } }) as Promise<FileZipInfo>;`,
        `  }`,
      );
    }
    return out;
  }

  const ret = op.response === 'empty' ? 'void' : op.result.type;
  const extras: string[] = [];
  if (op.result.model) extras.push(`model: '${op.result.model}'`);
  if (op.result.unwrap) extras.push(`unwrap: '${op.result.unwrap}'`);
  const extra = extras.length ? `, ${extras.join(', ')}` : '';

  if (op.body === 'multipart') {
    // Container file and analysis output uploads answer the saved files whichever flow ran
    // (signed-URL tickets are closed by the SDK itself): FileEntry objects.
    const savesFiles =
      /^upload_file_to_[a-z]+$/.test(op.id) || /^upload_output_to_([a-z]+_)?analysis$/.test(op.id);
    const uploadRet = savesFiles ? `ModelOf<'FileEntry', 'FileOutput'>[]` : ret;
    const uploadExtra = savesFiles ? `, model: 'FileEntry'` : extra;
    out.push(
      doc([
        `${op.summary}. \`file\`: a FileSpec or a local path (Node), or several where the API accepts them.`,
        where,
      ]),
      `  ${name}(${[...decl, 'file: UploadInput | UploadInput[]', optionsDecl(op, ' & UploadOptions')].join(', ')}): Promise<${uploadRet}> {`,
      `    return this._upload({ op: '${op.id}', path: ${args}, file, query: options${uploadExtra} }) as Promise<${uploadRet}>;`,
      `  }`,
    );
    return out;
  }

  const bodyType = op.positional
    ? `BodyOf<'${op.id}'> | BodyOf<'${op.id}'>['${op.positional}']`
    : `BodyOf<'${op.id}'>`;
  const bodyDecl = op.body === 'json' ? [`body${op.bodyRequired ? '' : '?'}: ${bodyType}`] : [];
  const positional = op.positional ? `, positional: '${op.positional}'` : '';
  out.push(
    doc([`${op.summary}.`, where]),
    `  ${name}(${[...decl, ...bodyDecl, optionsDecl(op)].join(', ')}): Promise<${ret}> {`,
    `    return this._invoke({ op: '${op.id}', path: ${args}${op.body === 'json' ? ', body' : ''}, query: options${extra}${positional} }) as Promise<${ret}>;`,
    `  }`,
  );

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
      `  ${camelCase(wname)}(${[...decl, `body: ${type}`, 'options?: CallOptions'].join(', ')}): Promise<${ret}> {`,
      `    return this._invoke({ op: '${op.id}', path: ${args}, body: { ${key}: body }, query: options${extra} }) as Promise<${ret}>;`,
      `  }`,
    );
  }
  return out;
}

/** Render `methods.ts` for a bundled spec. */
export function renderSdkMethods(spec: Json): string {
  const ops = collectOps(spec);
  const taken = new Set(ops.map((o) => o.id));
  const body = ops.flatMap((o) => emitOp(o, taken));
  return [
    doNotEditHeader('tools/gen-sdk.ts'),
    `import type { BodyOf, CallOptions, Classification, FileZipInfo, ModelOf, OpJson, OpQuery, UploadInput, UploadOptions } from '../client/op-types.js';`,
    `import type { DownloadDestination, DownloadOptions, ReadOptions } from '../client/platform.js';`,
    `import { ClientCore } from '../client/core.js';`,
    ``,
    `/** One method per API operation (${ops.length} operations). \`Client\` extends this class. */`,
    `export abstract class GeneratedMethods extends ClientCore {`,
    ...body,
    `}`,
    ``,
    `/** operationIds with a generated method. */`,
    `export const GENERATED_OPERATIONS = [`,
    ...ops.map((o) => `  '${o.id}',`),
    `] as const;`,
    ``,
  ].join('\n');
}

export async function generateSdk(spec: object): Promise<GeneratedFiles> {
  return { [SDK_METHODS_PATH]: renderSdkMethods(spec as Json) };
}
