import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleSpec, SPEC_OUTPUT_PATH, SPEC_SOURCE_DIR } from '../bundle-spec.ts';
import { repoRoot } from '../lib/generated.ts';
import { operations, substitute, type OpenApiDocument } from '../lib/spec-bundle.ts';
import { lintSpec } from '../lib/spec-lint.ts';
import { compareSpecs } from '../lib/spec-coverage.ts';

let spec: OpenApiDocument;
let text: string;
const byId = new Map<string, { path: string; method: string; op: any }>();

beforeAll(async () => {
  const out = await bundleSpec();
  spec = out.spec;
  text = out.files[SPEC_OUTPUT_PATH]!;
  for (const { path, method, op } of operations(spec))
    byId.set(op.operationId as string, { path, method, op });
});

const schemas = () => spec.components.schemas as Record<string, any>;
const jsonSchema = (opId: string, code = '200') =>
  byId.get(opId)!.op.responses[code].content['application/json'].schema;

describe('bundled spec', () => {
  it('is valid OpenAPI 3.1 and passes our lint rules', async () => {
    await SwaggerParser.validate(structuredClone(spec) as never);
    expect(lintSpec(spec)).toEqual([]);
  });

  it('matches the committed file and is stable', async () => {
    expect(readFileSync(join(repoRoot, SPEC_OUTPUT_PATH), 'utf8')).toBe(text);
    expect((await bundleSpec()).files[SPEC_OUTPUT_PATH]).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
    expect((spec.info as any)['x-generated']).toMatch(/do not edit/);
  });

  it('has every family operation for every declared container type', () => {
    const containers = (
      parse(readFileSync(join(SPEC_SOURCE_DIR, 'containers.yaml'), 'utf8')) as any
    ).containers;
    const dir = join(SPEC_SOURCE_DIR, 'families');
    let checked = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
      const family = parse(readFileSync(join(dir, f), 'utf8'));
      for (const type of family.appliesTo as string[]) {
        const row = { type, ...containers[type] };
        for (const [p, item] of Object.entries<any>(family.paths)) {
          if (item['x-fw-only'] && !item['x-fw-only'].includes(type)) continue;
          const path = substitute(p, row, f);
          for (const [m, op] of Object.entries<any>(item)) {
            if (!op?.operationId) continue;
            const id = substitute(op.operationId as string, row, f);
            expect(byId.get(id), `${f}: ${id}`).toMatchObject({ path, method: m });
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('gives every operation the shared default error response and a typed 2xx', () => {
    for (const { op } of operations(spec)) {
      expect(op.responses).toHaveProperty('default', { $ref: '#/components/responses/Error' });
    }
    expect(schemas().ErrorResponse.required).toEqual(['message', 'status_code']);
  });

  it('discriminates resolver nodes by container_type', () => {
    const node = schemas().ResolverNode;
    expect(node.discriminator.propertyName).toBe('container_type');
    const mapping = node.discriminator.mapping as Record<string, string>;
    expect(Object.keys(mapping).sort()).toEqual([
      'acquisition',
      'analysis',
      'collection',
      'file',
      'gear',
      'group',
      'project',
      'session',
      'subject',
    ]);
    for (const [value, ref] of Object.entries(mapping)) {
      const variant = schemas()[ref.split('/').pop()!];
      const own = variant.allOf.find((s: any) => s.properties?.container_type);
      expect(own.properties.container_type.const).toBe(value);
      expect(own.required).toContain('container_type');
    }
    expect(jsonSchema('resolve_path').$ref).toBe('#/components/schemas/ResolverOutput');
  });

  it('sends limit=1000 by default on the five big finders only', () => {
    const withDefault = [...operations(spec)]
      .filter(({ op }) =>
        (op.parameters as any[] | undefined)?.some(
          (p) => p.name === 'limit' && p['x-sdk-default'] === 1000,
        ),
      )
      .map(({ op }) => op.operationId)
      .sort();
    expect(withDefault).toEqual([
      'get_all_acquisitions',
      'get_all_jobs',
      'get_all_projects',
      'get_all_sessions',
      'get_all_subjects',
    ]);
  });

  it('types lists as array or page and mutations with real results', () => {
    expect(jsonSchema('get_all_projects').oneOf[1].$ref).toBe('#/components/schemas/ProjectPage');
    expect(jsonSchema('add_project').$ref).toBe('#/components/schemas/CreatedId');
    expect(schemas().CreatedId['x-fw-return']).toBe('_id');
    expect(jsonSchema('modify_session').$ref).toBe('#/components/schemas/ModifiedResult');
    expect(jsonSchema('delete_acquisition').$ref).toBe('#/components/schemas/DeletedResult');
    expect(jsonSchema('modify_project_file_classification').$ref).toBe(
      '#/components/schemas/FileModifiedResult',
    );
    expect(jsonSchema('upload_file_to_session').items.$ref).toBe('#/components/schemas/FileEntry');
    expect(schemas().Info).toMatchObject({ type: 'object', additionalProperties: true });
  });

  it('describes binary downloads and multipart uploads', () => {
    const dl = byId.get('download_file_from_acquisition')!.op;
    expect(dl['x-fw-download']).toEqual({
      ticketOp: 'get_acquisition_download_ticket',
      zipInfoOp: 'get_acquisition_file_zip_info',
      urlOp: 'get_acquisition_download_url',
    });
    expect(dl.responses['200'].content['application/octet-stream'].schema).toEqual({
      type: 'string',
      format: 'binary',
    });
    const up =
      byId.get('upload_file_to_project')!.op.requestBody.content['multipart/form-data'].schema;
    expect(up.$ref).toBe('#/components/schemas/FileUploadForm');
    expect(schemas().FileUploadForm.properties.file.format).toBe('binary');
    expect(schemas().FileUploadMetadata.additionalProperties).toBe(false);
  });

  it('covers most of the 2019 reference (when it is available)', () => {
    let reference: unknown;
    try {
      reference = JSON.parse(
        readFileSync(
          join(repoRoot, '..', 'shared', 'reference', 'flywheel-openapi3-2019.json'),
          'utf8',
        ),
      );
    } catch {
      return;
    }
    const report = compareSpecs(spec, reference);
    expect(report.covered.length).toBeGreaterThan(250);
    expect(report.extra.map((o) => o.operationId).sort()).toEqual([
      'add_role',
      'add_role_to_group',
      'delete_role',
      'get_all_roles',
      'get_group_roles',
      'get_role',
      'modify_role',
      'remove_role_from_group',
    ]);
  });
});
