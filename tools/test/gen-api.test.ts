import { describe, expect, it } from 'vitest';
import {
  buildOperationTable,
  generateApi,
  EXHAUSTIVE_PATH,
  OPERATION_TYPES_PATH,
  OPERATIONS_PATH,
  SCHEMA_PATH,
} from '../gen-api.ts';

const spec = {
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: {
    '/projects/{ProjectId}/files/{FileName}': {
      parameters: [
        { $ref: '#/components/parameters/ProjectId' },
        { name: 'FileName', in: 'path', required: true, schema: { type: 'string' } },
      ],
      get: {
        operationId: 'download_file_from_project',
        tags: ['projects', 'files'],
        'x-fw-download': { ticketOp: 'get_project_download_ticket' },
        parameters: [{ name: 'ticket', in: 'query', schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'bytes',
            content: {
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
              'application/json': { schema: { $ref: '#/components/schemas/Ticket' } },
            },
          },
        },
      },
    },
    '/projects': {
      get: {
        operationId: 'get_all_projects',
        'x-fw-pagination': true,
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer' }, 'x-sdk-default': 1000 },
        ],
        responses: {
          '200': {
            description: 'ok',
            content: {
              'application/json': {
                schema: { type: 'array', items: { $ref: '#/components/schemas/Project' } },
              },
            },
          },
        },
      },
      post: {
        operationId: 'add_project',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Project' } } },
        },
        responses: { '200': { $ref: '#/components/responses/Created' } },
      },
    },
    '/projects/{ProjectId}/files': {
      post: {
        operationId: 'upload_file_to_project',
        parameters: [{ $ref: '#/components/parameters/ProjectId' }],
        requestBody: {
          content: {
            'application/json': { schema: { type: 'object' } },
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: {
                  file: { type: 'string', format: 'binary' },
                  metadata: { type: 'string' },
                },
                required: ['file'],
              },
            },
          },
        },
        responses: { '204': { description: 'none' } },
      },
    },
  },
  components: {
    parameters: {
      ProjectId: { name: 'ProjectId', in: 'path', required: true, schema: { type: 'string' } },
    },
    responses: {
      Created: {
        description: 'id',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Created' } } },
      },
    },
    schemas: {
      Project: {
        type: 'object',
        required: ['label'],
        properties: { label: { type: 'string' }, info: { type: 'object' } },
      },
      Ticket: { type: 'object', properties: { ticket: { type: 'string' } } },
      Created: { type: 'object', 'x-fw-return': '_id', properties: { _id: { type: 'string' } } },
    },
  },
};

describe('gen-api', () => {
  it('builds the operation table sorted by operationId', () => {
    const ops = buildOperationTable(spec);
    expect(ops.map((o) => o.id)).toEqual([
      'add_project',
      'download_file_from_project',
      'get_all_projects',
      'upload_file_to_project',
    ]);
    const [add, download, list, upload] = ops;
    expect(download).toEqual({
      id: 'download_file_from_project',
      method: 'get',
      path: '/projects/{ProjectId}/files/{FileName}',
      pathParams: ['ProjectId', 'FileName'],
      queryParams: [{ name: 'ticket', required: false }],
      body: null,
      bodyRequired: false,
      response: 'binary',
      paginated: false,
      tags: ['projects', 'files'],
      extensions: { 'x-fw-download': { ticketOp: 'get_project_download_ticket' } },
    });
    expect(list).toMatchObject({
      response: 'json',
      responseSchema: 'Project[]',
      paginated: true,
      queryParams: [{ name: 'limit', required: false, default: 1000 }],
      extensions: { 'x-fw-pagination': true },
    });
    expect(add).toMatchObject({
      body: 'json',
      bodyRequired: true,
      responseSchema: 'Created',
      extensions: { 'x-fw-return': '_id' },
    });
    expect(upload).toMatchObject({
      body: 'multipart',
      bodyRequired: false,
      response: 'empty',
      pathParams: ['ProjectId'],
    });
    expect(upload!.responseSchema).toBeUndefined();
  });

  it('rejects duplicate operationIds and undeclared path parameters', () => {
    const dup = structuredClone(spec) as typeof spec & { paths: Record<string, unknown> };
    dup.paths['/other'] = { get: { operationId: 'add_project', responses: {} } };
    expect(() => buildOperationTable(dup)).toThrow(/duplicate operationId add_project/);
    const missing = {
      openapi: '3.1.0',
      paths: { '/x/{Id}': { get: { operationId: 'x', responses: {} } } },
    };
    expect(() => buildOperationTable(missing)).toThrow(/does not declare path parameter Id/);
  });

  it('emits deterministic schema.ts and operations.ts with the do-not-edit header', async () => {
    const a = await generateApi(spec);
    const b = await generateApi(structuredClone(spec));
    expect(a).toEqual(b);
    expect(Object.keys(a).sort()).toEqual(
      [EXHAUSTIVE_PATH, OPERATIONS_PATH, OPERATION_TYPES_PATH, SCHEMA_PATH].sort(),
    );
    for (const text of Object.values(a))
      expect(text.startsWith('// This file is generated by tools/gen-api.ts')).toBe(true);
    const schema = a[SCHEMA_PATH]!;
    expect(schema).toContain('export interface paths');
    expect(schema).toMatch(/file: Blob;/);
    expect(schema).toMatch(/info\?: Record<string, unknown>;/); // emptyObjectsUnknown
    // the literal table is for types only; the run-time one is compact JSON
    const typesOnly = a[OPERATION_TYPES_PATH]!;
    expect(typesOnly).toContain('} as const satisfies Record<string, OperationInfo>;');
    expect(typesOnly).toContain('export type OperationId = keyof OperationTable;');
    expect(typesOnly).toContain("responseSchema: 'Project[]',");
    expect(typesOnly.indexOf('add_project: {')).toBeLessThan(
      typesOnly.indexOf('get_all_projects: {'),
    );
    const ops = a[OPERATIONS_PATH]!;
    expect(ops).toContain("from './operation-types.js';");
    // data only: its one value import is the hand-written unpacker
    expect(ops.match(/^import (?!type).*$/gm)).toEqual([
      "import { buildOperationTable } from '../operation-rows.js';",
    ]);
    expect(ops).toContain('"Project[]"');
    // the client's one run-time need is apart, so @fw/api's entry never loads the table
    expect(ops).not.toContain('EXHAUSTIVE_OPERATIONS');
    expect(a[EXHAUSTIVE_PATH]!.match(/^import .*$/gm)).toBeNull();
  });

  it('the compact table unpacks to the same operations as the literal one', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const files = await generateApi(spec);
    const dir = mkdtempSync(join(tmpdir(), 'gen-api-'));
    writeFileSync(join(dir, 'operation-types.ts'), files[OPERATION_TYPES_PATH]!);
    writeFileSync(
      join(dir, 'operations.ts'),
      files[OPERATIONS_PATH]!.replace("'./operation-types.js'", "'./operation-types.ts'").replace(
        "'../operation-rows.js'",
        `'${new URL('../../packages/api/src/operation-rows.ts', import.meta.url).href}'`,
      ),
    );
    writeFileSync(join(dir, 'exhaustive.ts'), files[EXHAUSTIVE_PATH]!);
    const mod = (await import(join(dir, 'operations.ts'))) as {
      operationTable: Record<string, object>;
    };
    const { EXHAUSTIVE_OPERATIONS } = (await import(join(dir, 'exhaustive.ts'))) as {
      EXHAUSTIVE_OPERATIONS: readonly string[];
    };
    const expected = Object.fromEntries(buildOperationTable(spec).map((op) => [op.id, op]));
    expect(JSON.parse(JSON.stringify(mod.operationTable))).toEqual(
      JSON.parse(JSON.stringify(expected)),
    );
    expect(EXHAUSTIVE_OPERATIONS).toEqual(
      buildOperationTable(spec)
        .filter((op) => op.queryParams.some((q) => q.name === 'exhaustive'))
        .map((op) => `${op.method} ${op.path}`),
    );
  });
});
