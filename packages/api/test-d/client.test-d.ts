/**
 * Type-level tests, compiled by `tsc --noEmit -p test-d/tsconfig.json` (the `typecheck` script).
 * Nothing here runs; every `@ts-expect-error` must be an error, or the compile fails.
 */
import {
  ApiError,
  createApiClient,
  multipartBody,
  NotFoundError,
  type components,
  type OperationId,
  type OperationInfo,
} from '../src/index.js';
import { operationTable } from '../src/operations.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_value?: T): void {}

declare const ProjectId: string;
const api = createApiClient({ apiKey: 'example.flywheel.io:KEY' });

export async function projects(): Promise<void> {
  // A path parameter is required and named exactly as in the spec.
  const { data } = await api.GET('/projects/{project_id}', {
    params: { path: { project_id: ProjectId } },
  });
  // `data` is the project itself: never undefined (errors throw).
  const id: string = data._id;
  assertType<Equal<typeof data.label, string | undefined>>();
  void id;

  // @ts-expect-error wrong path parameter name
  await api.GET('/projects/{project_id}', { params: { path: { projectId: ProjectId } } });
  // @ts-expect-error path parameters missing
  await api.GET('/projects/{project_id}');
  // @ts-expect-error unknown path
  await api.GET('/projectz/{project_id}', { params: { path: { project_id: ProjectId } } });
  // @ts-expect-error `label` is a string
  const wrong: number | undefined = data.label;
  void wrong;

  // Per-call transport options are typed.
  await api.GET('/projects/{project_id}', {
    params: { path: { project_id: ProjectId } },
    timeoutMs: 1000,
    maxRetries: 0,
    signal: AbortSignal.timeout(5000),
  });
  await api.GET('/projects/{project_id}', {
    params: { path: { project_id: ProjectId } },
    // @ts-expect-error timeoutMs is a number
    timeoutMs: 'soon',
  });

  // A JSON body is checked against the schema.
  await api.PUT('/projects/{project_id}', {
    params: { path: { project_id: ProjectId } },
    body: { label: 'renamed' },
  });
  await api.PUT('/projects/{project_id}', {
    params: { path: { project_id: ProjectId } },
    // @ts-expect-error label must be a string
    body: { label: 42 },
  });
}

export async function downloadsAndUploads(): Promise<void> {
  const { data: stream } = await api.GET('/projects/{project_id}/files/{file_name}', {
    params: { path: { project_id: ProjectId, file_name: 'a.txt' } },
    parseAs: 'stream',
  });
  assertType<Equal<typeof stream, Response['body']>>();

  // The multipart operation's typed shape ({ file: Blob, ... }) and multipartBody() both compile.
  await api.POST('/projects/{project_id}/files', {
    params: { path: { project_id: ProjectId } },
    body: multipartBody({
      file: new Uint8Array([1]),
      filename: 'a.txt',
      metadata: { type: 'text' },
    }),
  });
  await api.POST('/projects/{project_id}/files', {
    params: { path: { project_id: ProjectId } },
    body: { file: new File(['x'], 'a.txt'), metadata: '{}' },
  });
}

export function errors(err: unknown): void {
  if (err instanceof ApiError) {
    const status: number = err.status;
    const detail: string | undefined = err.detail;
    void status;
    void detail;
  }
  if (err instanceof NotFoundError) {
    const asBase: ApiError = err;
    void asBase;
  }
}

export function table(): void {
  const op = operationTable.get_project;
  assertType<Equal<typeof op.method, 'get'>>();
  assertType<Equal<typeof op.path, '/projects/{project_id}'>>();
  const id: OperationId = 'get_project';
  const info: OperationInfo = operationTable[id];
  void info;
  // @ts-expect-error not an operationId
  const bad: OperationId = 'getProject';
  void bad;
  type Project = components['schemas'] extends infer S ? S : never;
  void (null as unknown as Project);
}
