import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
beforeAll(async () => {
  h = await hierarchy(t);
  await t.ok('POST', '/gears/series-gear', {
    body: {
      category: 'analysis',
      gear: {
        name: 'series-gear',
        version: '1.0.0',
        inputs: { file: { base: 'file' } },
        config: { n: { type: 'integer', default: 3 }, s: { type: 'string' } },
      },
    },
  });
});

describe('gears', () => {
  it('GET /gears/{gear_id}/invocation is the job schema of the manifest', async () => {
    const inv = await t.ok('GET', '/gears/series-gear/invocation');
    expect(inv.properties.config.properties.n).toEqual({ type: 'integer', default: 3 });
    expect(inv.properties.config.required).toEqual(['s']);
    expect(inv.properties.inputs.required).toEqual(['file']);
  });

  it('GET/PUT /gears/{gear_name}/series and the permissions ops', async () => {
    const s = await t.ok('GET', '/gears/series-gear/series');
    expect(s).toMatchObject({ name: 'series-gear', is_restricted: false });
    expect(
      await t.ok('PUT', '/gears/series-gear/series', { body: { is_restricted: true } }),
    ).toMatchObject({ is_restricted: true, _id: s._id });
    expect(
      (await t.ok('PUT', '/gears/series-gear/permissions/users', { body: { id: 'u@x.org' } }))
        .permissions.users,
    ).toEqual(['u@x.org']);
    expect(
      (await t.ok('PUT', '/gears/series-gear/permissions', { body: { projects: [h.project] } }))
        .permissions,
    ).toEqual({ users: [], projects: [h.project] });
    expect(
      (await t.call('DELETE', `/gears/series-gear/permissions/projects/${h.project}`)).status,
    ).toBe(204);
    expect((await t.call('DELETE', '/gears/series-gear/permissions')).status).toBe(204);
    expect((await t.ok('GET', '/gears/series-gear/series')).permissions).toEqual({
      users: [],
      projects: [],
    });
    expect((await t.call('GET', '/gears/nosuch/series')).status).toBe(404);
    expect(
      (await t.call('PUT', '/gears/series-gear/permissions/bogus', { body: { id: 'x' } })).status,
    ).toBe(400);
  });
});

describe('analyses', () => {
  it('GET /analyses, GET /analyses/{id}/inputs/{name}/info, GET …/input_files/{name}/info', async () => {
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'in.nii', data: 'abc' }]),
    });
    const aid = (
      await t.ok('POST', `/sessions/${h.session}/analyses`, {
        body: {
          label: 'adhoc',
          inputs: [{ type: 'acquisition', id: h.acquisition, name: 'in.nii' }],
        },
      })
    )._id;
    const all = await t.ok('GET', '/analyses');
    expect(all.map((a: any) => a._id)).toContain(aid);
    const info = await t.ok('GET', `/analyses/${aid}/inputs/in.nii/info`);
    expect(info).toMatchObject({ name: 'in.nii', size: 3 });
    expect((await t.ok('GET', `/analyses/${aid}/input_files/in.nii/info`))[0].name).toBe('in.nii');
    expect((await t.call('GET', `/analyses/${aid}/inputs/none.nii/info`)).status).toBe(404);
  });
});

describe('containers', () => {
  it('GET /collections/curators and GET /projects/groups', async () => {
    await t.ok('POST', '/collections', { body: { label: 'C' } });
    const cur = await t.ok('GET', '/collections/curators');
    expect(cur.map((u: any) => u._id)).toContain('admin@local.flywheel');
    const groups = await t.ok('GET', '/projects/groups');
    expect(groups.map((g: any) => g._id)).toContain(h.group);
  });

  it('GET /projects/{id}/delete-status', async () => {
    expect(await t.ok('GET', `/projects/${h.project}/delete-status`)).toEqual({
      delete_status: 'static',
    });
  });

  it('POST /subjects/master-code and GET /subjects/master-code/{code}', async () => {
    const a = await t.ok('POST', '/subjects/master-code', { body: { patient_id: 'P-1' } });
    // random, unguessable codes (not a counter)
    expect(a.code).toMatch(/^FW[A-Z2-9]{8}$/);
    expect(await t.ok('POST', '/subjects/master-code', { body: { patient_id: 'P-1' } })).toEqual(a);
    const b = await t.ok('POST', '/subjects/master-code', {
      body: { first_name: 'A', last_name: 'B', date_of_birth: '2000-01-01' },
    });
    expect(b.code).not.toBe(a.code);
    expect(await t.ok('GET', `/subjects/master-code/${a.code}`)).toEqual(a);
    expect((await t.call('GET', '/subjects/master-code/FW00000000')).status).toBe(404);
    expect((await t.call('POST', '/subjects/master-code', { body: {} })).status).toBe(400);
  });

  it('POST /uids answers the session and acquisition uids that exist', async () => {
    // v21's SessionModify has no uid: the session gets it when created
    await t.ok('POST', '/sessions', {
      body: { project: h.project, label: 'uid session', uid: '1.2.3', subject: { code: 'uid-1' } },
    });
    await t.ok('PUT', `/acquisitions/${h.acquisition}`, { body: { uid: '1.2.3.4' } });
    const r = await t.ok('POST', '/uids', {
      body: { sessions: ['1.2.3', '9.9'], acquisitions: ['1.2.3.4'], project_id: h.project },
    });
    expect(r).toEqual({ sessions: ['1.2.3'], acquisitions: ['1.2.3.4'] });
  });
});

describe('session templates', () => {
  it('POST /projects/{id}/template, POST /projects/{id}/recalc, DELETE /projects/{id}/template, POST /projects/recalc', async () => {
    const p = await hierarchy(t, { acquisition: 'T1w' });
    const templates = [{ acquisitions: [{ label: '^T1', minimum: 1, files: [{ minimum: 1 }] }] }];
    expect(await t.ok('POST', `/projects/${p.project}/template`, { body: { templates } })).toEqual({
      modified: 1,
    });
    // no file yet: the acquisition does not count
    expect((await t.ok('GET', `/sessions/${p.session}`)).satisfies_template).toBe(false);
    await t.ok('POST', `/acquisitions/${p.acquisition}/files`, {
      raw: form([{ name: 't1.nii', data: 'x' }]),
    });
    expect(await t.ok('POST', `/projects/${p.project}/recalc`)).toEqual({
      sessions_changed: [p.session],
    });
    const s = await t.ok('GET', `/sessions/${p.session}`);
    expect(s).toMatchObject({ satisfies_template: true, project_has_template: true });
    expect((await t.ok('POST', '/projects/recalc')).sessions_changed).toEqual([]);
    expect(await t.ok('DELETE', `/projects/${p.project}/template`)).toEqual({ deleted: 1 });
    expect((await t.ok('GET', `/sessions/${p.session}`)).satisfies_template).toBeUndefined();
    expect(
      (
        await t.call('POST', `/projects/${p.project}/template`, {
          body: { templates: [{ session: { label: '(' } }] },
        })
      ).status,
    ).toBe(400);
  });
});

describe('gear suggest', () => {
  it('GET /gears/{gear_id}/suggest/{container_name}/{container_id}', async () => {
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 's.txt', data: 'x' }]),
    });
    const s = await t.ok('GET', `/gears/series-gear/suggest/acquisitions/${h.acquisition}`);
    expect(s).toMatchObject({ _id: h.acquisition, cont_type: 'acquisition' });
    expect(s.parents.map((p: any) => p.cont_type)).toEqual([
      'group',
      'project',
      'subject',
      'session',
    ]);
    expect(s.files.find((f: any) => f.name === 's.txt').suggested).toEqual({ file: true });
    const ses = await t.ok('GET', `/gears/series-gear/suggest/sessions/${h.session}`);
    expect(ses.children.acquisitions.map((a: any) => a._id)).toContain(h.acquisition);
  });
});
