/**
 * The same site through `@fw/api`, the low-level client: one typed call per endpoint
 * (`api.GET('/projects/{project_id}', …)`), plain JSON back, errors thrown as `ApiError`.
 * Use it for endpoints or options the SDK does not wrap, or for the smallest dependency.
 */
import { ApiError, createApiClient } from '@fw/api';
import type { Report } from '../src/format/report.ts';
import { DEMO } from '../src/site/demo-paths.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';

/**
 * List endpoints answer a bare array, or `{ results, total, count }` when the `pagination` feature
 * is asked for; the spec types both, so raw callers pick the branch.
 */
function rows<T>(data: T[] | { results: T[] }): T[] {
  return Array.isArray(data) ? data : data.results;
}

/** Takes connection details rather than an SDK client: nothing here needs `@fw/sdk`. */
export async function runRaw(connection: { apiKey: string }, report: Report) {
  report.section('Raw endpoint calls with @fw/api');
  report.call('const api = createApiClient({ apiKey })');
  const api = createApiClient({ apiKey: connection.apiKey });

  report.call(
    `await api.GET('/projects', { params: { query: { filter: 'group=${DEMO.group}', sort: 'label' } } })`,
  );
  const projects = rows(
    (
      await api.GET('/projects', {
        params: { query: { filter: `group=${DEMO.group}`, sort: 'label' } },
      })
    ).data,
  );
  report.table(
    [
      { header: '_id', value: (p) => p._id },
      { header: 'label', value: (p) => p.label },
    ],
    projects,
  );

  const first = projects[0];
  if (!first) throw new Error(`no projects in group ${DEMO.group}`);
  report.call(
    `await api.GET('/projects/{project_id}/subjects', { params: { path: { project_id } } })`,
  );
  const subjects = rows(
    (
      await api.GET('/projects/{project_id}/subjects', {
        params: { path: { project_id: first._id } },
      })
    ).data,
  );
  report.line(`  ${subjects.length} subjects in ${first.label}`);

  report.call(
    `await api.POST('/lookup', { body: { path: ['${DEMO.group}', '${DEMO.project}'] } })`,
  );
  const { data: node } = await api.POST('/lookup', { body: { path: [DEMO.group, DEMO.project] } });
  report.fields([
    ['node', `${node.container_type} ${'label' in node ? node.label : ''}`],
    ['_id', node._id],
  ]);

  report.call(
    `await api.GET('/projects/{project_id}', { params: { path: { project_id: '000000000000000000000000' } } })`,
  );
  let status: number | undefined;
  try {
    await api.GET('/projects/{project_id}', {
      params: { path: { project_id: '000000000000000000000000' } },
    });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    status = err.status;
    report.fields([['ApiError', String(err).split('\n')[0]]]);
  }

  return {
    projectLabels: projects.map((p) => p.label),
    subjectCount: subjects.length,
    lookedUp: node._id,
    missingStatus: status,
  };
}

if (isMain(import.meta.url))
  await runStandalone((_client, report, connection) => runRaw(connection, report));
