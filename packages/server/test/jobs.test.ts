import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
let gearId: string;

const manifest = {
  name: 'test-gear',
  label: 'Test gear',
  version: '1.0.0',
  inputs: { 'any-file': { base: 'file' } },
  config: { speed: { type: 'integer', default: 2 } },
};

beforeAll(async () => {
  h = await hierarchy(t);
  await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
    raw: form([{ name: 'in.nii.gz', data: 'input bytes' }]),
  });
  gearId = (
    await t.ok('POST', '/gears/test-gear', { body: { category: 'analysis', gear: manifest } })
  )._id;
});

describe('gears', () => {
  it('registers, lists, filters and gets gears', async () => {
    expect(gearId).toMatch(/^[0-9a-f]{24}$/);
    const gear = await t.ok('GET', `/gears/${gearId}`);
    expect(gear.gear).toMatchObject({ name: 'test-gear', version: '1.0.0' });
    expect((await t.ok('GET', '/gears/test-gear'))._id).toBe(gearId);
    await t.ok('POST', '/gears/other-gear', {
      body: { gear: { ...manifest, name: 'other-gear' } },
    });
    const filtered = await t.ok('GET', '/gears?filter=gear.name=test-gear');
    expect(filtered.map((g: any) => g._id)).toEqual([gearId]);
    expect((await t.call('POST', '/gears/test-gear', { body: { gear: manifest } })).status).toBe(
      409,
    );
    expect((await t.call('POST', '/gears/mismatch', { body: { gear: manifest } })).status).toBe(
      400,
    );
  });

  it('lists only the latest version unless all_versions', async () => {
    const v2 = (
      await t.ok('POST', '/gears/test-gear', { body: { gear: { ...manifest, version: '1.1.0' } } })
    )._id;
    const latest = (await t.ok('GET', '/gears')).filter((g: any) => g.gear.name === 'test-gear');
    expect(latest.map((g: any) => g._id)).toEqual([v2]);
    const all = (await t.ok('GET', '/gears?all_versions=true')).filter(
      (g: any) => g.gear.name === 'test-gear',
    );
    expect(all).toHaveLength(2);
    await t.ok('DELETE', `/gears/${v2}`);
  });
});

describe('jobs', () => {
  it('adds a pending job, lists, filters, changes state and keeps logs', async () => {
    const { _id } = await t.ok('POST', '/jobs/add', {
      body: {
        gear_id: gearId,
        inputs: { 'any-file': { type: 'acquisition', id: h.acquisition, name: 'in.nii.gz' } },
        tags: ['mine'],
      },
    });
    const job = await t.ok('GET', `/jobs/${_id}`);
    expect(job).toMatchObject({
      state: 'pending',
      attempt: 1,
      gear_id: gearId,
      destination: { type: 'acquisition', id: h.acquisition },
      // v21 JobOutput: config is {destination, inputs, config}; id and parents are sent
      config: { config: { speed: 2 }, destination: { type: 'acquisition', id: h.acquisition } },
      id: _id,
      parents: { acquisition: h.acquisition },
    });
    expect(job.related_container_ids).toContain(h.acquisition);
    expect(job.tags).toContain('mine');
    expect((await t.ok('GET', `/jobs?filter=state=pending`)).map((j: any) => j._id)).toContain(_id);
    expect((await t.ok('GET', '/jobs?limit=100&sort=created:desc'))[0]._id).toBe(_id);
    const before = job.modified;
    await t.ok('PUT', `/jobs/${_id}`, { body: {} });
    expect((await t.ok('GET', `/jobs/${_id}`)).modified > before).toBe(true);
    await t.ok('PUT', `/jobs/${_id}`, { body: { state: 'running' } });
    await t.ok('POST', `/jobs/${_id}/logs`, { body: [{ fd: 1, msg: 'one' }] });
    await t.ok('POST', `/jobs/${_id}/logs`, {
      body: [
        { fd: 1, msg: 'two' },
        { fd: 2, msg: 'three' },
      ],
    });
    const logs = await t.ok('GET', `/jobs/${_id}/logs`);
    expect(logs.logs.map((l: any) => l.msg)).toEqual(['one', 'two', 'three']);
    await t.ok('PUT', `/jobs/${_id}`, { body: { state: 'complete' } });
    expect((await t.ok('GET', `/jobs/${_id}`)).state).toBe('complete');
    expect((await t.call('PUT', `/jobs/${_id}`, { body: { state: 'running' } })).status).toBe(400);
    expect((await t.call('PUT', `/jobs/${_id}`, { body: { state: 'exploded' } })).status).toBe(400);
  });

  it('stores the priority of POST /jobs/add and answers it in GET /jobs/{id} (medium by default)', async () => {
    const input = { 'any-file': { type: 'acquisition', id: h.acquisition, name: 'in.nii.gz' } };
    const high = await t.ok('POST', '/jobs/add', {
      body: { gear_id: gearId, inputs: input, priority: 'high' },
    });
    expect(await t.ok('GET', `/jobs/${high._id}`)).toMatchObject({ priority: 'high' });
    const plain = await t.ok('POST', '/jobs/add', { body: { gear_id: gearId, inputs: input } });
    expect(await t.ok('GET', `/jobs/${plain._id}`)).toMatchObject({ priority: 'medium' });
    for (const priority of ['urgent', 3])
      expect(
        (await t.call('POST', '/jobs/add', { body: { gear_id: gearId, inputs: input, priority } }))
          .status,
      ).toBe(400);
  });

  it('rejects unknown gears and inputs', async () => {
    expect(
      (await t.call('POST', '/jobs/add', { body: { gear_id: '0123456789abcdef01234567' } })).status,
    ).toBe(404);
    expect(
      (
        await t.call('POST', '/jobs/add', {
          body: {
            gear_id: gearId,
            inputs: { 'any-file': { type: 'acquisition', id: h.acquisition, name: 'missing' } },
          },
        })
      ).status,
    ).toBe(404);
    expect((await t.call('GET', '/jobs/nope')).status).toBe(404);
  });
});

describe('analyses', () => {
  it('creates ad hoc analyses, embeds them, uploads and downloads outputs and inputs', async () => {
    const { _id } = await t.ok('POST', `/sessions/${h.session}/analyses`, {
      body: {
        label: 'adhoc',
        description: 'd',
        inputs: [{ type: 'acquisition', id: h.acquisition, name: 'in.nii.gz' }],
      },
    });
    const session = await t.ok('GET', `/sessions/${h.session}`);
    const embedded = session.analyses.find((a: any) => a._id === _id);
    expect(embedded.inputs[0].name).toBe('in.nii.gz');
    expect(embedded.job).toBeUndefined();
    const direct = await t.ok('GET', `/analyses/${_id}`);
    expect(direct).toEqual(embedded);
    expect(direct.parent).toEqual({ type: 'session', id: h.session });
    expect((await t.ok('GET', `/sessions/${h.session}/analyses/${_id}`))._id).toBe(_id);
    expect((await t.ok('GET', `/sessions/${h.session}/analyses`)).map((a: any) => a._id)).toEqual([
      _id,
    ]);

    await t.ok('POST', `/analyses/${_id}/files`, {
      raw: form(
        [
          { name: 'out1.txt', data: 'output one' },
          { name: 'out2.csv', data: 'a,b' },
        ],
        [{ name: 'out1.txt', info: { q: 1 } }],
      ),
    });
    const withOutputs = await t.ok('GET', `/analyses/${_id}`);
    expect(withOutputs.files.map((f: any) => f.name).sort()).toEqual(['out1.txt', 'out2.csv']);
    expect(withOutputs.files.find((f: any) => f.name === 'out1.txt').info).toEqual({ q: 1 });
    expect((await t.call('GET', `/analyses/${_id}/files/out1.txt`)).bytes.toString()).toBe(
      'output one',
    );
    expect(
      (
        await t.call('GET', `/sessions/${h.session}/analyses/${_id}/files/out2.csv`)
      ).bytes.toString(),
    ).toBe('a,b');
    expect((await t.call('GET', `/analyses/${_id}/inputs/in.nii.gz`)).bytes.toString()).toBe(
      'input bytes',
    );
    const tk = await t.ok('GET', `/analyses/${_id}/files/out1.txt?ticket=`);
    expect(tk).toMatchObject({ file_cnt: 1, size: 10 });
    expect(
      (
        await t.call('GET', `/analyses/${_id}/files/out1.txt?ticket=${tk.ticket}`, { key: null })
      ).bytes.toString(),
    ).toBe('output one');
  });

  it('modifies, tags, notes, info, and deletes through the parent', async () => {
    const { _id } = await t.ok('POST', `/projects/${h.project}/analyses`, {
      body: { label: 'to change' },
    });
    await t.ok('PUT', `/analyses/${_id}`, { body: { label: 'changed' } });
    await t.ok('PUT', `/projects/${h.project}/analyses/${_id}`, { body: { description: 'desc' } });
    await t.ok('POST', `/analyses/${_id}/tags`, { body: { value: 'tagged' } });
    await t.ok('POST', `/analyses/${_id}/notes`, { body: { text: 'hi' } });
    await t.ok('PATCH', `/analyses/${_id}/info`, { body: { set: { k: 1 } } });
    const a = await t.ok('GET', `/analyses/${_id}`);
    expect(a).toMatchObject({
      label: 'changed',
      description: 'desc',
      tags: ['tagged'],
      info: { k: 1 },
    });
    expect(a.notes[0].text).toBe('hi');
    await t.ok('DELETE', `/projects/${h.project}/analyses/${_id}`);
    expect((await t.call('GET', `/analyses/${_id}`)).status).toBe(404);
  });

  it('creates job-based analyses with a pending job', async () => {
    const { _id } = await t.ok('POST', `/sessions/${h.session}/analyses?job=true`, {
      body: {
        label: 'gear run',
        job: {
          gear_id: gearId,
          inputs: { 'any-file': { type: 'acquisition', id: h.acquisition, name: 'in.nii.gz' } },
        },
      },
    });
    const a = await t.ok('GET', `/analyses/${_id}?inflate_job=true`);
    expect(a.job.state).toBe('pending');
    expect(a.job.destination).toEqual({ type: 'analysis', id: _id });
    expect(a.gear_info).toMatchObject({ name: 'test-gear' });
    expect((await t.ok('GET', `/analyses/${_id}`)).job).toBe(a.job._id);
    expect(
      (
        await t.call('POST', `/analyses/${_id}/files`, {
          raw: form([{ name: 'x.txt', data: 'x' }]),
        })
      ).status,
    ).toBe(400);
  });

  it('aggregates analyses below a container', async () => {
    const list = await t.ok('GET', `/groups/${h.group}/all/analyses`);
    expect(list.length).toBeGreaterThanOrEqual(2);
    const sessionsOnly = await t.ok('GET', `/projects/${h.project}/sessions/analyses`);
    expect(sessionsOnly.every((a: any) => a.parent.type === 'session')).toBe(true);
    expect((await t.call('GET', `/projects/${h.project}/bogus/analyses`)).status).toBe(400);
  });
});
