/**
 * Our own rules for the bundled spec (on top of OpenAPI validation by swagger-parser):
 * operationId + summary + tags on every operation, a 2xx response with a schema (binary counts)
 * or a 204 without content,
 * the shared default error response, the six pagination parameters on `x-fw-pagination` ops,
 * and well-formed `x-fw-download` extensions.
 */
import {
  ERROR_RESPONSE_REF,
  PAGINATION_PARAMS,
  operations,
  resolvePointer,
  type JsonObject,
  type OpenApiDocument,
} from './spec-bundle.ts';

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function deref(doc: OpenApiDocument, v: unknown): unknown {
  let cur = v;
  for (let i = 0; i < 10 && isObject(cur) && typeof cur.$ref === 'string'; i++)
    cur = resolvePointer(doc, cur.$ref);
  return cur;
}

/** Names of all query/header/path parameters of an operation (path-level included). */
export function parameterNames(
  doc: OpenApiDocument,
  op: JsonObject,
  item: JsonObject,
): Set<string> {
  const names = new Set<string>();
  for (const list of [item.parameters, op.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      const r = deref(doc, p);
      if (isObject(r) && typeof r.name === 'string') names.add(`${String(r.in)}:${r.name}`);
    }
  }
  return names;
}

export function lintSpec(doc: OpenApiDocument): string[] {
  const problems: string[] = [];
  const opIds = new Set<string>();
  for (const { path, method, op, item } of operations(doc)) {
    const where = `${method.toUpperCase()} ${path}${typeof op.operationId === 'string' ? ` (${op.operationId})` : ''}`;
    if (typeof op.operationId !== 'string' || !/^[a-z][a-z0-9_]*$/.test(op.operationId)) {
      problems.push(`${where}: operationId missing or not snake_case`);
    } else opIds.add(op.operationId);
    if (typeof op.summary !== 'string' || op.summary.trim() === '')
      problems.push(`${where}: no summary`);
    if (!Array.isArray(op.tags) || op.tags.length === 0) problems.push(`${where}: no tags`);
    const responses = isObject(op.responses) ? op.responses : {};
    const ok = Object.entries(responses).some(([code, r]) => {
      if (!/^2\d\d$/.test(code)) return false;
      const resp = deref(doc, r);
      // 204 is the one success that has no body by definition.
      if (code === '204') return isObject(resp) && resp.content === undefined;
      if (!isObject(resp) || !isObject(resp.content)) return false;
      return Object.values(resp.content).some((mt) => isObject(mt) && isObject(mt.schema));
    });
    if (!ok) problems.push(`${where}: no 2xx response with a schema (or a bare 204)`);
    const def = responses.default;
    if (!isObject(def) || def.$ref !== ERROR_RESPONSE_REF) {
      problems.push(`${where}: default response is not ${ERROR_RESPONSE_REF}`);
    }
    const params = parameterNames(doc, op, item);
    for (const m of path.matchAll(/\{([^}]+)\}/g)) {
      if (!params.has(`path:${m[1]}`))
        problems.push(`${where}: path parameter ${m[1]} is not declared`);
    }
    if (op['x-fw-pagination'] === true) {
      for (const name of PAGINATION_PARAMS) {
        if (!params.has(`query:${name}`))
          problems.push(`${where}: x-fw-pagination but no "${name}" query parameter`);
      }
    }
    const dl = op['x-fw-download'];
    if (dl !== undefined) {
      if (
        !isObject(dl) ||
        ['ticketOp', 'zipInfoOp', 'urlOp'].some((k) => typeof dl[k] !== 'string')
      ) {
        problems.push(`${where}: x-fw-download needs string ticketOp, zipInfoOp and urlOp`);
      }
      const r200 = deref(doc, responses['200']);
      const bin =
        isObject(r200) && isObject(r200.content)
          ? r200.content['application/octet-stream']
          : undefined;
      const schema = isObject(bin) ? deref(doc, bin.schema) : undefined;
      if (!isObject(schema) || schema.format !== 'binary') {
        problems.push(`${where}: x-fw-download op must answer application/octet-stream binary`);
      }
    }
  }
  const schemas = isObject(doc.components.schemas) ? doc.components.schemas : {};
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
    else if (isObject(v)) {
      if (
        v.type === 'object' &&
        !('properties' in v) &&
        !('additionalProperties' in v) &&
        !('oneOf' in v) &&
        !('allOf' in v) &&
        !('anyOf' in v)
      ) {
        problems.push(
          `${at}: bare "type: object" (use additionalProperties: true for free-form objects)`,
        );
      }
      for (const [k, x] of Object.entries(v)) {
        // A null value is almost always a YAML slip: an unquoted comma in a flow mapping.
        if (x === null && k !== 'default' && k !== 'const' && k !== 'example') {
          problems.push(`${at}/${k}: null value (quote text containing ", " in flow-style YAML)`);
        }
        walk(x, `${at}/${k}`);
      }
    }
  };
  walk(schemas, '#/components/schemas');
  walk(doc.paths, '#/paths');
  return problems;
}
