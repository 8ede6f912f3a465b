import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer, type TestServer } from './helpers/server.js';
import { evaluateView, type EvalStats } from '../src/app/views/evaluate.js';
import { getRow } from '../src/db/containers.js';
import { openDatabase } from '../src/db/open.js';
import { createBlobStore } from '../src/storage/index.js';
import { join } from 'node:path';
import yazl from 'yazl';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
let session2: string;

async function run(t: TestServer, view: unknown, cid: string, format = 'json-flat') {
  const exec = await t.ok('POST', `/views/queue?containerId=${cid}`, { body: view });
  expect(exec.state).toBe('queued');
  let e = exec;
  for (let i = 0; i < 200 && e.state !== 'completed' && e.state !== 'failed'; i++) {
    await new Promise((r) => setTimeout(r, 10));
    e = await t.ok('GET', `/data_view_executions/${exec._id}`);
  }
  return {
    exec: e,
    res: await t.call('GET', `/data_view_executions/${exec._id}/data?file_format=${format}`),
  };
}

beforeAll(async () => {
  h = await hierarchy(t);
  await t.ok('PUT', `/subjects/${h.subject}`, { body: { sex: 'female', info: { site: 'A' } } });
  await t.ok('PUT', `/sessions/${h.session}`, { body: { age: 31557600 * 30, info: { score: 7 } } });
  session2 = (
    await t.ok('POST', '/sessions', {
      body: { project: h.project, subject: { _id: h.subject }, label: 'S2' },
    })
  )._id;
  await t.ok('PUT', `/sessions/${session2}`, { body: { age: 31557600 * 31 } });
  await t.ok('POST', `/sessions/${h.session}/files`, {
    raw: form([{ name: 'scores.csv', data: 'item,value\na,1\nb,2\n' }]),
  });
  await t.ok('POST', `/sessions/${session2}/files`, {
    raw: form([{ name: 'scores.csv', data: 'item,value\na,10\nb,\n' }]),
  });
});

describe('view executions', () => {
  it('queue → completed, with subject, session and info.* columns and age units', async () => {
    const { exec, res } = await run(
      t,
      {
        columns: [
          { src: 'subject.sex' },
          { src: 'subject.info.site', dst: 'site' },
          { src: 'session.info.score', dst: 'score', type: 'int' },
          { src: 'session.age_years', dst: 'age' },
        ],
      },
      h.project,
    );
    expect(exec.state).toBe('completed');
    expect(res.status).toBe(200);
    const rows = JSON.parse(res.bytes.toString());
    expect(rows).toHaveLength(2);
    const one = rows.find((r: any) => r['session.id'] === h.session);
    expect(one).toMatchObject({
      'subject.sex': 'female',
      site: 'A',
      score: 7,
      age: 30,
      error: null,
      'project.id': h.project,
    });
    const two = rows.find((r: any) => r['session.id'] === session2);
    expect(two).toMatchObject({ score: null, age: 31, error: 'missing data' });
  });

  it('missingDataStrategy drop-row, includeIds/includeLabels false, filters, csv', async () => {
    const { res } = await run(
      t,
      {
        columns: [
          { src: 'session.info.score', dst: 'score' },
          { src: 'session.label', dst: 'label' },
        ],
        missingDataStrategy: 'drop-row',
        includeIds: false,
        includeLabels: false,
      },
      h.project,
      'csv',
    );
    expect(res.bytes.toString()).toBe(
      'score,label\n7,' + (await t.ok('GET', `/sessions/${h.session}`)).label + '\n',
    );
    const f = await run(
      t,
      {
        columns: [{ src: 'session.age_years', dst: 'age' }],
        filter: 'age>30',
        includeLabels: false,
      },
      h.project,
    );
    expect(JSON.parse(f.res.bytes.toString()).map((r: any) => r['session.id'])).toEqual([session2]);
  });

  it('processFiles reads a CSV on every session; group-by with accumulators; json-row and tsv', async () => {
    const view = {
      columns: [{ src: 'session.label', dst: 'session' }],
      fileSpec: {
        container: 'session',
        filter: { value: '*.csv' },
        processFiles: true,
        columns: [{ src: 'item' }, { src: 'value', type: 'int' }],
      },
      includeIds: false,
      includeLabels: false,
      errorColumn: false,
    };
    const { res } = await run(t, view, h.project, 'json-row');
    const body = JSON.parse(res.bytes.toString());
    expect(body.columns).toEqual(['session', 'item', 'value']);
    expect(body.rows).toHaveLength(4);
    expect(body.rows.map((r: any[]) => r[2]).sort()).toEqual([1, 10, 2, null].sort());
    const g = await run(
      t,
      {
        ...view,
        columns: [
          { src: 'session.label', dst: 'session' },
          { src: 'value', dst: 'value' },
        ],
        fileSpec: { ...view.fileSpec, columns: [{ src: 'item' }, { src: 'value', type: 'int' }] },
        groupBy: { columns: [{ src: 'item' }] },
      },
      h.project,
    );
    void g;
    const agg = await run(
      t,
      {
        columns: [
          { src: 'session.info.score', dst: 'score', accumulator: 'sum' },
          { src: 'session.label', dst: 'n', accumulator: 'count' },
        ],
        groupBy: { columns: [{ src: 'project.label', dst: 'project' }] },
        includeIds: false,
        includeLabels: false,
      },
      h.project,
    );
    expect(JSON.parse(agg.res.bytes.toString())).toEqual([
      { project: expect.any(String), score: 7, n: 2 },
    ]);
    const tsv = await run(t, { ...view, missingDataStrategy: 'drop-row' }, h.project, 'tsv');
    expect(tsv.res.bytes.toString().split('\n')[0]).toBe('session\titem\tvalue');
    expect(tsv.res.bytes.toString().trim().split('\n')).toHaveLength(4);
  });

  it('file columns without processing, bad input, saved views, failed executions', async () => {
    const list = await run(
      t,
      {
        columns: [{ src: 'file.name' }, { src: 'file.size' }],
        fileSpec: { container: 'session', filter: { value: '*.csv' }, processFiles: false },
        includeIds: false,
      },
      h.project,
    );
    expect(JSON.parse(list.res.bytes.toString()).map((r: any) => r['file.size'])).toEqual([19, 19]);
    expect((await t.call('POST', '/views/queue', { body: { columns: [] } })).body.message).toMatch(
      /containerId is required/,
    );
    const bad = await t.call('GET', `/data_view_executions/000000000000000000000000/data`);
    expect(bad.status).toBe(404);
    const failed = await run(t, { columns: [{ src: 'nothing.x' }] }, h.project);
    expect(failed.exec.state).toBe('failed');
    expect(failed.res.body.message).toMatch(/does not start with a container level/);
    const { _id } = await t.ok('POST', `/containers/${h.project}/views`, {
      body: {
        label: 'saved',
        columns: [{ src: 'subject.sex', dst: 'sex' }],
        includeIds: false,
        includeLabels: false,
      },
    });
    const q = await t.ok('POST', `/views/${_id}/queue?containerId=${h.session}`);
    expect(q.data_view_id).toBe(_id);
    const sync = await t.call('GET', `/views/${_id}/data?containerId=${h.session}&format=csv`);
    expect(sync.bytes.toString()).toBe('sex,error\nfemale,\n');
    const cols = await t.ok('GET', '/views/columns');
    expect(cols.map((c: any) => c.name)).toContain('session.age_years');
  });

  it('processFiles reads zip members that match zipMember', async () => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('k\tv\nx\t1\ny\t2\n'), 'inner/table.tsv');
    zip.addBuffer(Buffer.from('not a table'), 'inner/readme.txt');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const b of zip.outputStream) chunks.push(b as Buffer);
    const acq = (
      await t.ok('POST', '/acquisitions', { body: { session: session2, label: 'zipped' } })
    )._id;
    await t.ok('POST', `/acquisitions/${acq}/files`, {
      raw: form([{ name: 'tables.zip', data: Buffer.concat(chunks) }]),
    });
    const view = {
      fileSpec: {
        container: 'acquisition',
        filter: { value: '*.zip' },
        zipMember: { value: '*.tsv' },
        processFiles: true,
      },
      includeIds: false,
      includeLabels: false,
    };
    const { res } = await run(t, view, acq);
    expect(JSON.parse(res.bytes.toString())).toEqual([
      { k: 'x', v: 1, error: null },
      { k: 'y', v: 2, error: null },
    ]);
  });

  it('a 10,000-row file view streams: rows come out before the file is read through', async () => {
    const lines = ['n,sq'];
    for (let i = 0; i < 10000; i++) lines.push(`${i},${i * i}`);
    const acq = (
      await t.ok('POST', '/acquisitions', { body: { session: h.session, label: 'big' } })
    )._id;
    await t.ok('POST', `/acquisitions/${acq}/files`, {
      raw: form([{ name: 'big.csv', data: lines.join('\n') + '\n' }]),
    });
    const view = {
      fileSpec: { container: 'acquisition', filter: { value: 'big.csv' }, processFiles: true },
      includeIds: false,
      includeLabels: false,
    };
    const dataDir = t.server.dataDir;
    const state = {
      db: openDatabase(join(dataDir, 'flywheel.sqlite')),
      blobs: createBlobStore({ dataDir }),
    };
    const stats: EvalStats = { containersRead: 0, fileBytesRead: 0, rows: 0 };
    const it = evaluateView({
      db: state.db,
      blobs: state.blobs,
      view,
      container: getRow(state.db, acq)!,
      stats,
    });
    const first = await it.next();
    expect(first.value).toEqual({ n: 0, sq: 0, error: null });
    const size = Buffer.byteLength(lines.join('\n') + '\n');
    expect(stats.fileBytesRead).toBeLessThan(size);
    await it.return(undefined);
    state.db.close();
    const { res } = await run(t, view, acq, 'csv');
    const out = res.bytes.toString().trim().split('\n');
    expect(out).toHaveLength(10001);
    expect(out[10000]).toBe('9999,99980001,');
  });
});
