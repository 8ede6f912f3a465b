import { describe, expect, it } from 'vitest';
import { camelCase, generateSdk, renderSdkMethods, SDK_METHODS_PATH } from '../gen-sdk.ts';

const ok = (schema: object) => ({
  '200': { description: 'ok', content: { 'application/json': { schema } } },
});

const spec = {
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: {
    '/projects': {
      get: {
        operationId: 'get_all_projects',
        'x-fw-list': 'Project',
        'x-fw-pagination': true,
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer' }, 'x-sdk-default': 1000 },
        ],
        responses: ok({ type: 'array', items: { $ref: '#/components/schemas/Project' } }),
      },
      post: {
        operationId: 'add_project',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object' } } },
        },
        responses: ok({ $ref: '#/components/schemas/CreatedId' }),
      },
    },
    '/projects/{ProjectId}': {
      parameters: [{ $ref: '#/components/parameters/ProjectId' }],
      get: { operationId: 'get_project', responses: ok({ $ref: '#/components/schemas/Project' }) },
      delete: { operationId: 'delete_project', responses: { '204': { description: 'gone' } } },
    },
    '/projects/{ProjectId}/tags': {
      post: {
        operationId: 'add_project_tag',
        parameters: [{ $ref: '#/components/parameters/ProjectId' }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Tag' } } },
        },
        responses: ok({ type: 'object' }),
      },
    },
    '/containers/{ContainerId}': {
      get: {
        operationId: 'get_container',
        parameters: [
          { name: 'ContainerId', in: 'path', required: true, schema: { type: 'string' } },
        ],
        responses: ok({ $ref: '#/components/schemas/Container' }),
      },
    },
    '/projects/{ProjectId}/info': {
      post: {
        operationId: 'modify_project_info',
        'x-fw-modify-info': true,
        parameters: [{ $ref: '#/components/parameters/ProjectId' }],
        requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
        responses: ok({ type: 'object' }),
      },
    },
    '/projects/{ProjectId}/files': {
      post: {
        operationId: 'upload_file_to_project',
        parameters: [{ $ref: '#/components/parameters/ProjectId' }],
        requestBody: {
          required: true,
          content: { 'multipart/form-data': { schema: { type: 'object' } } },
        },
        responses: ok({ type: 'array', items: { $ref: '#/components/schemas/FileEntry' } }),
      },
    },
    '/projects/{ProjectId}/files/{FileName}': {
      parameters: [
        { $ref: '#/components/parameters/ProjectId' },
        { name: 'FileName', in: 'path', required: true },
      ],
      get: {
        operationId: 'download_file_from_project',
        'x-fw-download': {
          ticketOp: 'get_project_download_ticket',
          zipInfoOp: 'get_project_file_zip_info',
          urlOp: 'get_project_download_url',
        },
        responses: { '200': { description: 'bytes', content: { 'application/octet-stream': {} } } },
      },
    },
    '/projects/{ProjectId}/files/{FileName}/classification': {
      post: {
        operationId: 'modify_project_file_classification',
        'x-fw-modify-classification': true,
        requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
        responses: ok({ type: 'object' }),
      },
    },
    '/views/{ViewId}/data': {
      get: {
        operationId: 'evaluate_view',
        parameters: [
          { name: 'ViewId', in: 'path', required: true },
          { name: 'containerId', in: 'query', required: true },
        ],
        responses: ok({ type: 'object' }),
      },
    },
  },
  components: {
    parameters: {
      ProjectId: { name: 'ProjectId', in: 'path', required: true, schema: { type: 'string' } },
    },
    schemas: {
      Project: { type: 'object', 'x-fw-model': 'Project' },
      ProjectNode: { allOf: [{ $ref: '#/components/schemas/Project' }, { type: 'object' }] },
      Session: { type: 'object', 'x-fw-model': 'Session' },
      Container: {
        oneOf: [
          { $ref: '#/components/schemas/ProjectNode' },
          { $ref: '#/components/schemas/Session' },
        ],
      },
      FileEntry: { type: 'object', 'x-fw-model': 'FileEntry' },
      Tag: {
        type: 'object',
        properties: { value: { type: 'string' } },
        'x-sdk-positional': 'value',
      },
      CreatedId: { type: 'object', properties: { _id: { type: 'string' } }, 'x-fw-return': '_id' },
    },
  },
};

const out = renderSdkMethods(spec);
const method = (name: string) => {
  const m = new RegExp(`\\n  ${name}\\(([^\\n]*)\\): Promise<([^\\n]*)> \\{\\n([^\\n]*)\\n`).exec(
    out,
  );
  if (!m) throw new Error(`no method ${name} in:\n${out}`);
  return { params: m[1]!, returns: m[2]!, body: m[3]! };
};

describe('gen-sdk', () => {
  it('camelCase of operationIds and parameter names', () => {
    expect(camelCase('get_project_file_zip_info')).toBe('getProjectFileZipInfo');
    expect(camelCase('ProjectId')).toBe('projectId');
    expect(camelCase('containerId')).toBe('containerId');
  });

  it('writes one file with the do-not-edit header', async () => {
    const files = await generateSdk(spec);
    expect(Object.keys(files)).toEqual([SDK_METHODS_PATH]);
    expect(
      files[SDK_METHODS_PATH]!.startsWith('// This file is generated by tools/gen-sdk.ts'),
    ).toBe(true);
    expect(files[SDK_METHODS_PATH]).toContain('Do not edit it by hand');
  });

  it('path parameters positional (in path order), then body, then options', () => {
    expect(method('getProject').params).toBe(
      "projectId: string, options?: OpQuery<'get_project'> & CallOptions",
    );
    expect(method('addProject').params).toBe(
      "body: BodyOf<'add_project'>, options?: OpQuery<'add_project'> & CallOptions",
    );
    expect(method('modifyProjectInfo').params).toMatch(/^projectId: string, body\?: BodyOf/);
    // a required query parameter makes the options object required
    expect(method('evaluateView').params).toBe(
      "viewId: string, options: OpQuery<'evaluate_view'> & CallOptions",
    );
  });

  it('create calls unwrap x-fw-return; x-fw-model responses are wrapped; lists use x-fw-list', () => {
    expect(method('addProject').body).toContain("unwrap: '_id'");
    expect(method('addProject').returns).toBe("NonNullable<OpJson<'add_project'>>['_id']");
    expect(method('getProject').returns).toBe("ModelOf<'Project', 'Project'>");
    expect(method('getProject').body).toContain("model: 'Project'");
    expect(method('getAllProjects').returns).toBe("ModelOf<'Project', 'Project'>[]");
    expect(method('getContainer').returns).toBe(
      "ModelOf<'Project', 'Project'> | ModelOf<'Session', 'Session'>",
    );
    expect(method('getContainer').body).toContain("model: '*'");
    expect(method('deleteProject').returns).toBe('void');
  });

  it('downloads get the stream, AsData, URL and zip-info twins', () => {
    expect(method('downloadFileFromProject').params).toMatch(
      /^projectId: string, fileName: string, dest: DownloadDestination/,
    );
    expect(method('downloadFileFromProject').body).toContain(
      "this._download('download_file_from_project'",
    );
    expect(method('downloadFileFromProjectAsData').returns).toBe('Uint8Array');
    expect(method('getProjectDownloadUrl').returns).toBe('string');
    expect(method('getProjectDownloadUrl').body).toContain('_ticketUrl');
    expect(method('getProjectFileZipInfo').body).toContain('info: true');
    expect(out).not.toContain('getProjectDownloadTicket(');
  });

  it('info and classification wrappers', () => {
    expect(method('setProjectInfo').body).toContain('body: { set: body }');
    expect(method('replaceProjectInfo').body).toContain('body: { replace: body }');
    expect(method('deleteProjectInfoFields').params).toContain('body: string[]');
    expect(method('deleteProjectInfoFields').body).toContain('body: { delete: body }');
    expect(method('setProjectFileClassification').body).toContain('body: { add: body }');
    expect(method('replaceProjectFileClassification').body).toContain('body: { replace: body }');
    expect(method('deleteProjectFileClassificationFields').body).toContain(
      'body: { delete: body }',
    );
  });

  it('x-sdk-positional bodies also accept the bare value', () => {
    expect(method('addProjectTag').params).toBe(
      "projectId: string, body: BodyOf<'add_project_tag'> | BodyOf<'add_project_tag'>['value'], options?: OpQuery<'add_project_tag'> & CallOptions",
    );
    expect(method('addProjectTag').body).toContain("positional: 'value'");
  });

  it('multipart uploads take file(s) and upload options', () => {
    expect(method('uploadFileToProject').params).toBe(
      "projectId: string, file: UploadInput | UploadInput[], options?: OpQuery<'upload_file_to_project'> & UploadOptions & CallOptions",
    );
    expect(method('uploadFileToProject').returns).toBe("ModelOf<'FileEntry', 'FileOutput'>[]");
  });
});
