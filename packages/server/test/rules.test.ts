import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
let gearId: string;
let userKey: string;

beforeAll(async () => {
  h = await hierarchy(t);
  userKey = await t.createUser('rules-user@example.com');
  gearId = (
    await t.ok('POST', '/gears/rule-gear', {
      body: {
        category: 'converter',
        gear: { name: 'rule-gear', label: 'R', version: '1.0.0', inputs: {}, config: {} },
      },
    })
  )._id;
});

const rule = () => ({
  gear_id: gearId,
  name: 'convert dicoms',
  any: [],
  all: [{ type: 'file.type', value: 'dicom' }],
  not: [],
});

describe('site gear rules', () => {
  it('POST/GET/PUT/DELETE /site/rules/{rule_id} store a rule with revisions', async () => {
    const r = await t.ok('POST', '/site/rules', { body: rule() });
    expect(r).toMatchObject({
      name: 'convert dicoms',
      gear_id: gearId,
      revision: 1,
      disabled: false,
    });
    expect((await t.ok('GET', '/site/rules')).map((x: any) => x._id)).toContain(r._id);
    expect((await t.ok('GET', '/site/rules?name=nope')).length).toBe(0);
    const m = await t.ok('PUT', `/site/rules/${r._id}`, { body: { disabled: true } });
    expect(m).toMatchObject({ disabled: true, revision: 2 });
    expect((await t.ok('GET', `/site/rules/${r._id}`)).disabled).toBe(true);
    expect((await t.call('POST', '/site/rules', { body: rule(), key: userKey })).status).toBe(403);
    expect((await t.call('DELETE', `/site/rules/${r._id}`)).status).toBe(204);
    expect((await t.call('GET', `/site/rules/${r._id}`)).status).toBe(404);
  });

  it('POST /site/rules rejects an unknown gear and a bad condition', async () => {
    expect(
      (await t.call('POST', '/site/rules', { body: { ...rule(), gear_id: '0'.repeat(24) } }))
        .status,
    ).toBe(400);
    expect(
      (
        await t.call('POST', '/site/rules', {
          body: { ...rule(), all: [{ type: 'file.colour', value: 'x' }] },
        })
      ).status,
    ).toBe(400);
  });
});

describe('project gear rules', () => {
  it('POST /projects/{project_id}/rules creates a project rule listed only on that project', async () => {
    const r = await t.ok('POST', `/projects/${h.project}/rules`, { body: rule() });
    expect(r.project_id).toBe(h.project);
    const list = await t.ok('GET', `/projects/${h.project}/rules`);
    expect(list.map((x: any) => x._id)).toEqual([r._id]);
    expect((await t.ok('GET', '/site/rules')).map((x: any) => x._id)).not.toContain(r._id);
    expect((await t.ok('GET', `/projects/${h.project}/rules/${r._id}`)).name).toBe(
      'convert dicoms',
    );
    const m = await t.ok('PUT', `/projects/${h.project}/rules/${r._id}`, {
      body: { name: 'renamed', tags: ['auto'] },
    });
    expect(m).toMatchObject({ name: 'renamed', tags: ['auto'], revision: 2 });
    expect((await t.call('GET', `/site/rules/${r._id}`)).status).toBe(404);
    expect((await t.call('DELETE', `/projects/${h.project}/rules/${r._id}`)).status).toBe(204);
    expect(await t.ok('GET', `/projects/${h.project}/rules`)).toEqual([]);
  });

  it('GET /projects/{project_id}/rules needs project access; writes need admin', async () => {
    expect((await t.call('GET', `/projects/${h.project}/rules`, { key: userKey })).status).toBe(
      403,
    );
    expect(
      (await t.call('POST', `/projects/${h.project}/rules`, { body: rule(), key: userKey })).status,
    ).toBe(403);
    expect((await t.call('GET', `/projects/${'0'.repeat(24)}/rules`)).status).toBe(404);
  });
});

describe('gear rules fire on new files', () => {
  it('POST /upload/label queues a job for a matching project rule, none for a disabled or unmatched one', async () => {
    const convGear = (
      await t.ok('POST', '/gears/conv-gear', {
        body: {
          category: 'converter',
          gear: {
            name: 'conv-gear',
            label: 'C',
            version: '1.0.0',
            inputs: { dicom: { base: 'file' } },
            config: { depth: { type: 'integer', default: 1 } },
          },
        },
      })
    )._id;
    const p = await hierarchy(t);
    await t.ok('POST', `/projects/${p.project}/rules`, {
      body: {
        gear_id: convGear,
        name: 'dicoms',
        all: [{ type: 'file.name', value: '*.dcm' }],
        config: { depth: 3 },
        tags: ['auto'],
      },
    });
    await t.ok('POST', `/projects/${p.project}/rules`, {
      body: {
        gear_id: convGear,
        name: 'off',
        all: [{ type: 'file.name', value: '*' }],
        disabled: true,
      },
    });
    const meta = (name: string) => ({
      group: { _id: p.group },
      project: { label: 'Project' },
      session: { label: 'ses-01', subject: { code: 'sub-01' } },
      acquisition: { label: 'acq-01', files: [{ name }] },
    });
    await t.ok('POST', '/upload/label', {
      raw: form([{ name: 'scan.dcm', data: 'x' }], meta('scan.dcm')),
    });
    await t.ok('POST', '/upload/label', {
      raw: form([{ name: 'notes.txt', data: 'x' }], meta('notes.txt')),
    });
    const jobs = (await t.ok('GET', '/jobs?limit=1000')).filter(
      (j: any) => j.destination?.id === p.acquisition,
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      gear_id: convGear,
      state: 'pending',
      config: { config: { depth: 3 } },
    });
    expect(jobs[0].config.inputs.dicom).toMatchObject({
      type: 'acquisition',
      id: p.acquisition,
      name: 'scan.dcm',
    });
    expect(jobs[0].tags).toContain('auto');
  });
});
