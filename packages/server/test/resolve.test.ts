import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();
const SUBJ = { 'X-Accept-Feature': 'Subject-Container' };
let h: Awaited<ReturnType<typeof hierarchy>>;

beforeAll(async () => {
  h = await hierarchy(t, { project: 'My Project', session: 'Visit 1', acquisition: 'T1w' });
  await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
    raw: form([{ name: 'scan.nii.gz', data: 'nifti' }]),
  });
  await t.ok('POST', `/sessions/${h.session}/analyses`, {
    body: {
      label: 'my analysis',
      inputs: [{ type: 'acquisition', id: h.acquisition, name: 'scan.nii.gz' }],
    },
  });
});

describe('resolve', () => {
  it('resolves the root to groups and a group to its projects', async () => {
    const root = await t.ok('POST', '/resolve', { body: { path: [] }, headers: SUBJ });
    expect(root.path).toEqual([]);
    expect(root.children.some((c: any) => c._id === h.group && c.container_type === 'group')).toBe(
      true,
    );
    const g = await t.ok('POST', '/resolve', { body: { path: [h.group] }, headers: SUBJ });
    expect(g.path).toHaveLength(1);
    expect(g.path[0]).toMatchObject({ _id: h.group, container_type: 'group', node_type: 'group' });
    expect(g.children.map((c: any) => [c.container_type, c.label])).toEqual([
      ['project', 'My Project'],
    ]);
  });

  it('walks the subject level with or without the (2019) Subject-Container feature, as v21 does', async () => {
    const variants: Record<string, string>[] = [
      {},
      { 'X-Accept-Feature': 'pagination subject-container' },
    ];
    for (const headers of variants) {
      const top = await t.ok('POST', '/resolve', {
        body: { path: [h.group, 'My Project'] },
        headers,
      });
      expect(
        top.children
          .filter((c: any) => c.container_type !== 'file')
          .map((c: any) => c.container_type),
      ).toEqual(['subject']);
    }
    const full = await t.ok('POST', '/resolve', {
      body: { path: [h.group, 'My Project', 'sub-01', 'Visit 1', 'T1w'] },
    });
    expect(full.path.map((n: any) => n.container_type)).toEqual([
      'group',
      'project',
      'subject',
      'session',
      'acquisition',
    ]);
    expect(full.children.map((c: any) => [c.container_type, c.name])).toEqual([
      ['file', 'scan.nii.gz'],
    ]);
    // a path that skips the subject no longer resolves
    const noSub = await t.call('POST', '/resolve', {
      body: { path: [h.group, 'My Project', 'Visit 1', 'T1w'] },
    });
    expect(noSub.status).toBe(404);
  });

  it('accepts <id:...> items and the files/analyses segments', async () => {
    const byId = await t.ok('POST', '/resolve', {
      body: { path: [h.group, `<id:${h.project}>`, 'sub-01', `<id:${h.session}>`] },
      headers: SUBJ,
    });
    expect(byId.path[3]._id).toBe(h.session);
    const analyses = await t.ok('POST', '/resolve', {
      body: { path: [h.group, 'My Project', 'sub-01', 'Visit 1', 'analyses'] },
      headers: SUBJ,
    });
    expect(analyses.children.map((c: any) => [c.container_type, c.label])).toEqual([
      ['analysis', 'my analysis'],
    ]);
    const files = await t.ok('POST', '/resolve', {
      body: { path: [h.group, 'My Project', 'sub-01', 'Visit 1', 'T1w', 'files'] },
      headers: SUBJ,
    });
    expect(files.children.map((c: any) => c.name)).toEqual(['scan.nii.gz']);
  });

  it('misses answer 404', async () => {
    expect((await t.call('POST', '/resolve', { body: { path: [h.group, 'nope'] } })).status).toBe(
      404,
    );
    expect(
      (await t.call('POST', '/resolve', { body: { path: `${h.group}/My Project` } })).status,
    ).toBe(200);
    expect((await t.call('POST', '/resolve', { body: { path: [1, 2] } })).status).toBe(400);
  });
});

describe('lookup', () => {
  it('returns the full container with container_type', async () => {
    const node = await t.ok('POST', '/lookup', {
      body: { path: [h.group, 'My Project', 'sub-01', 'Visit 1'] },
      headers: SUBJ,
    });
    const session = await t.ok('GET', `/sessions/${h.session}`);
    expect(node).toEqual({ ...session, container_type: 'session' });
  });

  it('returns a file node', async () => {
    const node = await t.ok('POST', '/lookup', {
      body: { path: [h.group, 'My Project', 'sub-01', 'Visit 1', 'T1w', 'files', 'scan.nii.gz'] },
      headers: SUBJ,
    });
    expect(node).toMatchObject({ container_type: 'file', name: 'scan.nii.gz', type: 'nifti' });
  });

  it('misses answer 404', async () => {
    const r = await t.call('POST', '/lookup', {
      body: { path: [h.group, 'My Project', 'sub-01', 'Visit 2'] },
      headers: SUBJ,
    });
    expect(r.status).toBe(404);
    expect(r.body.status_code).toBe(404);
  });
});
