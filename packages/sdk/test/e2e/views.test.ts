import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSpec, ViewBuilder, ViewBuilderError, ViewExecutionError } from '../../src/node.js';
import { groupId, useServer } from '../helpers/server.js';

const ctx = useServer();
let project: string;
let sessions: string[] = [];
let dir: string;

const text = async (s: ReadableStream<Uint8Array>) => new Response(s).text();

beforeAll(async () => {
  const { fw } = ctx;
  const group = groupId('views');
  await fw.addGroup({ _id: group, label: group });
  project = await fw.addProject({ group, label: 'Views' } as never);
  for (const [i, code] of ['s1', 's2'].entries()) {
    const subject = await fw.addSubject({
      project,
      code,
      label: code,
      sex: i ? 'male' : 'female',
    } as never);
    const session = await fw.addSession({
      project,
      subject: { _id: subject },
      label: `ses-${code}`,
      age: 31557600 * (20 + i),
    } as never);
    await fw.setSessionInfo(session, { score: 10 + i });
    await fw.uploadFileToContainer(
      session,
      new FileSpec('scores.csv', `item,value\na,${i}\nb,${i + 1}\n`, 'text/csv'),
    );
    sessions.push(session);
  }
  dir = await mkdtemp(join(tmpdir(), 'fw-views-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('ViewBuilder', () => {
  it('chains every method (label too) and builds the DataView JSON', () => {
    const b = ctx.fw.View({
      columns: ['subject.label', { src: 'session.info.score', dst: 'score', type: 'int' }],
    });
    expect(b.label('L')).toBe(b);
    const v = b.description('d').groupBy('subject.label').missingDataStrategy('drop-row').build();
    expect(v).toEqual({
      label: 'L',
      description: 'd',
      columns: [{ src: 'subject.label' }, { src: 'session.info.score', dst: 'score', type: 'int' }],
      groupBy: { columns: [{ src: 'subject.label' }] },
      errorColumn: false,
      missingDataStrategy: 'drop-row',
    });
  });

  it('file-column sugar and file specs; invalid combinations throw what to change', () => {
    const v = new ViewBuilder({ columns: ['acquisition.file.name'] }).build();
    expect(v.columns).toEqual([{ src: 'file.name', dst: 'acquisition.file.name' }]);
    expect(v.fileSpec).toMatchObject({
      container: 'acquisition',
      filter: { value: '*' },
      match: 'all',
      processFiles: false,
    });
    expect(v).toMatchObject({ errorColumn: false, missingDataStrategy: 'drop-row' });
    expect(
      () => new ViewBuilder({ columns: ['acquisition.file.name', 'session.file.name'] }),
    ).toThrow(/Can only select files on one container \(acquisition already selected\)/);
    expect(() => new ViewBuilder().fileContainer('session').build()).toThrow(
      /Both file_container and file_filter are required.*filename/,
    );
    expect(() => new ViewBuilder().files('session', '')).toThrow(ViewBuilderError);
    expect(() => new ViewBuilder().missingDataStrategy('x' as never)).toThrow(/none, drop-row/);
    expect(
      new ViewBuilder({ container: 'session', filename: '*.csv', zipFiles: '*.csv' }).build()
        .fileSpec,
    ).toMatchObject({
      container: 'session',
      filter: { value: '*.csv' },
      zipMember: { value: '*.csv', regex: false },
      processFiles: true,
      formatOptions: {},
    });
  });
});

describe('running views', () => {
  it('iterViewRows yields one object per row: subject, session and info.* columns', async () => {
    const view = ctx.fw.View({
      columns: [
        'subject.label',
        'session.label',
        { src: 'session.info.score', dst: 'score' },
        'session.age_years',
      ],
      includeIds: false,
    });
    const rows = [];
    for await (const r of ctx.fw.iterViewRows(view, project)) rows.push(r);
    expect(rows.map((r) => [r['subject.label'], r.score, r['session.age_years']]).sort()).toEqual([
      ['s1', 10, 20],
      ['s2', 11, 21],
    ]);
  });

  it('readViewData in csv, json, json-flat, json-row; a file-processing view reads the CSV on every session', async () => {
    const view = ctx.fw.View({
      columns: ['subject.label'],
      container: 'session',
      filename: 'scores.csv',
      includeIds: false,
      includeLabels: false,
    });
    const csv = await text(await ctx.fw.readViewData(view, project, { format: 'csv' }));
    expect(csv.trim().split('\n').sort()).toEqual([
      's1,a,0,',
      's1,b,1,',
      's2,a,1,',
      's2,b,2,',
      'subject.label,item,value,error',
    ]);
    const json = JSON.parse(await text(await ctx.fw.readViewData(view, project)));
    expect(json.data).toHaveLength(4);
    const flat = JSON.parse(
      await text(await ctx.fw.readViewData(view.build(), project, { format: 'json-flat' })),
    );
    expect(flat[0]).toMatchObject({ 'subject.label': expect.any(String), item: 'a' });
    const rowsFmt = JSON.parse(
      await text(await ctx.fw.readViewData(view, project, { format: 'json-row' })),
    );
    expect(rowsFmt.columns).toEqual(['subject.label', 'item', 'value', 'error']);
    await expect(ctx.fw.readViewData(view, project, { format: 'xml' as never })).rejects.toThrow(
      /csv, tsv, json, json-flat, json-row/,
    );
  });

  it('saveViewData writes the file atomically; a failing view leaves no file', async () => {
    const dest = join(dir, 'out.tsv');
    await ctx.fw.saveViewData(
      ctx.fw.View({ columns: ['session.label'], includeIds: false, includeLabels: false }),
      project,
      dest,
      { format: 'tsv' },
    );
    expect((await readFile(dest, 'utf8')).split('\n')[0]).toBe('session.label\terror');
    const bad = join(dir, 'bad.csv');
    await expect(
      ctx.fw.saveViewData({ columns: [{ src: 'bogus.x' }] }, project, bad),
    ).rejects.toThrow(ViewExecutionError);
    expect((await readdir(dir)).sort()).toEqual(['out.tsv']);
  });

  it('saved views: addView, getViews, modifyView, run by id, deleteView; getViewColumns', async () => {
    const { fw } = ctx;
    const id = (await fw.addView(
      project,
      fw
        .View({ label: 'sex', columns: ['subject.sex'], includeIds: false, includeLabels: false })
        .build() as never,
    )) as string;
    expect((await fw.getViews(project)).map((v) => v._id)).toContain(id);
    await fw.modifyView(id, { label: 'sex2' } as never);
    const rows = [];
    for await (const r of fw.iterViewRows(id, sessions[0]!)) rows.push(r);
    expect(rows).toEqual([{ 'subject.sex': 'female', error: null }]);
    await fw.deleteView(id);
    expect((await fw.getViews(project)).map((v) => v._id)).not.toContain(id);
    const cols = await fw.getViewColumns('age');
    expect(cols.length).toBeGreaterThan(0);
    expect(cols.every((c) => c.name.includes('age'))).toBe(true);
  });

  it('an AbortSignal cancels the wait; bad container ids are refused before a request', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(
      ctx.fw.readViewData(ctx.fw.View({ columns: ['session.label'] }), project, {
        signal: ac.signal,
      }),
    ).rejects.toThrow('stop');
    await expect(
      ctx.fw.readViewData(ctx.fw.View({ columns: ['session.label'] }), ''),
    ).rejects.toThrow(/containerId is required/);
  });
});
