import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Response conformance: every response a test receives is checked against the bundled
 * OpenAPI document (operation by method + path template, response by status, schema by
 * content type). A mismatch throws, failing the test that made the request.
 */
const SPEC_PATH = fileURLToPath(
  new URL('../../../../openapi/flywheel.openapi.json', import.meta.url),
);
type AnyObj = Record<string, any>;
const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as AnyObj;

// CJS/ESM interop: the classes may sit on `.default` depending on the loader
type AjvInstance = {
  addFormat(n: string, f: boolean): void;
  addSchema(s: object, k: string): void;
  getSchema(k: string):
    | (((d: unknown) => boolean) & {
        errors?: { instancePath: string; message?: string; params: object }[] | null;
      })
    | undefined;
};
const AjvCtor = ((Ajv2020 as unknown as { default?: unknown }).default ?? Ajv2020) as new (
  o: object,
) => AjvInstance;
const ajv = new AjvCtor({ strict: false, allErrors: true, validateFormats: true });
(((addFormats as unknown as { default?: unknown }).default ?? addFormats) as (a: unknown) => void)(
  ajv,
);
ajv.addFormat('binary', true);
ajv.addFormat('byte', true);
ajv.addSchema(spec, 'openapi.json');

interface Route {
  re: RegExp;
  template: string;
  params: number;
}
const routes: Route[] = Object.keys(spec.paths as AnyObj)
  .map((template) => {
    let params = 0;
    const re = template
      .replace(/[.*+?^${}()|[\]\\]/g, (ch) => (ch === '{' || ch === '}' ? ch : `\\${ch}`))
      .replace(/\{([^}]+)\}/g, (_m, name: string) => {
        params++;
        return /^file_?name$/i.test(name) ? '(.+)' : '([^/]+)';
      });
    return { re: new RegExp(`^${re}$`), template, params };
  })
  .sort((a, b) => a.params - b.params || b.template.length - a.template.length);

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function deref(obj: AnyObj): AnyObj {
  let cur = obj;
  while (cur && typeof cur.$ref === 'string') {
    const path = (cur.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    cur = path.reduce((o: AnyObj, k) => o?.[k], spec);
  }
  return cur;
}

/** Find the operation for a request; `null` when the spec has no such path/method. */
export function findOperation(
  method: string,
  apiPath: string,
): { template: string; op: AnyObj } | null {
  for (const r of routes) {
    if (!r.re.test(apiPath)) continue;
    const op = (spec.paths[r.template] as AnyObj)[method.toLowerCase()];
    if (op) return { template: r.template, op };
  }
  return null;
}

/**
 * Validate one response. `body` is the parsed JSON (for JSON responses) or undefined.
 * Throws an Error describing the mismatch.
 */
export function checkResponse(
  method: string,
  apiPath: string,
  status: number,
  contentType: string | null,
  body: unknown,
  query: URLSearchParams = new URLSearchParams(),
): void {
  const found = findOperation(method, apiPath);
  if (!found && (status === 404 || status === 405)) {
    // unknown routes: no operation to check, but the body must still be the standard error
    const validate = ajv.getSchema('openapi.json#/components/schemas/ErrorResponse')!;
    if (!validate(body))
      throw new Error(
        `spec conformance: unknown-route ${status} is not an ErrorResponse: ${JSON.stringify(body)}`,
      );
    return;
  }
  if (!found)
    throw new Error(`spec conformance: no operation for ${method} ${apiPath} (status ${status})`);
  const { template, op } = found;
  const key = String(status) in op.responses ? String(status) : 'default';
  const resp = op.responses[key];
  if (!resp)
    throw new Error(`spec conformance: ${op.operationId} does not document status ${status}`);
  const response = deref(resp);
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const content = (response.content ?? {}) as AnyObj;
  if (Object.keys(content).length === 0) return; // spec declares no body
  const media =
    content[ct] ??
    Object.entries(content).find(([k]) => k.endsWith('/*') && ct.startsWith(k.slice(0, -1)))?.[1] ??
    content['*/*'];
  if (!media) {
    throw new Error(
      `spec conformance: ${op.operationId} ${status} answered ${ct}, spec allows ${Object.keys(content).join(', ')}`,
    );
  }
  if (ct !== 'application/json' || !media.schema) return;
  const ptr =
    typeof resp.$ref === 'string'
      ? `openapi.json${resp.$ref}/content/${pointer('application/json')}/schema`
      : `openapi.json#/${pointer('paths', template, method.toLowerCase(), 'responses', key, 'content', 'application/json', 'schema')}`;
  const validate = ajv.getSchema(ptr);
  if (!validate) throw new Error(`spec conformance: cannot compile schema ${ptr}`);
  if (!validate(body)) {
    const errs = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
      .join('; ');
    throw new Error(
      `spec conformance: ${op.operationId} ${status} body does not match the spec: ${errs}\nbody: ${JSON.stringify(body).slice(0, 600)}`,
    );
  }
}
