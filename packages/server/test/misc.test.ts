import { beforeAll, describe, expect, it } from 'vitest';
import { hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
let userKey: string;

beforeAll(async () => {
  h = await hierarchy(t);
  userKey = await t.createUser('misc-user@example.com');
});

describe('custom filters', () => {
  it('POST/GET/PUT/DELETE /custom_filters/{custom_filter_id} keep private filters', async () => {
    const f = await t.ok('POST', '/custom_filters', {
      body: { label: 'Mine', view: 'tasks', filter: 'status=Todo' },
    });
    expect(f).toMatchObject({
      label: 'Mine',
      view: 'tasks',
      filter: 'status=Todo',
      origin: { type: 'user' },
    });
    const page = await t.ok('GET', '/custom_filters');
    expect(page.results.map((x: any) => x._id)).toEqual([f._id]);
    expect((await t.ok('GET', '/custom_filters', { key: userKey })).results).toEqual([]);
    expect(
      (
        await t.call('PUT', `/custom_filters/${f._id}`, {
          body: { label: 'x', view: 'tasks', filter: {} },
          key: userKey,
        })
      ).status,
    ).toBe(404);
    const u = await t.ok('PUT', `/custom_filters/${f._id}`, {
      body: { label: 'Renamed', view: 'tasks', filter: { a: 1 } },
    });
    expect(u).toMatchObject({ label: 'Renamed', filter: { a: 1 } });
    expect(
      (
        await t.call('POST', '/custom_filters', {
          body: { label: 'x', view: 'other', filter: 'a' },
        })
      ).status,
    ).toBe(400);
    expect(await t.ok('DELETE', `/custom_filters/${f._id}`)).toEqual({ deleted: 1 });
    expect((await t.ok('GET', '/custom_filters')).total).toBe(0);
  });
});

describe('uids', () => {
  it('POST /uids answers which session and acquisition uids exist', async () => {
    // v21's SessionModify has no uid: a session's uid is given when it is created
    const p = await t.ok('POST', '/projects', { body: { group: h.group, label: 'uids' } });
    await t.ok('POST', '/sessions', {
      body: { project: p._id, label: 'with uid', uid: '1.2.840.1', subject: { code: 'uid-s' } },
    });
    await t.ok('PUT', `/acquisitions/${h.acquisition}`, { body: { uid: '1.2.840.2' } });
    const r = await t.ok('POST', '/uids', {
      body: { sessions: ['1.2.840.1', 'nope'], acquisitions: ['1.2.840.2', '1.2.840.1'] },
    });
    expect(r).toEqual({ sessions: ['1.2.840.1'], acquisitions: ['1.2.840.2'] });
    expect(
      await t.ok('POST', '/uids', { body: { sessions: ['1.2.840.1'] }, key: userKey }),
    ).toEqual({ sessions: [], acquisitions: [] });
    expect(
      await t.ok('POST', '/uids', {
        body: { sessions: ['1.2.840.1'], project_id: '0'.repeat(24) },
      }),
    ).toEqual({ sessions: [], acquisitions: [] });
    expect((await t.call('POST', '/uids', { body: { sessions: 'x' } })).status).toBe(400);
  });
});

describe('tree', () => {
  it('POST /tree nests the requested levels with only the requested fields', async () => {
    const tree = await t.ok('POST', '/tree', {
      body: {
        projects: { fields: ['label'], filter: `_id=${h.project}` },
        sessions: { fields: ['label'] },
        acquisitions: { fields: ['label'] },
      },
    });
    expect(tree).toHaveLength(1);
    expect(tree[0]).toEqual({
      _id: h.project,
      label: 'Project',
      sessions: [
        {
          _id: h.session,
          label: 'ses-01',
          acquisitions: [{ _id: h.acquisition, label: 'acq-01' }],
        },
      ],
    });
    expect(
      await t.ok('POST', '/tree', { body: { projects: { fields: ['label'] } }, key: userKey }),
    ).toEqual([]);
    expect((await t.call('POST', '/tree', { body: {} })).status).toBe(400);
    expect(
      (await t.call('POST', '/tree', { body: { projects: { fields: 'label' } } })).status,
    ).toBe(400);
  });

  it('POST /tree nests analyses below the deepest level and pages the top level', async () => {
    const an = await t.ok('POST', `/sessions/${h.session}/analyses`, {
      body: { label: 'qa', inputs: [] },
    });
    const tree = await t.ok('POST', '/tree', {
      body: {
        sessions: { fields: ['label'], filter: `_id=${h.session}` },
        analyses: { fields: ['label'] },
      },
    });
    expect(tree).toEqual([
      { _id: h.session, label: 'ses-01', analyses: [{ _id: an._id, label: 'qa' }] },
    ]);
    const page = await t.ok('POST', '/tree?limit=1', {
      body: { groups: { fields: ['label'] } },
      headers: { 'x-accept-feature': 'pagination' },
    });
    expect(page.count).toBe(1);
    expect(page.total).toBeGreaterThanOrEqual(1);
  });

  it('GET /tree/graph describes the connections between levels', async () => {
    const g = await t.ok('GET', '/tree/graph');
    expect(g.projects.connections.sessions.foreign).toBe('parents.project');
  });
});

describe('change log', () => {
  it('GET /changes/{container_type}/{container_id} answers the recorded changes; fields/{field} one field', async () => {
    const sub = (await t.ok('POST', '/subjects', { body: { project: h.project, code: 'cl-1' } }))
      ._id;
    await t.ok('PUT', `/subjects/${sub}`, { body: { sex: 'female' } });
    await t.ok('PUT', `/subjects/${sub}`, { body: { sex: 'male' } });
    const log = await t.ok('GET', `/changes/subject/${sub}`);
    expect(log.changes.map((x: any) => x.method)).toEqual(['CREATE', 'UPDATE', 'UPDATE']);
    expect(log.changes[1].patch.sex).toBe('female');
    const field = await t.ok('GET', `/changes/subject/${sub}/fields/sex`);
    expect(field.changes.map((x: any) => x.value)).toEqual(['female', 'male']);
    expect((await t.call('GET', `/changes/subject/${sub}`, { key: userKey })).status).toBe(403);
    expect((await t.call('GET', `/changes/subject/${'0'.repeat(24)}`)).status).toBe(404);
    // a deleted container keeps its log (site admins)
    await t.ok('DELETE', `/subjects/${sub}`);
    const after = await t.ok('GET', `/changes/subject/${sub}`);
    expect(after.changes.at(-1).method).toBe('DELETE');
    expect((await t.call('GET', `/changes/bogus/${sub}`)).status).toBe(400);
  });
});

describe('bulk', () => {
  it('POST /bulk/move/sessions moves sessions to another subject and project, rewriting parents', async () => {
    const h2 = await hierarchy(t, { subject: 'sub-02' });
    const dest = (await t.ok('POST', '/subjects', { body: { project: h.project, code: 'dest' } }))
      ._id;
    // dry run reports nothing and moves nothing
    expect(
      await t.ok('POST', '/bulk/move/sessions', {
        body: {
          destination_container_type: 'subjects',
          sources: [h2.session],
          destinations: [dest],
          conflict_mode: 'dry',
        },
      }),
    ).toEqual([]);
    expect((await t.ok('GET', `/sessions/${h2.session}`)).parents.subject).toBe(h2.subject);
    await t.ok('POST', '/bulk/move/sessions', {
      body: {
        destination_container_type: 'subjects',
        sources: [h2.session],
        destinations: [dest],
        conflict_mode: 'skip',
        remove_source: true,
      },
    });
    const s = await t.ok('GET', `/sessions/${h2.session}`);
    expect(s.parents).toMatchObject({ project: h.project, subject: dest, group: h.group });
    const a = await t.ok('GET', `/acquisitions/${h2.acquisition}`);
    expect(a.parents).toMatchObject({ project: h.project, subject: dest, session: h2.session });
    expect((await t.call('GET', `/subjects/${h2.subject}`)).status).toBe(404);
    // a same-label session under the destination subject is a conflict
    const clash = (
      await t.ok('POST', '/sessions', {
        body: { project: h.project, label: 'ses-01', subject: { _id: h.subject } },
      })
    )._id;
    const conflicts = await t.ok('POST', '/bulk/move/sessions', {
      body: {
        destination_container_type: 'subjects',
        sources: [clash],
        destinations: [dest],
        conflict_mode: 'skip',
      },
    });
    expect(conflicts).toEqual([
      expect.objectContaining({
        id: clash,
        conflict_with: { type: 'session', id: h2.session },
        label: 'ses-01',
      }),
    ]);
    expect((await t.ok('GET', `/sessions/${clash}`)).parents.subject).toBe(h.subject);
    // into another project: the subject is found or created by code there
    const h3 = await hierarchy(t);
    await t.ok('POST', '/bulk/move/sessions', {
      body: {
        destination_container_type: 'projects',
        sources: [clash],
        destinations: [h3.project],
        conflict_mode: 'move',
      },
    });
    const moved = await t.ok('GET', `/sessions/${clash}`);
    expect(moved.parents.project).toBe(h3.project);
    expect(moved.parents.subject).toBe(h3.subject);
    expect(
      (
        await t.call('POST', '/bulk/move/sessions', {
          body: {
            destination_container_type: 'subjects',
            sources: [clash],
            destinations: [dest],
            conflict_mode: 'skip',
          },
          key: userKey,
        })
      ).status,
    ).toBe(403);
  });
});

describe('container type', () => {
  it('PATCH /{container_type}/info/cleanup/{path} removes an info field from every container of the type', async () => {
    await t.ok('PATCH', `/sessions/${h.session}/info`, {
      body: { set: { qc: { score: 1, keep: true } } },
    });
    expect(await t.ok('PATCH', '/sessions/info/cleanup/qc.score')).toEqual({ modified: 1 });
    expect((await t.ok('GET', `/sessions/${h.session}`)).info).toEqual({ qc: { keep: true } });
    expect((await t.call('PATCH', '/sessions/info/cleanup/qc', { key: userKey })).status).toBe(403);
    expect((await t.call('PATCH', '/bogus/info/cleanup/qc')).status).toBeGreaterThanOrEqual(400);
  });
});
