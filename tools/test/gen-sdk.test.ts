import { describe, expect, it } from 'vitest';
import {
  camelCase,
  generateSdk,
  parseModelNames,
  renderSdk,
  SDK_METHODS_PATH,
  SDK_TYPES_PATH,
} from '../gen-sdk.ts';

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

const names = {
  models: new Map([
    ['Project', 'Project'],
    ['Session', 'Session'],
    ['FileEntry', 'FileEntry'],
  ]),
  listModels: new Map<string, string>(),
};
const { methods: out, types } = renderSdk(spec, names);
/** A method's signature in the `GeneratedMethods` interface. */
const method = (name: string) => {
  const m = new RegExp(`\\n  ${name}\\(([^\\n]*)\\): Promise<([^\\n]*)>;\\n`).exec(out);
  if (!m) throw new Error(`no method ${name} in:\n${out}`);
  return { params: m[1]!, returns: m[2]! };
};
/** The run-time table's rows (`kind,op,pathCount[,name,a,b,c]`). */
const rows = (
  /installMethods\(\n {2}GeneratedMethods\.prototype,\n {2}'([^']*)',/.exec(out)?.[1] ?? ''
)
  .split(';')
  .map((r) => r.split(','));
const row = (op: string, kind?: string) => {
  const r = rows.find((x) => x[1] === op && (kind === undefined || x[0] === kind));
  if (!r) throw new Error(`no row for ${op} in ${JSON.stringify(rows)}`);
  return r;
};
/** The definition of a named type in types.ts. */
const alias = (name: string) => {
  const m = new RegExp(`\\nexport type ${name} = ([^\\n]*);\\n`).exec(types);
  if (!m) throw new Error(`no type ${name} in:\n${types}`);
  return m[1]!;
};

describe('gen-sdk', () => {
  it('camelCase of operationIds and parameter names', () => {
    expect(camelCase('get_project_file_zip_info')).toBe('getProjectFileZipInfo');
    expect(camelCase('ProjectId')).toBe('projectId');
    expect(camelCase('containerId')).toBe('containerId');
  });

  it('writes methods.ts and types.ts with the do-not-edit header', async () => {
    const files = await generateSdk(spec);
    expect(Object.keys(files).sort()).toEqual([SDK_METHODS_PATH, SDK_TYPES_PATH].sort());
    for (const text of Object.values(files)) {
      expect(text.startsWith('// This file is generated by tools/gen-sdk.ts')).toBe(true);
      expect(text).toContain('Do not edit it by hand');
    }
  });

  it('reads the class names from the models', () => {
    const parsed = parseModelNames(
      'export interface Models {\n  Session: Session;\n}\nexport interface ListModels {\n  SessionListOutput: SessionListOutput;\n}\n',
    );
    expect([...parsed.models]).toEqual([['Session', 'Session']]);
    expect([...parsed.listModels]).toEqual([['SessionListOutput', 'SessionListOutput']]);
    expect(() => parseModelNames('')).toThrow(/no interface Models/);
  });

  it('path parameters positional (in path order), then body, then options, all by name', () => {
    expect(method('getProject').params).toBe('projectId: string, options?: GetProjectOptions');
    expect(alias('GetProjectOptions')).toBe("OpQuery<'get_project'> & CallOptions");
    expect(method('addProject').params).toBe('body: AddProjectBody, options?: AddProjectOptions');
    expect(alias('AddProjectBody')).toBe("BodyOf<'add_project'>");
    expect(method('modifyProjectInfo').params).toMatch(
      /^projectId: string, body\?: ModifyProjectInfoBody/,
    );
    // a required query parameter makes the options object required
    expect(method('evaluateView').params).toBe('viewId: string, options: EvaluateViewOptions');
    expect(row('get_project')).toEqual(['j', 'get_project', '1', '', 'Project']);
    expect(row('add_project')).toEqual(['b', 'add_project', '0', '', '', '_id']);
  });

  it('create calls unwrap x-fw-return; x-fw-model responses are wrapped; lists use x-fw-list', () => {
    expect(method('addProject').returns).toBe('string');
    expect(method('getProject').returns).toBe('Project');
    expect(method('getAllProjects').returns).toBe('Project[]');
    expect(row('get_all_projects')).toEqual(['j', 'get_all_projects', '0', '', 'Project']);
    expect(method('getContainer').returns).toBe('Project | Session');
    expect(row('get_container')).toEqual(['j', 'get_container', '1', '', '*']);
    expect(method('deleteProject').returns).toBe('void');
    expect(out).toContain("import type { FileEntry, Project, Session } from '../index.js';");
    // a JSON answer without a class is named after its schema, or after the operation
    expect(method('addProjectTag').returns).toBe('AddProjectTagResult');
    expect(alias('AddProjectTagResult')).toBe("OpJson<'add_project_tag'>");
  });

  it('downloads get the stream, AsData, URL and zip-info twins', () => {
    expect(method('downloadFileFromProject').params).toMatch(
      /^projectId: string, fileName: string, dest: DownloadDestination, options\?: DownloadOptions & DownloadFileFromProjectQuery$/,
    );
    expect(row('download_file_from_project', 'd')).toEqual([
      'd',
      'download_file_from_project',
      '2',
    ]);
    expect(method('downloadFileFromProjectAsData').returns).toBe('Uint8Array');
    expect(method('getProjectDownloadUrl').returns).toBe('string');
    expect(row('download_file_from_project', 't')[3]).toBe('getProjectDownloadUrl');
    expect(row('download_file_from_project', 'z')[3]).toBe('getProjectFileZipInfo');
    expect(out).not.toContain('getProjectDownloadTicket(');
  });

  it('info and classification wrappers', () => {
    const wrapper = (name: string) => rows.find((r) => r[0] === 'w' && r[3] === name);
    expect(wrapper('setProjectInfo')?.[6]).toBe('set');
    expect(wrapper('replaceProjectInfo')?.[6]).toBe('replace');
    expect(method('deleteProjectInfoFields').params).toContain('body: string[]');
    expect(wrapper('deleteProjectInfoFields')?.[6]).toBe('delete');
    expect(wrapper('setProjectFileClassification')?.[6]).toBe('add');
    expect(wrapper('replaceProjectFileClassification')?.[6]).toBe('replace');
    expect(wrapper('deleteProjectFileClassificationFields')?.[6]).toBe('delete');
  });

  it('x-sdk-positional bodies also accept the bare value', () => {
    expect(method('addProjectTag').params).toBe(
      'projectId: string, body: AddProjectTagBody, options?: AddProjectTagOptions',
    );
    expect(alias('AddProjectTagBody')).toBe(
      "BodyOf<'add_project_tag'> | BodyOf<'add_project_tag'>['value']",
    );
    expect(row('add_project_tag')).toEqual(['b', 'add_project_tag', '1', '', '', '', 'value']);
  });

  it('multipart uploads take file(s) and upload options', () => {
    expect(method('uploadFileToProject').params).toBe(
      'projectId: string, file: UploadInput | UploadInput[], options?: UploadFileToProjectUploadOptions',
    );
    expect(alias('UploadFileToProjectUploadOptions')).toBe(
      "OpQuery<'upload_file_to_project'> & UploadOptions & CallOptions",
    );
    expect(method('uploadFileToProject').returns).toBe('FileEntry[]');
    expect(row('upload_file_to_project')).toEqual([
      'u',
      'upload_file_to_project',
      '1',
      '',
      'FileEntry',
    ]);
  });

  it('never names machinery in a signature', () => {
    const signatures = out.slice(out.indexOf('export interface GeneratedMethods'));
    expect(signatures).not.toMatch(/ModelOf<|OpJson<|OpQuery<|BodyOf</);
  });
});
