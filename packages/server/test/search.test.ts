import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
let other: string;

beforeAll(async () => {
  h = await hierarchy(t, { project: 'Search Project', session: 'baseline', acquisition: 'T1w' });
  await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
    raw: form([{ name: 'brain.nii.gz', data: 'nii' }]),
  });
  await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
    raw: form([{ name: 'notes.txt', data: 'txt' }]),
  });
  await t.ok('POST', '/acquisitions', { body: { session: h.session, label: 'fMRI' } });
  other = await t.createUser('searcher@example.org');
});

const search = (body: unknown, q = 'simple=true&size=100', key?: string) =>
  t.call('POST', `/dataexplorer/search?${q}`, { body, ...(key ? { key } : {}) });

describe('search', () => {
  it('returns sessions matching a structured query with context', async () => {
    const r = await search({
      return_type: 'session',
      structured_query: 'session.label = baseline AND project.label = "Search Project"',
    });
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(1);
    expect(r.body[0]).toMatchObject({
      return_type: 'session',
      group: { _id: h.group },
      project: { _id: h.project, label: 'Search Project' },
      subject: { _id: h.subject, code: 'sub-01' },
      session: { _id: h.session, label: 'baseline' },
    });
  });

  it('returns files with their hierarchy and filters on file fields', async () => {
    const r = await search({
      return_type: 'file',
      structured_query: `file.type = nifti AND acquisition.label = T1w AND group._id = ${h.group}`,
    });
    expect(r.body.map((x: any) => x.file.name)).toEqual(['brain.nii.gz']);
    expect(r.body[0]).toMatchObject({
      acquisition: { _id: h.acquisition },
      session: { _id: h.session },
      parent: { type: 'acquisition', _id: h.acquisition },
    });
  });

  it('matches containers by what their subtree holds (descendant containers and files)', async () => {
    const acqs = await search({
      return_type: 'acquisition',
      structured_query: `file.type = nifti AND project._id = ${h.project}`,
    });
    expect(acqs.body.map((x: any) => x.acquisition._id)).toEqual([h.acquisition]);
    const subjects = await search({
      return_type: 'subject',
      structured_query: `acquisition.label = fMRI AND project._id = ${h.project}`,
    });
    expect(subjects.body.map((x: any) => x.subject._id)).toEqual([h.subject]);
    const sessions = await search({
      return_type: 'session',
      structured_query: `file.name = notes.txt AND session.label = baseline`,
    });
    expect(sessions.body.map((x: any) => x.session._id)).toEqual([h.session]);
    // each result appears once however many records under it match
    const projects = await search({
      return_type: 'project',
      structured_query: `project._id = ${h.project} AND file.type EXISTS`,
    });
    expect(projects.body.map((x: any) => x.project._id)).toEqual([h.project]);
    const none = await search({
      return_type: 'subject',
      structured_query: `acquisition.label = DWI AND project._id = ${h.project}`,
    });
    expect(none.body).toEqual([]);
  });

  it('supports IN, LIKE, CONTAINS and negation', async () => {
    const inq = await search({
      return_type: 'acquisition',
      structured_query: `acquisition.label IN [T1w, fMRI] AND project._id = ${h.project}`,
    });
    expect(inq.body.map((x: any) => x.acquisition.label).sort()).toEqual(['T1w', 'fMRI']);
    const like = await search({
      return_type: 'acquisition',
      structured_query: `acquisition.label LIKE f* AND project._id = ${h.project}`,
    });
    expect(like.body.map((x: any) => x.acquisition.label)).toEqual(['fMRI']);
    const not = await search({
      return_type: 'acquisition',
      structured_query: `NOT acquisition.label = fMRI AND project._id = ${h.project}`,
    });
    expect(not.body.map((x: any) => x.acquisition.label)).toEqual(['T1w']);
  });

  it('limits by size and rejects sizes above 10000 and bad queries', async () => {
    const one = await search(
      { return_type: 'acquisition', structured_query: `project._id = ${h.project}` },
      'simple=true&size=1',
    );
    expect(one.body).toHaveLength(1);
    expect((await search({ return_type: 'acquisition' }, 'simple=true&size=10001')).status).toBe(
      400,
    );
    expect(
      (await search({ return_type: 'acquisition', structured_query: 'acquisition.label = (' }))
        .status,
    ).toBe(400);
    expect((await search({ return_type: 'nonsense' })).status).toBe(400);
    expect((await search({ structured_query: 'x = 1' })).status).toBe(400);
  });

  it('only returns what the caller may see', async () => {
    const r = await search(
      { return_type: 'session', structured_query: `project._id = ${h.project}` },
      'simple=true',
      other,
    );
    expect(r.status).toBe(200);
    expect(r.body).toEqual([]);
  });
});
