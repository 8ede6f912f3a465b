import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer, type TestServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
const sessions: Record<string, string> = {};

async function rows(view: unknown, cid: string, query = '') {
  const exec = await t.ok('POST', `/views/queue?containerId=${cid}${query}`, { body: view });
  let e = exec;
  for (let i = 0; i < 300 && e.state !== 'completed' && e.state !== 'failed'; i++) {
    await new Promise((r) => setTimeout(r, 10));
    e = await t.ok('GET', `/data_view_executions/${exec._id}`);
  }
  expect(e.state, JSON.stringify(e)).toBe('completed');
  const res = await t.call('GET', `/data_view_executions/${exec._id}/data?file_format=json-flat`);
  return { exec: e, rows: JSON.parse(res.bytes.toString()) as Record<string, unknown>[] };
}

async function addAnalysis(t: TestServer, session: string, label: string, files: string[]) {
  const id = (await t.ok('POST', `/sessions/${session}/analyses`, { body: { label } }))._id;
  await t.ok('POST', `/analyses/${id}/files`, {
    raw: form(files.map((name) => ({ name, data: `x,y\n1,${label.length}\n` }))),
  });
  return id as string;
}

beforeAll(async () => {
  h = await hierarchy(t, { session: 'ses-b' });
  sessions.b = h.session;
  // made after b but sorts before it; and one after
  for (const label of ['ses-a', 'ses-c'])
    sessions[label.slice(-1)] = (
      await t.ok('POST', '/sessions', {
        body: { project: h.project, subject: { _id: h.subject }, label },
      })
    )._id;
  await t.ok('PUT', `/sessions/${sessions.a}`, { body: { info: { score: 2 } } });
  await t.ok('PUT', `/sessions/${sessions.b}`, { body: { info: { score: 10 } } });
  await t.ok('PUT', `/sessions/${sessions.c}`, { body: { info: { score: 'n/a' } } });
});

describe('view sort', () => {
  const view = { columns: [{ src: 'session.label' }, { src: 'session.info.score', dst: 'score' }] };

  it('sorts rows by the hierarchy labels by default, and by creation when sort is false', async () => {
    const sorted = await rows(view, h.project);
    expect(sorted.rows.map((r) => r['session.label'])).toEqual(['ses-a', 'ses-b', 'ses-c']);
    const unsorted = await rows({ ...view, sort: false }, h.project);
    const ids = [sessions.a!, sessions.b!, sessions.c!].sort();
    expect(unsorted.rows.map((r) => r['session.id'])).toEqual(ids);
  });

  it('orders by output columns with ?sort=, before skip and limit', async () => {
    const desc = await rows(view, h.project, '&sort=session.label:desc');
    expect(desc.rows.map((r) => r['session.label'])).toEqual(['ses-c', 'ses-b', 'ses-a']);
    const page = await rows(view, h.project, '&sort=session.label:desc&skip=1&limit=1');
    expect(page.rows.map((r) => r['session.label'])).toEqual(['ses-b']);
    const bad = await t.call('POST', `/views/queue?containerId=${h.project}&sort=a:sideways`, {
      body: view,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('column[:asc|desc]');
  });
});

describe('column expr', () => {
  it('evaluates arithmetic on x; a non-number gives missing data', async () => {
    const { rows: r } = await rows(
      {
        columns: [
          { src: 'session.label' },
          { src: 'session.info.score', dst: 'double', expr: '(x + 1) * 2' },
          { src: 'session.info.score', dst: 'ratio', type: 'float', expr: '-x / 4' },
        ],
      },
      h.project,
    );
    expect(r.map((x) => [x['session.label'], x.double, x.ratio, x.error])).toEqual([
      ['ses-a', 6, -0.5, null],
      ['ses-b', 22, -2.5, null],
      ['ses-c', null, null, 'missing data'],
    ]);
  });

  it('rejects an expression that is not arithmetic (400, naming the column)', async () => {
    const r = await t.call('POST', `/views/queue?containerId=${h.project}`, {
      body: { columns: [{ src: 'session.info.score', dst: 's', expr: 'x ** process' }] },
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('column "s": expr "x ** process"');
  });
});

describe('analysis files', () => {
  it('selects the output files of analyses whose label matches (glob or regex)', async () => {
    await addAnalysis(t, sessions.a!, 'qc run', ['qc.csv', 'other.txt']);
    await addAnalysis(t, sessions.b!, 'qc run 2', ['qc.csv']);
    await addAnalysis(t, sessions.c!, 'segmentation', ['qc.csv']);
    const view = {
      columns: [{ src: 'session.label' }, { src: 'file.name' }],
      fileSpec: {
        container: 'session',
        filter: { value: '*.csv' },
        analysisFilter: { label: { value: 'qc*' } },
        match: 'all',
        processFiles: true,
      },
    };
    const { rows: r } = await rows(view, h.project);
    expect(
      r.map((x) => [x['session.label'], x['analysis.label'], x['file.name'], x.x, x.y]),
    ).toEqual([
      ['ses-a', 'qc run', 'qc.csv', 1, 6],
      ['ses-b', 'qc run 2', 'qc.csv', 1, 8],
      ['ses-c', undefined, undefined, undefined, undefined],
    ]);
    expect(r[2]!.error).toBe('no file matched');
    const regex = await rows(
      {
        ...view,
        fileSpec: { ...view.fileSpec, analysisFilter: { label: { value: '^seg', regex: true } } },
      },
      h.project,
    );
    expect(regex.rows.filter((x) => x['file.name']).map((x) => x['session.label'])).toEqual([
      'ses-c',
    ]);
    const bad = await t.call('POST', `/views/queue?containerId=${h.project}`, {
      body: { ...view, fileSpec: { ...view.fileSpec, analysisFilter: { colour: { value: 'x' } } } },
    });
    expect(bad.status).toBe(400);
  });
});

describe('saving view data', () => {
  it('POST /views/save evaluates a view into a file of the target container', async () => {
    const view = {
      columns: [{ src: 'session.label' }, { src: 'session.info.score', dst: 'score' }],
    };
    const f = await t.ok('POST', `/views/save?containerId=${h.project}&format=csv`, {
      body: { view, containerType: 'project', containerId: h.project, filename: 'scores.csv' },
    });
    expect(f).toMatchObject({ name: 'scores.csv', parent_ref: { type: 'project', id: h.project } });
    expect(f._id.version).toBe(1);
    const got = await t.call('GET', `/projects/${h.project}/files/scores.csv`);
    const lines = got.bytes.toString().trim().split('\n');
    expect(lines[0]).toContain('session.label');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain('ses-a');
    const saved = (
      await t.ok('POST', `/containers/${h.project}/views`, { body: { label: 'saved', ...view } })
    )._id;
    const again = await t.ok('POST', `/views/save?containerId=${h.project}&format=json`, {
      body: {
        viewId: saved,
        containerType: 'projects',
        containerId: h.project,
        filename: 'scores.json',
      },
    });
    expect(again.name).toBe('scores.json');
    const both = await t.call('POST', `/views/save?containerId=${h.project}`, {
      body: {
        viewId: saved,
        view,
        containerType: 'project',
        containerId: h.project,
        filename: 'x',
      },
    });
    expect(both.status).toBe(400);
    const reader = await t.createUser('view-reader@example.org');
    const denied = await t.call('POST', `/views/save?containerId=${h.project}`, {
      key: reader,
      body: { view, containerType: 'project', containerId: h.project, filename: 'y.csv' },
    });
    expect(denied.status).toBe(403);
  });

  it('POST /data_view_executions/{id}/save stores a completed execution in its project', async () => {
    const { exec } = await rows(
      { label: 'my table', columns: [{ src: 'session.label' }] },
      h.project,
    );
    const f = await t.ok('POST', `/data_view_executions/${exec._id}/save?file_format=tsv`);
    expect(f).toMatchObject({
      name: 'my table.tsv',
      parent_ref: { type: 'project', id: h.project },
    });
    const got = await t.call('GET', `/projects/${h.project}/files/my%20table.tsv`);
    expect(got.bytes.toString().split('\n')[0]).toBe(
      'project.id\tproject.label\tsubject.id\tsubject.label\tsession.id\tsession.label\terror',
    );
  });
});
