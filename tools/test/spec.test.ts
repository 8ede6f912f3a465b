import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleSpec, SPEC_OUTPUT_PATH, SPEC_SOURCE_DIR } from '../bundle-spec.ts';
import { repoRoot } from '../lib/generated.ts';
import { operations, substitute, type OpenApiDocument } from '../lib/spec-bundle.ts';
import { lintSpec } from '../lib/spec-lint.ts';

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
            if (op['x-fw-only'] && !op['x-fw-only'].includes(type)) continue;
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
      'file',
      'gear',
      'group',
      'project',
      'session',
      'subject',
    ]);
    for (const [value, ref] of Object.entries(mapping)) {
      const variant = schemas()[ref.split('/').pop()!];
      // <Kind>Node is allOf [<Kind>Output, {container_type}], or a model of its own (FileNode, GearNode).
      const own = variant.allOf
        ? variant.allOf.find((s: any) => s.properties?.container_type)
        : variant;
      expect(own.properties.container_type.const).toBe(value);
      expect(own.required).toContain('container_type');
    }
    expect(jsonSchema('resolve_path').$ref).toBe('#/components/schemas/ResolveOutput');
  });

  it('sends the reference defaults as x-sdk-default, and no limit default', () => {
    const limitDefaults = [...operations(spec)].filter(({ op }) =>
      (op.parameters as any[] | undefined)?.some((p) => p.name === 'limit' && 'x-sdk-default' in p),
    );
    expect(limitDefaults).toEqual([]);
    const inflate = (byId.get('get_analysis')!.op.parameters as any[]).find(
      (p) => p.name === 'inflate_job',
    );
    expect(inflate['x-sdk-default']).toBe(true);
  });

  it('types lists as array or page and mutations with the v21 results', () => {
    expect(jsonSchema('get_all_projects').oneOf[1].$ref).toBe(
      '#/components/schemas/ProjectListOutputPage',
    );
    expect(schemas().ProjectListOutput['x-fw-model']).toBe('Project');
    expect(schemas().ProjectOutput['x-fw-model']).toBe('Project');
    expect(jsonSchema('add_project').$ref).toBe('#/components/schemas/InsertedId');
    expect(schemas().InsertedId['x-fw-return']).toBe('_id');
    expect(jsonSchema('modify_session').$ref).toBe('#/components/schemas/ModifiedResult');
    expect(jsonSchema('delete_acquisition').$ref).toBe('#/components/schemas/DeletedResult');
    const cls = byId.get('modify_project_file_classification')!;
    expect(cls.method).toBe('patch');
    expect(cls.op['x-fw-modify-classification']).toBe(true);
    expect(cls.op.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/FileClassificationDelta',
    );
    const info = byId.get('modify_project_info')!;
    expect(info.method).toBe('patch');
    expect(info.op['x-fw-modify-info']).toBe(true);
    expect(Object.keys(schemas().Info.properties).sort()).toEqual(['delete', 'replace', 'set']);
    expect(jsonSchema('upload_file_to_session').anyOf[0].items.$ref).toBe(
      '#/components/schemas/FileOutput',
    );
    expect(byId.get('add_project_tags')!.op.responses['204']).toBeDefined();
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
});
