import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
beforeAll(async () => {
  h = await hierarchy(t);
  await t.ok('POST', '/gears/batch-gear', {
    body: {
      category: 'analysis',
      gear: {
        name: 'batch-gear',
        version: '1.0.0',
        inputs: { dicom: { base: 'file', type: { enum: ['dicom'] } } },
      },
    },
  });
});

describe('views', () => {
  it('POST/GET /containers/{id}/views, GET/PUT/DELETE /views/{view_id}', async () => {
    const { _id } = await t.ok('POST', `/containers/${h.project}/views`, {
      body: { label: 'v', columns: [{ src: 'subject.code', dst: 'code' }] },
    });
    const list = await t.ok('GET', `/containers/${h.project}/views`);
    expect(list.map((v: any) => v._id)).toEqual([_id]);
    expect(await t.ok('GET', `/views/${_id}`)).toMatchObject({
      label: 'v',
      columns: [{ src: 'subject.code', dst: 'code' }],
      origin: { type: 'user' },
    });
    expect(await t.ok('PUT', `/views/${_id}`, { body: { label: 'w', includeIds: false } })).toEqual(
      {
        modified: 1,
      },
    );
    expect((await t.ok('GET', `/views/${_id}`)).label).toBe('w');
    expect(
      (await t.call('POST', `/containers/${h.project}/views`, { body: { columns: [] } })).status,
    ).toBe(400);
    const key = await t.createUser('views-other@example.org');
    expect((await t.call('GET', `/views/${_id}`, { key })).status).toBe(403);
    expect(await t.ok('DELETE', `/views/${_id}`)).toEqual({ deleted: 1 });
    expect((await t.call('GET', `/views/${_id}`)).status).toBe(404);
  });
});

describe('batch', () => {
  it('POST /batch proposes, POST /batch/{id}/run makes jobs, POST /batch/{id}/cancel cancels them', async () => {
    const acq2 = (
      await t.ok('POST', '/acquisitions', { body: { session: h.session, label: 'A2' } })
    )._id;
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'a.dcm', data: 'x' }], { type: 'dicom' }),
    });
    const p = await t.ok('POST', '/batch', {
      body: {
        gear_id: 'batch-gear',
        targets: [
          { type: 'acquisition', id: h.acquisition },
          { type: 'acquisition', id: acq2 },
        ],
      },
    });
    expect(p.matched).toEqual([{ type: 'acquisition', id: h.acquisition }]);
    expect(p.not_matched.map((a: any) => a._id)).toEqual([acq2]);
    expect((await t.ok('GET', `/batch/${p._id}`)).state).toBe('pending');
    expect((await t.ok('GET', '/batch')).map((b: any) => b._id)).toContain(p._id);
    const jobs = await t.ok('POST', `/batch/${p._id}/run`);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].inputs.dicom).toMatchObject({ id: h.acquisition, name: 'a.dcm' });
    expect((await t.call('POST', `/batch/${p._id}/run`)).status).toBe(400);
    const b = await t.ok('GET', `/batch/${p._id}?jobs=true`);
    expect(b.jobs[0].id).toBe(jobs[0].id);
    expect(await t.ok('POST', `/batch/${p._id}/cancel`)).toEqual({ number_cancelled: 1 });
    expect((await t.ok('GET', `/jobs/${jobs[0].id}`)).state).toBe('cancelled');
  });

  it('POST /batch/jobs makes a batch of pre-made jobs', async () => {
    const b = await t.ok('POST', '/batch/jobs', {
      body: {
        jobs: [
          {
            gear_id: 'batch-gear',
            inputs: { dicom: { type: 'acquisition', id: h.acquisition, name: 'a.dcm' } },
          },
        ],
      },
    });
    expect(b.proposal.preconstructed_jobs).toHaveLength(1);
    const jobs = await t.ok('POST', `/batch/${b._id}/run`);
    expect(jobs[0].state).toBe('pending');
  });
});

describe('bulk move and config.js', () => {
  it('POST /bulk/move/sessions moves sessions to another subject; conflicts are reported', async () => {
    const other = await hierarchy(t);
    const dry = await t.ok('POST', '/bulk/move/sessions', {
      body: {
        destination_container_type: 'subjects',
        sources: [h.session],
        destinations: [other.subject],
        conflict_mode: 'dry',
      },
    });
    // both hierarchies' sessions have the same label: a conflict
    expect(dry).toEqual([
      expect.objectContaining({
        id: h.session,
        conflict_with: { type: 'session', id: other.session },
      }),
    ]);
    const move = (mode: string) =>
      t.ok('POST', '/bulk/move/sessions', {
        body: {
          destination_container_type: 'subjects',
          sources: [h.session],
          destinations: [other.subject],
          conflict_mode: mode,
        },
      });
    await move('skip');
    expect((await t.ok('GET', `/sessions/${h.session}`)).parents.subject).toBe(h.subject);
    await move('move');
    const s = await t.ok('GET', `/sessions/${h.session}`);
    expect(s.parents).toMatchObject({ project: other.project, subject: other.subject });
    expect(s.subject._id).toBe(other.subject);
    const a = await t.ok('GET', `/acquisitions/${h.acquisition}`);
    expect(a.parents.project).toBe(other.project);
    // into a project: a subject with the session's code is found or made there
    const third = await hierarchy(t);
    expect(
      await t.ok('POST', '/bulk/move/sessions', {
        body: {
          destination_container_type: 'projects',
          sources: [h.session],
          destinations: [third.project],
          conflict_mode: 'move',
        },
      }),
    ).toHaveLength(1);
    expect((await t.ok('GET', `/sessions/${h.session}`)).parents.project).toBe(third.project);
  });

  it('GET /config.js answers the site configuration', async () => {
    expect((await t.ok('GET', '/config.js')).site.id).toBe('local');
  });
});
