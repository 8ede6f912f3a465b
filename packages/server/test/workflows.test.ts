import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
let userKey: string;
const READER = 'reader@example.com';
let protocolId: string;

const protocolBody = () => ({
  label: 'Read T1',
  group_id: h.group,
  task_type: 'reader',
  protocol_config: { adjudication: false, longitudinal: false },
  completion_tags: ['read'],
  form: {
    title: 'QC',
    description: 'Quality',
    defaults: {},
    fields: [
      {
        type: 'radio',
        key: 'quality',
        requiredWhenVisible: true,
        options: [{ value: 'good' }, { value: 'bad' }],
      },
      { type: 'text', key: 'comment' },
    ],
  },
});

beforeAll(async () => {
  h = await hierarchy(t);
  userKey = await t.createUser(READER);
});

describe('protocols', () => {
  it('POST /protocols creates a draft; PUT /protocols/{protocol_id}/publish and /archive move its status', async () => {
    const p = await t.ok('POST', '/protocols', { body: protocolBody() });
    expect(p).toMatchObject({
      status: 'draft',
      version: 1,
      parent_ref: { type: 'group', id: h.group },
    });
    protocolId = p._id;
    const m = await t.ok('PUT', `/protocols/${p._id}`, { body: { notes: 'v1' } });
    expect(m.notes).toBe('v1');
    expect((await t.ok('PUT', `/protocols/${p._id}/publish`)).status).toBe('published');
    expect((await t.call('PUT', `/protocols/${p._id}/publish`)).status).toBe(409);
    const page = await t.ok('GET', '/protocols');
    expect(page.results.map((x: any) => x._id)).toContain(p._id);
    expect((await t.ok('GET', '/protocols', { key: userKey })).total).toBe(0);
    expect((await t.call('GET', `/protocols/${p._id}`, { key: userKey })).status).toBe(404);
    expect(
      (await t.call('POST', '/protocols', { body: protocolBody(), key: userKey })).status,
    ).toBe(403);
    const draft = await t.ok('POST', '/protocols', { body: { ...protocolBody(), label: 'tmp' } });
    expect((await t.ok('PUT', `/protocols/${draft._id}/archive`)).status).toBe('archived');
    expect((await t.call('DELETE', `/protocols/${draft._id}`)).status).toBe(204);
    expect((await t.call('GET', `/protocols/${draft._id}`)).status).toBe(404);
  });
});

describe('staffing pools', () => {
  it('POST/GET/PUT/DELETE /staffing_pools/{pool_id} and PUT /staffing_pools/users/{user_id}/staffing_pools', async () => {
    const p = await t.ok('POST', '/staffing_pools', { body: { label: 'Readers', users: [] } });
    expect(p).toMatchObject({ label: 'Readers', users: [], description: '' });
    expect(
      (await t.call('POST', '/staffing_pools', { body: { label: 'x', users: ['ghost@x'] } }))
        .status,
    ).toBe(400);
    expect(
      (
        await t.call('PUT', `/staffing_pools/users/${READER}/staffing_pools`, {
          body: { pools: [p._id] },
        })
      ).status,
    ).toBe(204);
    expect((await t.ok('GET', `/staffing_pools/${p._id}`)).users).toEqual([READER]);
    expect((await t.ok('PUT', `/staffing_pools/${p._id}`, { body: { label: 'R2' } })).label).toBe(
      'R2',
    );
    expect((await t.ok('GET', '/staffing_pools')).results.map((x: any) => x._id)).toContain(p._id);
    await t.ok('PUT', `/staffing_pools/users/${READER}/staffing_pools`, { body: { pools: [] } });
    expect((await t.ok('GET', `/staffing_pools/${p._id}`)).users).toEqual([]);
    expect(
      (await t.call('POST', '/staffing_pools', { body: { label: 'x', users: [] }, key: userKey }))
        .status,
    ).toBe(403);
    expect(await t.ok('DELETE', `/staffing_pools/${p._id}`)).toEqual({ deleted: 1 });
  });
});

describe('reader tasks and form responses', () => {
  it('POST /tasks/reader creates a task on a session; GET/PUT/assign/complete follow; responses validate on submit', async () => {
    const task = await t.ok('POST', '/tasks/reader', {
      body: {
        subcategory: 'qc',
        status: 'todo',
        parent_ref: { type: 'session', id: h.session },
        due_date: '2030-01-01T00:00:00Z',
        priority: 'high',
        protocol_id: protocolId,
      },
    });
    expect(task).toMatchObject({
      status: 'todo',
      protocol_label: 'Read T1',
      parents: { session: h.session, project: h.project },
    });
    const got = await t.ok('GET', `/tasks/reader/${task._id}`);
    expect(got.parent_details).toMatchObject({
      session_label: 'ses-01',
      project_label: 'Project',
      subject_label: 'sub-01',
    });
    expect((await t.call('GET', `/tasks/reader/${task._id}`, { key: userKey })).status).toBe(404);
    // assigned to the reader, who can now see and answer it
    await t.ok('PUT', `/tasks/reader/${task._id}/assign`, {
      body: { assignee: { type: 'user', id: READER } },
    });
    expect((await t.ok('GET', `/tasks/reader/${task._id}`, { key: userKey })).assignee.id).toBe(
      READER,
    );
    expect((await t.ok('GET', '/tasks/reader', { key: userKey })).total).toBe(1);
    const m = await t.ok('PUT', `/tasks/reader/${task._id}`, { body: { status: 'in_progress' } });
    expect(m.transitions.in_progress).toBeTruthy();
    expect(await t.ok('GET', '/tasks/reader/facets/status')).toEqual({ in_progress: 1 });
    expect(await t.ok('GET', `/tasks/sessions/ids?ids=${h.session},${h.acquisition}`)).toEqual([
      h.session,
    ]);

    const r = await t.ok('POST', `/tasks/${task._id}/responses`, {
      body: { task_id: task._id, data: { comment: 'hm' } },
      key: userKey,
    });
    expect(r).toMatchObject({
      task_id: task._id,
      submitted: false,
      revision: 1,
      parents: { project: h.project },
    });
    // the same user posting again replaces their response
    const again = await t.ok('POST', `/tasks/${task._id}/responses`, {
      body: { task_id: task._id, data: { quality: 'meh' } },
      key: userKey,
    });
    expect(again).toMatchObject({ id: r.id, revision: 2 });
    expect((await t.call('POST', `/responses/${r.id}/submit`, { key: userKey })).status).toBe(400);
    await t.ok('PATCH', `/responses/${r.id}`, {
      body: { data: { quality: 'good' } },
      key: userKey,
    });
    const sub = await t.ok('POST', `/responses/${r.id}/submit`, { key: userKey });
    expect(sub).toMatchObject({ submitted: true, data: { quality: 'good' } });
    expect(
      (await t.call('PATCH', `/responses/${r.id}`, { body: { data: {} }, key: userKey })).status,
    ).toBe(409);
    expect(
      (await t.ok('GET', `/tasks/${task._id}/responses`)).results.map((x: any) => x.id),
    ).toEqual([r.id]);
    expect((await t.ok('GET', `/responses/${r.id}`)).submitted).toBe(true);

    const done = await t.ok('POST', `/tasks/reader/${task._id}/complete`, { key: userKey });
    expect(done.status).toBe('completed');
    expect((await t.ok('GET', `/sessions/${h.session}`)).tags).toContain('read');
    expect((await t.call('POST', `/tasks/reader/${task._id}/complete`)).status).toBe(409);
  });

  it('POST /tasks/reader/batch creates one task per tagged acquisition; files can be task parents', async () => {
    await t.ok('POST', `/acquisitions/${h.acquisition}/tags`, { body: { value: 'review' } });
    const tasks = await t.ok('POST', '/tasks/reader/batch', {
      body: {
        subcategory: 'qc',
        filters: { container_type: 'acquisition', include_tags: ['review'] },
        protocol_id: protocolId,
        project_id: h.project,
      },
    });
    expect(tasks.map((x: any) => x.parent_ref.id)).toEqual([h.acquisition]);
    expect(tasks[0].item_number).toBe(1);
    const f = await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'a.dcm', data: 'x' }]),
    });
    const fileId = (Array.isArray(f) ? f[0] : f).file_id;
    const ft = await t.ok('POST', '/tasks/reader', {
      body: {
        subcategory: 'qc',
        status: 'todo',
        parent_ref: { type: 'file', id: fileId },
        due_date: '2030-01-01T00:00:00Z',
        priority: 'low',
        protocol_id: protocolId,
      },
    });
    expect(ft.parents).toMatchObject({ acquisition: h.acquisition, file: fileId });
    expect((await t.ok('GET', `/tasks/reader/${ft._id}`)).parent_details.file_name).toBe('a.dcm');
    expect(
      (
        await t.call('POST', '/tasks/reader', {
          body: {
            subcategory: 'qc',
            status: 'todo',
            parent_ref: { type: 'session', id: h.session },
            due_date: 'x',
            priority: 'low',
            protocol_id: protocolId,
          },
        })
      ).status,
    ).toBe(400);
  });
});
