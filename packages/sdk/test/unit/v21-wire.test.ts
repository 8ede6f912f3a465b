/**
 * The hand-written layer on the v21 wire, with an injected fetch (no server): which operation
 * each container, job and client helper sends (method, path, body), and how answers are wrapped.
 */
import { describe, expect, it } from 'vitest';
import { Analysis, Client, Group, Job, Project, Session, User } from '../../src/index.js';

type Route = (req: Request, body: unknown) => unknown;

interface Sent {
  method: string;
  path: string;
  body: unknown;
}

function json(body: unknown, status = 200): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status: body === undefined ? 204 : status,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
}

/** A client whose fetch answers by `METHOD /path` (query included when the key has one). */
function fake(routes: Record<string, Route>) {
  const sent: Sent[] = [];
  const fw = new Client('flywheel.example.org:abcdefghijklmnop0123', {
    disableAuthCheck: true,
    maxRetries: 0,
    fetch: async (req) => {
      const url = new URL(req.url);
      const path = url.pathname.replace(/^\/api/, '');
      const text = req.body ? await req.text() : '';
      const body = text ? JSON.parse(text) : undefined;
      sent.push({ method: req.method, path: `${path}${url.search}`, body });
      const route = routes[`${req.method} ${path}${url.search}`] ?? routes[`${req.method} ${path}`];
      if (!route) return json({ message: `no route ${req.method} ${path}` }, 404);
      const out = route(req, body);
      return out instanceof Response ? out : json(out);
    },
  });
  return { fw, sent };
}

const PROJECT = { _id: 'p1', label: 'P', group: 'g1', parents: { group: 'g1' }, info: {} };
const SESSION = { _id: 's1', label: 'S', project: 'p1', parents: { group: 'g1', project: 'p1' } };
const MODIFIED = { modified: 1 };

describe('info: PATCH /{types}/{id}/info', () => {
  it('updateInfo → PATCH /projects/{id}/info {set}, replaceInfo → {replace}, deleteInfo → {delete: [keys]}', async () => {
    const { fw, sent } = fake({
      'GET /projects/p1': () => PROJECT,
      'PATCH /projects/p1/info': () => MODIFIED,
    });
    const project = await fw.getProject('p1');
    await project.updateInfo({ a: 1 });
    await project.replaceInfo({ b: 2 });
    await project.deleteInfo('a', ['b', 'c']);
    expect(sent.slice(1)).toEqual([
      { method: 'PATCH', path: '/projects/p1/info', body: { set: { a: 1 } } },
      { method: 'PATCH', path: '/projects/p1/info', body: { replace: { b: 2 } } },
      { method: 'PATCH', path: '/projects/p1/info', body: { delete: ['a', 'b', 'c'] } },
    ]);
  });
});

describe('permissions', () => {
  it('projects are role based: POST /projects/{id}/permissions {_id, role_ids}, GET/PUT {role_ids}/DELETE …/permissions/{uid}', async () => {
    const perm = { _id: 'u@x.org', role_ids: ['r1'] };
    const { fw, sent } = fake({
      'GET /projects/p1': () => PROJECT,
      'POST /projects/p1/permissions': () => perm,
      'GET /projects/p1/permissions/u%40x.org': () => perm,
      'PUT /projects/p1/permissions/u%40x.org': () => ({ ...perm, role_ids: ['r2'] }),
      'DELETE /projects/p1/permissions/u%40x.org': () => MODIFIED,
    });
    const project = await fw.getProject('p1');
    expect(await project.addPermission({ _id: 'u@x.org', role_ids: ['r1'] })).toEqual(perm);
    expect(await project.getPermission('u@x.org')).toEqual(perm);
    expect((await project.updatePermission('u@x.org', { role_ids: ['r2'] })).role_ids).toEqual([
      'r2',
    ]);
    await project.deletePermission('u@x.org');
    expect(sent.slice(1).map((s) => [s.method, s.path, s.body])).toEqual([
      ['POST', '/projects/p1/permissions', { _id: 'u@x.org', role_ids: ['r1'] }],
      ['GET', '/projects/p1/permissions/u%40x.org', undefined],
      ['PUT', '/projects/p1/permissions/u%40x.org', { role_ids: ['r2'] }],
      ['DELETE', '/projects/p1/permissions/u%40x.org', undefined],
    ]);
  });

  it('groups stay access based (POST /groups/{id}/permissions {_id, access}) and have templates (…/permissions/templates {_id, role_ids})', async () => {
    const { fw, sent } = fake({
      'GET /groups/g1': () => ({
        _id: 'g1',
        label: 'G',
        permissions: [],
        permissions_template: [],
      }),
      'POST /groups/g1/permissions': (_r, b) => b,
      'PUT /groups/g1/permissions/u%40x.org': () => ({ _id: 'u@x.org', access: 'ro' }),
      'POST /groups/g1/permissions/templates': (_r, b) => b,
      'GET /groups/g1/permissions/templates/u%40x.org': () => ({ _id: 'u@x.org', role_ids: [] }),
      'PUT /groups/g1/permissions/templates/u%40x.org?propagate=true': (_r, b) => b,
      'DELETE /groups/g1/permissions/templates/u%40x.org': () => MODIFIED,
    });
    const group = await fw.getGroup('g1');
    expect(group).toBeInstanceOf(Group);
    await group.addPermission({ _id: 'u@x.org', access: 'rw' });
    await group.updatePermission('u@x.org', { access: 'ro' });
    await group.addPermissionTemplate({ _id: 'u@x.org', role_ids: ['r1'] });
    await group.getPermissionTemplate('u@x.org');
    await group.updatePermissionTemplate('u@x.org', { role_ids: [] }, { propagate: true });
    await group.deletePermissionTemplate('u@x.org');
    expect(sent.slice(1).map((s) => [s.method, s.path, s.body])).toEqual([
      ['POST', '/groups/g1/permissions', { _id: 'u@x.org', access: 'rw' }],
      ['PUT', '/groups/g1/permissions/u%40x.org', { access: 'ro' }],
      ['POST', '/groups/g1/permissions/templates', { _id: 'u@x.org', role_ids: ['r1'] }],
      ['GET', '/groups/g1/permissions/templates/u%40x.org', undefined],
      ['PUT', '/groups/g1/permissions/templates/u%40x.org?propagate=true', { role_ids: [] }],
      ['DELETE', '/groups/g1/permissions/templates/u%40x.org', undefined],
    ]);
  });

  it('fw.getAllRoles() → GET /roles as Role objects; fw.addRoleToGroup(g, {_id}) → POST /groups/{group_id}/roles', async () => {
    const { fw, sent } = fake({
      'GET /roles': () => [
        { _id: 'r1', label: 'Admin', default_flywheel_role: 'admin', actions: [] },
      ],
      'POST /groups/g1/roles': (_r, b) => ({ ...(b as object), label: 'Admin', actions: [] }),
    });
    const ids = (await fw.getAllRoles())
      .filter((r) => r.default_flywheel_role === 'admin')
      .map((r) => r.id);
    expect(ids).toEqual(['r1']);
    await fw.addRoleToGroup('g1', { _id: 'r1' });
    expect(sent[1]).toEqual({ method: 'POST', path: '/groups/g1/roles', body: { _id: 'r1' } });
  });
});

describe('tags and notes (single ops)', () => {
  it('addTag → POST /sessions/{id}/tags {value}; renameTag → PUT …/tags/{value} {value}; deleteTag → DELETE …/tags/{value}; addNote → POST …/notes {text} answers the Note', async () => {
    const { fw, sent } = fake({
      'GET /sessions/s1': () => SESSION,
      'POST /sessions/s1/tags': () => MODIFIED,
      'PUT /sessions/s1/tags/a': () => 'b',
      'DELETE /sessions/s1/tags/b': () => ({ deleted: 1 }),
      'POST /sessions/s1/notes': (_r, b) => ({ _id: 'n1', ...(b as object) }),
    });
    const session = await fw.getSession('s1');
    await session.addTag('a');
    await session.renameTag('a', 'b');
    await session.deleteTag('b');
    const note = await session.addNote('hello');
    expect(note).toMatchObject({ _id: 'n1', text: 'hello' });
    expect(sent.slice(1).map((s) => [s.method, s.path, s.body])).toEqual([
      ['POST', '/sessions/s1/tags', { value: 'a' }],
      ['PUT', '/sessions/s1/tags/a', { value: 'b' }],
      ['DELETE', '/sessions/s1/tags/b', undefined],
      ['POST', '/sessions/s1/notes', { text: 'hello' }],
    ]);
  });
});

describe('finders', () => {
  it('fw.analyses → GET /analyses (get_all_analyses); a page answer is unwrapped to Analysis objects', async () => {
    const { fw, sent } = fake({
      'GET /analyses': () => ({ results: [{ _id: 'a1', label: 'qa' }], count: 1, total: 1 }),
    });
    const found = await fw.analyses.find('label=qa', { limit: 10 });
    expect(found).toHaveLength(1);
    expect(found[0]).toBeInstanceOf(Analysis);
    expect(sent[0]!.path).toBe('/analyses?filter=label%3Dqa&limit=10');
  });

  it('collection.sessions → GET /collections/{id}/sessions, collection.acquisitions → GET /collections/{id}/acquisitions', async () => {
    const { fw, sent } = fake({
      'GET /collections/c1': () => ({ _id: 'c1', label: 'C', files: [] }),
      'GET /collections/c1/sessions': () => [SESSION],
      'GET /collections/c1/acquisitions': () => [],
    });
    const collection = await fw.getCollection('c1');
    const sessions = await collection.sessions.find({ limit: 5 });
    expect(sessions[0]).toBeInstanceOf(Session);
    await collection.acquisitions.find({ limit: 5 });
    expect(sent.slice(1).map((s) => s.path)).toEqual([
      '/collections/c1/sessions?limit=5',
      '/collections/c1/acquisitions?limit=5',
    ]);
  });

  it('fw.users → GET /users items are User objects (the op answers UserOutput[] or a page)', async () => {
    const { fw } = fake({
      'GET /users': () => ({ results: [{ _id: 'u@x.org', firstname: 'U' }], count: 1 }),
    });
    const users = await fw.users.find({ limit: 1 });
    expect(users[0]).toBeInstanceOf(User);
  });

  it('a list item reload() → GET /projects/{id} (the full model)', async () => {
    const { fw, sent } = fake({
      'GET /projects': () => [{ ...PROJECT, info: undefined }],
      'GET /projects/p1': () => ({ ...PROJECT, info: { full: true } }),
    });
    const item = await fw.projects.findFirst('label=P');
    const full = await item!.reload();
    expect(full).toBeInstanceOf(Project);
    expect(full.info).toEqual({ full: true });
    expect(sent.map((s) => s.path)).toEqual(['/projects?filter=label%3DP&limit=1', '/projects/p1']);
  });
});

describe('jobs', () => {
  it('changeState → PUT /jobs/{job_id} {state}; updatePriority → PUT /jobs/priority {job_ids, priority}; getLogs → GET /jobs/{job_id}/logs .logs', async () => {
    const { fw, sent } = fake({
      'GET /jobs/j1': () => ({ id: 'j1', gear_id: 'gear', state: 'pending' }),
      'PUT /jobs/j1': () => MODIFIED,
      'PUT /jobs/priority': () => MODIFIED,
      'GET /jobs/j1/logs': () => ({ _id: 'j1', logs: [{ fd: 1, msg: 'hi' }] }),
    });
    const job = await fw.getJob('j1');
    expect(job).toBeInstanceOf(Job);
    await job.changeState('cancelled');
    await job.updatePriority('high');
    expect(await job.getLogs()).toEqual([{ fd: 1, msg: 'hi' }]);
    expect(sent.slice(1).map((s) => [s.method, s.path, s.body])).toEqual([
      ['PUT', '/jobs/j1', { state: 'cancelled' }],
      ['PUT', '/jobs/priority', { job_ids: ['j1'], priority: 'high' }],
      ['GET', '/jobs/j1/logs', undefined],
    ]);
  });
});

describe('client helpers', () => {
  it('fw.get(id) → GET /containers/{id}, wrapped by container_type', async () => {
    const { fw } = fake({
      'GET /containers/p1': () => ({ ...PROJECT, container_type: 'project' }),
    });
    expect(await fw.get('p1')).toBeInstanceOf(Project);
  });

  it('addAnalysis → POST /sessions/{id}/analyses?job=true, then GET /analyses/{id}?inflate_job=true', async () => {
    const { fw, sent } = fake({
      'GET /sessions/s1': () => SESSION,
      'POST /sessions/s1/analyses': () => ({ _id: 'a1' }),
      'GET /analyses/a1': () => ({ _id: 'a1', label: 'x' }),
    });
    const session = await fw.getSession('s1');
    const analysis = await session.addAnalysis({ label: 'x', inputs: [] });
    expect(analysis).toBeInstanceOf(Analysis);
    expect(sent.slice(1).map((s) => `${s.method} ${s.path}`)).toEqual([
      'POST /sessions/s1/analyses?job=true',
      'GET /analyses/a1?inflate_job=true',
    ]);
  });

  it('downloadTar → POST /download {nodes, optional} then GET /download?ticket=…&format=tar', async () => {
    const { fw, sent } = fake({
      'POST /download': () => ({ ticket: 't1', file_cnt: 1, size: 3 }),
      'GET /download': () => new Response(new Uint8Array([1, 2, 3])),
    });
    const chunks: Uint8Array[] = [];
    const dest = new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c) });
    const summary = await fw.downloadTar({ type: 'session', id: 's1' }, dest);
    expect(summary.ticket).toBe('t1');
    expect(sent.map((s) => [s.method, s.path, s.body])).toEqual([
      ['POST', '/download', { nodes: [{ level: 'session', _id: 's1' }], optional: true }],
      ['GET', '/download?ticket=t1&format=tar', undefined],
    ]);
  });

  it('gear.run on a utility gear → POST /jobs/add with priority medium (v21 default)', async () => {
    const { fw, sent } = fake({
      'GET /gears/gg': () => ({
        _id: 'gg',
        category: 'utility',
        gear: { name: 'g', config: { a: { default: 1 }, b: { type: 'string', optional: true } } },
      }),
      'POST /jobs/add': () => ({ _id: 'j1' }),
      'GET /jobs/j1': () => ({ id: 'j1', state: 'pending' }),
    });
    const gear = await fw.getGear('gg');
    expect(gear.getDefaultConfig()).toEqual({ a: 1 });
    await gear.run({ destination: { type: 'session', id: 's1' } });
    expect(sent[1]!.body).toMatchObject({ gear_id: 'gg', config: { a: 1 }, priority: 'medium' });
  });
});
