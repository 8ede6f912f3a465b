/**
 * The spec against the v21 operation tables (`../shared/reference/sdk-21/ops-*.tsv`, outside the
 * repo; the suite is skipped when they are absent): every reference method + path is present, and
 * per operation the query parameter names, the request body schemas and the response schemas
 * are the ones the tables name. The few places where the spec says something else on purpose are
 * listed in EXCEPTIONS with the reason.
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleSpec } from '../bundle-spec.ts';
import { operations, resolvePointer, type OpenApiDocument } from '../lib/spec-bundle.ts';
import { operationKey } from '../lib/spec-coverage.ts';
import { V21_DIR, readV21Operations, type V21Operation } from '../lib/reference-v21.ts';

/** operationId → which check is skipped, and why. */
const EXCEPTIONS: Record<string, { body?: string }> = {
  // The table types this body as a bare object; it is the same {set, replace, delete} edit as
  // every other info PATCH, so the spec uses the Info model.
  modify_file_info: { body: 'free-form object in the table; Info like the other info PATCHes' },
};

/** Names the tables use that are not schemas. */
const BUILTIN = new Set([
  'str',
  'int',
  'integer',
  'float',
  'bool',
  'boolean',
  'object',
  'datetime',
  'date',
  'list',
  'dict',
  'union',
  'None',
  'Page',
]);

function tableNames(type: string): string[] {
  const names = type.replace(/\*$/, '').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  return [...new Set(names.filter((n) => !BUILTIN.has(n)))].sort();
}

const present = existsSync(V21_DIR);

describe.skipIf(!present)('spec against the v21 tables', () => {
  let spec: OpenApiDocument;
  const rowsByKey = new Map<string, V21Operation[]>();
  beforeAll(async () => {
    spec = (await bundleSpec()).spec;
    for (const r of readV21Operations()) {
      const key = operationKey(r.method, r.path);
      rowsByKey.set(key, [...(rowsByKey.get(key) ?? []), r]);
    }
  });

  const schemas = () => spec.components.schemas as Record<string, any>;

  /** $ref names inside a schema; a generated page counts as its item, a list-item union as its variants. */
  function specNames(schema: unknown): string[] {
    const out = new Set<string>();
    const walk = (v: any): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        if (typeof v.$ref === 'string') {
          const name = v.$ref.split('/').pop() as string;
          const target = schemas()[name];
          if (typeof target?.['x-fw-page-of'] === 'string')
            walk({ $ref: `#/components/schemas/${target['x-fw-page-of']}` });
          else if (/ListItem$/.test(name) && Array.isArray(target?.oneOf ?? target?.anyOf))
            walk(target.oneOf ?? target.anyOf);
          else if (target?.properties?.['x-fw-page-of'] === undefined) out.add(name);
          return;
        }
        for (const x of Object.values(v)) walk(x);
      }
    };
    walk(schema);
    return [...out].sort();
  }

  const ours = () => {
    const m = new Map<string, { path: string; method: string; op: any; item: any }>();
    for (const o of operations(spec)) m.set(operationKey(o.method, o.path), o);
    return m;
  };

  it('has every reference method + path', () => {
    const mine = ours();
    const missing = [...rowsByKey.keys()].filter((k) => !mine.has(k));
    expect(missing).toEqual([]);
    expect(rowsByKey.size).toBeGreaterThanOrEqual(500);
    expect([...mine.keys()].filter((k) => !rowsByKey.has(k))).toEqual([]);
  });

  it('uses the reference operationIds (the download for a download triple)', () => {
    const mine = ours();
    for (const [key, rows] of rowsByKey) {
      const names = rows.map((r) => r.operation);
      const expected = names.find((n) => n.startsWith('download_')) ?? names[0];
      expect(mine.get(key)?.op.operationId, key).toBe(expected);
    }
  });

  it('has the query parameters of the tables, by wire name', () => {
    const mine = ours();
    for (const [key, rows] of rowsByKey) {
      const expected = new Set(rows.flatMap((r) => r.queryParams.map((p) => p.split(/[:=*]/)[0]!)));
      const { op, item } = mine.get(key)!;
      const got = new Set<string>();
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        const r: any = p.$ref ? resolvePointer(spec, p.$ref) : p;
        if (r.in === 'query') got.add(r.name);
      }
      expect([...got].sort(), key).toEqual([...expected].sort());
      const header = rows.some((r) => r.headerParams.some((h) => h.startsWith('x-accept-feature')));
      const hasHeader = (op.parameters ?? []).some(
        (p: any) => p.$ref === '#/components/parameters/XAcceptFeature',
      );
      if (header) expect(hasHeader, `${key}: X-Accept-Feature`).toBe(true);
    }
  });

  it('has the body and response schemas of the tables', () => {
    const mine = ours();
    for (const [key, rows] of rowsByKey) {
      const { op } = mine.get(key)!;
      const row = rows.find((r) => r.operation === op.operationId)!;
      const exception = EXCEPTIONS[op.operationId];
      const content = op.requestBody?.content ?? {};
      if (row.files || row.formFields) {
        expect(Object.keys(content), key).toEqual(['multipart/form-data']);
      } else if (!exception?.body) {
        const body = content['application/json']?.schema;
        const expected = op['x-fw-modify-info'] ? ['Info'] : tableNames(row.bodyType);
        expect(body ? specNames(body) : [], `${key}: body`).toEqual(expected);
        if (row.bodyType) expect(op.requestBody.required, key).toBe(row.bodyType.endsWith('*'));
      }
      const ok = Object.keys(op.responses).filter((c) => /^2/.test(c));
      const json = op.responses[ok[0]!]?.content?.['application/json']?.schema;
      expect(json ? specNames(json) : [], `${key}: response`).toEqual(tableNames(row.responseType));
      if (row.responseType === 'None') expect(json, key).toBeUndefined();
      expect(JSON.stringify(op)).not.toContain('"#/components/schemas/Page"');
    }
    expect(schemas().Page).toBeUndefined();
  });
});
