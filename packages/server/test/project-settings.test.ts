import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
let userKey: string;

beforeAll(async () => {
  h = await hierarchy(t, { session: 'baseline', acquisition: 'T1w' });
  userKey = await t.createUser('ps-user@example.com');
  await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
    raw: form([{ name: 't1.nii.gz', data: 'nifti' }]),
  });
});

describe('project settings', () => {
  it('PUT /projects/{project_id}/settings stores settings; GET answers them', async () => {
    expect(await t.ok('GET', `/projects/${h.project}/settings`)).toEqual({});
    const s = await t.ok('PUT', `/projects/${h.project}/settings`, {
      body: {
        external_routing_id: 'r-1',
        sharing: { summary: 'Open data', therapeutic_areas: ['Neurology'] },
      },
    });
    expect(s.external_routing_id).toBe('r-1');
    expect(s.sharing).toMatchObject({ summary: 'Open data', share_level: 'high_level' });
    expect((await t.ok('GET', `/projects/${h.project}/settings`)).external_routing_id).toBe('r-1');
    expect(
      (await t.call('PUT', `/projects/${h.project}/settings`, { body: { bogus: 1 } })).status,
    ).toBe(400);
    expect((await t.call('GET', `/projects/${h.project}/settings`, { key: userKey })).status).toBe(
      403,
    );
  });

  it('GET /projects/catalog-list lists shared projects; filter options collect their values', async () => {
    const list = await t.ok('GET', '/projects/catalog-list?search_string=open');
    expect(list.map((p: any) => p.id)).toContain(h.project);
    expect((await t.ok('GET', '/projects/catalog-list?search_string=zzzz')).length).toBe(0);
    const opts = await t.ok('GET', '/projects/catalog-list-filter-options');
    expect(opts.therapeutic_areas).toContain('Neurology');
  });
});

describe('session templates', () => {
  it('POST /projects/{project_id}/template evaluates sessions; recalc and DELETE follow changes', async () => {
    await t.ok('POST', `/projects/${h.project}/template`, {
      body: {
        templates: [{ session: { label: '^base' }, acquisitions: [{ label: 'T1', minimum: 1 }] }],
      },
    });
    let ses = await t.ok('GET', `/sessions/${h.session}`);
    expect(ses.satisfies_template).toBe(true);
    expect((await t.ok('GET', `/projects/${h.project}`)).templates.length).toBe(1);
    // a second session without the acquisition does not satisfy it
    const other = (
      await t.ok('POST', '/sessions', {
        body: { project: h.project, label: 'baseline-2', subject: { _id: h.subject } },
      })
    )._id;
    const r = await t.ok('POST', `/projects/${h.project}/recalc`);
    expect(r.sessions_changed).toEqual([other]);
    expect((await t.ok('GET', `/sessions/${other}`)).satisfies_template).toBe(false);
    // a file requirement the acquisition does not meet
    await t.ok('POST', `/projects/${h.project}/template`, {
      body: {
        templates: [
          { acquisitions: [{ label: 'T1', files: [{ mimetype: 'application/dicom' }] }] },
        ],
      },
    });
    ses = await t.ok('GET', `/sessions/${h.session}`);
    expect(ses.satisfies_template).toBe(false);
    expect((await t.ok('POST', '/projects/recalc')).sessions_changed).toEqual([]);
    expect(await t.ok('DELETE', `/projects/${h.project}/template`)).toEqual({ deleted: 1 });
    expect((await t.ok('GET', `/sessions/${h.session}`)).satisfies_template).toBeUndefined();
    expect(
      (
        await t.call('POST', `/projects/${h.project}/template`, {
          body: { templates: [{ session: { label: 3 } }] },
        })
      ).status,
    ).toBe(400);
  });
});

describe('project extras', () => {
  it('GET /projects/groups lists the groups of visible projects', async () => {
    const groups = await t.ok('GET', '/projects/groups');
    expect(groups.map((g: any) => g._id)).toContain(h.group);
    expect(await t.ok('GET', '/projects/groups', { key: userKey })).toEqual([]);
  });

  it('GET /projects/{project_id}/delete-status answers static for a live project', async () => {
    expect(await t.ok('GET', `/projects/${h.project}/delete-status`)).toEqual({
      delete_status: 'static',
    });
  });

  it('POST /projects/{project_id}/upsert-hierarchy finds or creates subject/session/acquisition', async () => {
    const body = {
      origin: { type: 'user', id: 'admin' },
      subject: { label: 'sub-01' },
      session: { label: 'baseline' },
      acquisition: { label: 'T1w' },
    };
    const found = await t.ok('POST', `/projects/${h.project}/upsert-hierarchy`, { body });
    expect(found.subject).toMatchObject({ _id: h.subject, upsert_result: 'ignored' });
    expect(found.session).toMatchObject({ _id: h.session, upsert_result: 'ignored' });
    expect(found.acquisition).toMatchObject({ _id: h.acquisition, upsert_result: 'ignored' });
    const created = await t.ok('POST', `/projects/${h.project}/upsert-hierarchy`, {
      body: {
        ...body,
        subject: { label: 'sub-02' },
        session: { label: 'ses-x', uid: '1.2.3' },
        acquisition: { label: 'dwi', tags: ['t'] },
      },
    });
    expect(created.subject.upsert_result).toBe('created');
    expect(created.session).toMatchObject({ upsert_result: 'created', uid: '1.2.3' });
    const ses = await t.ok('GET', `/sessions/${created.session._id}`);
    expect(ses.parents.subject).toBe(created.subject._id);
    const acq = await t.ok('GET', `/acquisitions/${created.acquisition._id}`);
    expect(acq).toMatchObject({ label: 'dwi', tags: ['t'] });
    const upd = await t.ok('POST', `/projects/${h.project}/upsert-hierarchy`, {
      body: {
        origin: { type: 'user' },
        subject: { label: 'sub-02' },
        session: { uid: '1.2.3', operator: 'op' },
      },
    });
    expect(upd.session).toMatchObject({ _id: created.session._id, upsert_result: 'updated' });
    expect(
      (await t.call('POST', `/projects/${h.project}/upsert-hierarchy`, { body: { subject: {} } }))
        .status,
    ).toBe(400);
    expect(
      (await t.call('POST', `/projects/${h.project}/upsert-hierarchy`, { body, key: userKey }))
        .status,
    ).toBe(403);
  });
});
