import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
let gearId: string;
let fileRef: { type: string; id: string; name: string };

const manifest = {
  name: 'checked-gear',
  label: 'Checked gear',
  version: '1.0.0',
  inputs: { 'any-file': { base: 'file' } },
  config: { speed: { type: 'integer', default: 2 }, mode: { type: 'string', default: 'a' } },
};

beforeAll(async () => {
  h = await hierarchy(t);
  await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
    raw: form([{ name: 'in.nii.gz', data: 'input bytes' }]),
  });
  fileRef = { type: 'acquisition', id: h.acquisition, name: 'in.nii.gz' };
  gearId = (
    await t.ok('POST', '/gears/checked-gear', { body: { category: 'analysis', gear: manifest } })
  )._id;
  await t.ok('POST', '/gears/two-inputs', {
    body: {
      category: 'analysis',
      gear: {
        ...manifest,
        name: 'two-inputs',
        inputs: { a: { base: 'file' }, b: { base: 'file' } },
      },
    },
  });
});

describe('groups', () => {
  it('reserved ids are rejected; a duplicate is a conflict; every group has editions', async () => {
    for (const id of ['unknown', 'site']) {
      const r = await t.call('POST', '/groups', { body: { _id: id, label: 'x' } });
      expect(r.status, id).toBe(400);
      expect(r.body.message).toContain('reserved');
    }
    expect((await t.call('POST', '/groups', { body: { _id: h.group, label: 'x' } })).status).toBe(
      409,
    );
    expect((await t.ok('GET', `/groups/${h.group}`)).editions).toEqual({ lab: false });
    for (const g of await t.ok('GET', '/groups')) expect(g.editions).toBeDefined();
  });
});

describe('jobs against the gear manifest', () => {
  it('an undeclared input is a 400 naming it', async () => {
    const r = await t.call('POST', '/jobs/add', {
      body: { gear_id: gearId, inputs: { nope: fileRef } },
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('"nope"');
  });

  it('a config value of the wrong type is a 422 naming it', async () => {
    const r = await t.call('POST', '/jobs/add', {
      body: { gear_id: gearId, inputs: { 'any-file': fileRef }, config: { speed: 'fast' } },
    });
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('"speed"');
  });

  it("a job's label is stored and returned", async () => {
    const { _id } = await t.ok('POST', '/jobs/add', {
      body: {
        gear_id: gearId,
        inputs: { 'any-file': fileRef },
        label: 'my run',
        config: { speed: 3 },
      },
    });
    const job = await t.ok('GET', `/jobs/${_id}`);
    expect(job.label).toBe('my run');
    expect(job.config.config.speed).toBe(3);
  });
});

describe('special filter words', () => {
  it('gears accept filter=single_input', async () => {
    const names = (await t.ok('GET', '/gears?filter=single_input')).map((g: any) => g.gear.name);
    expect(names).toContain('checked-gear');
    expect(names).not.toContain('two-inputs');
    const both = await t.ok('GET', '/gears?filter=single_input,gear.name=two-inputs');
    expect(both).toEqual([]);
  });
});
