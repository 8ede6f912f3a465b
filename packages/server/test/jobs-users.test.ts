import { describe, expect, it, beforeAll } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();
const manifest = {
  name: 'extra-gear',
  label: 'Extra gear',
  version: '1.0.0',
  inputs: { file: { base: 'file' } },
  config: { n: { type: 'integer', default: 3 } },
};
let h: Awaited<ReturnType<typeof hierarchy>>;
let gearId: string;
beforeAll(async () => {
  h = await hierarchy(t);
  await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
    raw: form([{ name: 'in.txt', data: 'x' }]),
  });
  gearId = (
    await t.ok('POST', '/gears/extra-gear', { body: { category: 'analysis', gear: manifest } })
  )._id;
});
const addJob = async () =>
  (
    await t.ok('POST', '/jobs/add', {
      body: {
        gear_id: gearId,
        inputs: { file: { type: 'acquisition', id: h.acquisition, name: 'in.txt' } },
      },
    })
  )._id as string;

describe('jobs', () => {
  it('GET /jobs/{job_id}/detail and GET /jobs/{job_id}/config.json', async () => {
    const id = await addJob();
    const d = await t.ok('GET', `/jobs/${id}/detail`);
    expect(d.parent_info.acquisition._id).toBe(h.acquisition);
    expect(d.inputs.file.object.name).toBe('in.txt');
    const cfg = await t.ok('GET', `/jobs/${id}/config.json`);
    expect(cfg).toMatchObject({ config: { n: 3 }, destination: { id: h.acquisition } });
  });

  it('engine flow: GET /jobs/next, PUT heartbeat, PUT profile, POST prepare-complete, POST complete; POST retry', async () => {
    const id = await addJob();
    await t.ok('PUT', '/jobs/priority', { body: { job_ids: [id], priority: 'critical' } });
    const next = await t.ok('GET', '/jobs/next');
    expect(next).toMatchObject({ id, state: 'running', priority: 'critical' });
    expect(await t.ok('PUT', `/jobs/${id}/heartbeat`)).toMatchObject({ modified: 1 });
    await t.ok('PUT', `/jobs/${id}/profile`, { body: { elapsed_time_ms: 5 } });
    const { ticket } = await t.ok('POST', `/jobs/${id}/prepare-complete`);
    const done = await t.call('POST', `/jobs/${id}/complete?job_ticket_id=${ticket}`, {
      body: { success: false, failure_reason: 'boom' },
    });
    expect(done.status).toBe(204);
    expect(await t.ok('GET', `/jobs/${id}`)).toMatchObject({ state: 'failed' });
    const retried = await t.ok('POST', `/jobs/${id}/retry`);
    expect(await t.ok('GET', `/jobs/${retried._id}`)).toMatchObject({
      state: 'pending',
      attempt: 2,
      previous_job_id: id,
    });
    expect((await t.call('POST', `/jobs/${id}/retry`)).status).toBe(400);
    const stats = await t.ok('GET', '/jobs/stats');
    expect(stats.states.failed).toBeGreaterThanOrEqual(1);
    expect(await t.ok('POST', '/jobs/reap')).toEqual({ orphaned: 0 });
  });
});

describe('users', () => {
  it('GET/PATCH /users/self/info and GET /users/self/jobs', async () => {
    expect(
      (await t.call('PATCH', '/users/self/info', { body: { set: { a: 1, b: 2 } } })).status,
    ).toBe(204);
    expect(await t.ok('GET', '/users/self/info')).toEqual({ a: 1, b: 2 });
    expect(await t.ok('GET', '/users/self/info?fields=b')).toEqual({ b: 2 });
    const jobs = await t.ok('GET', '/users/self/jobs');
    expect(jobs.total).toBe(jobs.jobs.length);
    expect(jobs.stats).toHaveProperty('pending');
  });

  it('POST /users/self/key, DELETE /users/self/key/{id_}', async () => {
    const { key } = await t.ok('POST', '/users/self/key', { body: { label: 'ci' } });
    expect((await t.call('GET', '/users/self', { key })).status).toBe(200);
    const me = await t.ok('GET', '/users/self', { key });
    expect(me.api_keys.length).toBeGreaterThanOrEqual(2);
    expect(me.api_keys.every((k: any) => k.key !== key)).toBe(true);
    expect((await t.call('DELETE', `/users/self/key/${key}`)).status).toBe(204);
    expect((await t.call('GET', '/users/self', { key })).status).toBe(401);
    expect((await t.call('DELETE', '/users/self/key/nothere')).status).toBe(404);
  });

  it('GET /users/{uid}/groups|projects|sessions|acquisitions|collections', async () => {
    const uid = 'member@example.org';
    const key = await t.createUser(uid);
    expect(await t.ok('GET', `/users/${uid}/projects`)).toEqual([]);
    await t.ok('POST', `/projects/${h.project}/permissions`, {
      body: {
        _id: uid,
        role_ids: [
          (await t.ok('GET', '/roles')).find((r: any) => r.label === 'read-only')?._id ??
            (await t.ok('GET', '/roles'))[0]._id,
        ],
      },
    });
    const projects = await t.ok('GET', `/users/${uid}/projects`, { key });
    expect(projects.map((p: any) => p._id)).toEqual([h.project]);
    expect((await t.ok('GET', `/users/${uid}/sessions`)).map((s: any) => s._id)).toEqual([
      h.session,
    ]);
    expect((await t.ok('GET', `/users/${uid}/acquisitions`)).length).toBe(1);
    expect((await t.ok('GET', `/users/${uid}/groups`)).map((g: any) => g._id)).toEqual([h.group]);
    expect(await t.ok('GET', `/users/${uid}/collections`)).toEqual([]);
    expect((await t.call('GET', '/users/admin@local.flywheel/projects', { key })).status).toBe(403);
  });

  it('GET /users/self/avatar redirects to the avatar URL or ?default', async () => {
    expect((await t.call('GET', '/users/self/avatar')).status).toBe(404);
    const r = await fetch(`${t.url}/users/self/avatar?default=https://example.org/a.png`, {
      headers: { Authorization: `scitran-user ${t.adminKey}` },
      redirect: 'manual',
    });
    expect(r.status).toBe(307);
    expect(r.headers.get('location')).toBe('https://example.org/a.png');
  });
});
