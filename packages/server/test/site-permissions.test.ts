import { beforeAll, describe, expect, it } from 'vitest';
import { hierarchy, useServer } from './helpers/server.js';

// Issue 12: permission bodies are checked against the spec (unknown fields are 400s naming
// the field), and group permission templates reach existing projects with `propagate`, as the
// reference does it (only on request; Python's requests sends the flag as `True`).
const t = useServer();
const MEMBER = 'perm-member@example.org';
const OTHER = 'perm-other@example.org';
let roles: Record<'admin' | 'rw' | 'ro', string>;

beforeAll(async () => {
  await t.createUser(MEMBER);
  await t.createUser(OTHER);
  const list = await t.ok('GET', '/roles');
  const id = (k: string) => list.find((r: any) => r.default_flywheel_role === k)._id as string;
  roles = { admin: id('admin'), rw: id('rw'), ro: id('ro') };
});

const entryOf = async (project: string, uid: string) =>
  (await t.ok('GET', `/projects/${project}`)).permissions.find((p: any) => p._id === uid);

describe('permission bodies are strict', () => {
  it('every permission create and update refuses an unknown field with a 400 naming it', async () => {
    const h = await hierarchy(t);
    const { _id: coll } = await t.ok('POST', '/collections', { body: { label: 'perm bodies' } });
    await t.ok('POST', `/groups/${h.group}/permissions`, { body: { _id: OTHER, access: 'ro' } });
    await t.ok('POST', `/collections/${coll}/permissions`, { body: { _id: OTHER, access: 'ro' } });
    await t.ok('POST', `/projects/${h.project}/permissions`, {
      body: { _id: OTHER, role_ids: [roles.ro] },
    });
    await t.ok('POST', `/groups/${h.group}/permissions/templates`, {
      body: { _id: OTHER, role_ids: [roles.ro] },
    });
    const cases: [string, string, Record<string, unknown>][] = [
      ['POST', `/groups/${h.group}/permissions`, { _id: MEMBER, access: 'rw', level: 1 }],
      ['PUT', `/groups/${h.group}/permissions/${OTHER}`, { access: 'rw', level: 1 }],
      ['POST', `/collections/${coll}/permissions`, { _id: MEMBER, access: 'rw', level: 1 }],
      ['PUT', `/collections/${coll}/permissions/${OTHER}`, { access: 'rw', level: 1 }],
      ['POST', `/projects/${h.project}/permissions`, { _id: MEMBER, role_ids: [], level: 1 }],
      ['PUT', `/projects/${h.project}/permissions/${OTHER}`, { role_ids: [roles.rw], level: 1 }],
      [
        'POST',
        `/groups/${h.group}/permissions/templates`,
        { _id: MEMBER, role_ids: [roles.rw], level: 1 },
      ],
      [
        'PUT',
        `/groups/${h.group}/permissions/templates/${OTHER}`,
        { role_ids: [roles.rw], level: 1 },
      ],
    ];
    for (const [method, path, body] of cases) {
      const r = await t.call(method, path, { body });
      expect(r.status, `${method} ${path}`).toBe(400);
      expect(r.body.message, `${method} ${path}`).toMatch(/unexpected field "level"/);
    }
    // the undocumented generic route reads the body as its container type's operation (plain
    // fetch: the helper's response check only knows the spec's paths)
    const generic: [string, string, Record<string, unknown>][] = [
      ['POST', `/containers/${h.project}/permissions`, { _id: MEMBER, role_ids: [], level: 1 }],
      ['PUT', `/containers/${h.group}/permissions/${OTHER}`, { access: 'rw', level: 1 }],
    ];
    for (const [method, path, body] of generic) {
      const r = await fetch(t.url + path, {
        method,
        headers: {
          Authorization: `scitran-user ${t.adminKey}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      expect(r.status, `${method} ${path}`).toBe(400);
      expect(((await r.json()) as any).message, `${method} ${path}`).toMatch(
        /unexpected field "level"/,
      );
    }
    // nothing was saved: the entries are as they were
    expect((await t.ok('GET', `/groups/${h.group}/permissions/${OTHER}`)).access).toBe('ro');
    expect((await t.call('GET', `/groups/${h.group}/permissions/${MEMBER}`)).status).toBe(404);
    expect((await entryOf(h.project, OTHER)).role_ids).toEqual([roles.ro]);
    // the same bodies without the extra field are accepted
    await t.ok('PUT', `/groups/${h.group}/permissions/${OTHER}`, { body: { access: 'rw' } });
    await t.ok('PUT', `/projects/${h.project}/permissions/${OTHER}`, {
      body: { role_ids: [roles.rw] },
    });
  });

  it('permission entries inside project, subject and session bodies are strict too', async () => {
    const h = await hierarchy(t);
    const entry = { _id: OTHER, role_ids: [roles.ro], level: 1 };
    const created = await t.call('POST', '/projects', {
      body: { group: h.group, label: 'strict entries', permissions: [entry] },
    });
    expect(created.status).toBe(400);
    expect(created.body.message).toMatch(/unexpected field "permissions\.0\.level"/);
    const { _id: subject } = await t.ok('POST', '/subjects', {
      body: { project: h.project, code: 'strict-entries' },
    });
    for (const path of [`/sessions/${h.session}`, `/subjects/${subject}`]) {
      const r = await t.call('PUT', path, { body: { permissions: [entry] } });
      expect(r.status, path).toBe(400);
      expect(r.body.message, path).toMatch(/unexpected field "permissions\.0\.level"/);
    }
    // without the extra field the spec check passes, and the server's own rule answers
    const { level: _level, ...plain } = entry;
    const spec = await t.call('POST', '/projects', {
      body: { group: h.group, label: 'plain entries', permissions: [plain] },
    });
    expect(spec.body.message).not.toMatch(/unexpected field/);
  });

  it('a wrong type or a missing field is a 400 naming it', async () => {
    const h = await hierarchy(t);
    const wrong = await t.call('POST', `/groups/${h.group}/permissions`, {
      body: { _id: MEMBER, access: 'owner' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/"access" must be one of "ro", "rw", "admin"/);
    const missing = await t.call('POST', `/projects/${h.project}/permissions`, {
      body: { _id: MEMBER },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/missing the required field "role_ids"/);
  });

  it('project and group outputs still carry joined fields on their permission entries', async () => {
    const h = await hierarchy(t);
    await t.ok('POST', `/projects/${h.project}/permissions`, {
      body: { _id: MEMBER, role_ids: [roles.ro] },
    });
    // the response check of the helper validates this against the (open) output model
    const p = await t.ok('GET', `/projects/${h.project}?join_avatars=true`);
    expect(p.permissions.find((x: any) => x._id === MEMBER).firstname).toBe('Test');
  });
});

describe('group permission templates and existing projects', () => {
  it('without propagate a template entry only seeds new projects', async () => {
    const h = await hierarchy(t);
    await t.ok('POST', `/groups/${h.group}/permissions/templates`, {
      body: { _id: MEMBER, role_ids: [roles.ro] },
    });
    expect(await entryOf(h.project, MEMBER)).toBeUndefined();
    const { _id: fresh } = await t.ok('POST', '/projects', {
      body: { group: h.group, label: 'after the template' },
    });
    expect((await entryOf(fresh, MEMBER)).role_ids).toEqual([roles.ro]);
  });

  it('propagate=True (as Python sends it) adds the entry to every existing project', async () => {
    const h = await hierarchy(t);
    const { _id: second } = await t.ok('POST', '/projects', {
      body: { group: h.group, label: 'second' },
    });
    // the user already has another role on the second project: it is replaced
    await t.ok('POST', `/projects/${second}/permissions`, {
      body: { _id: MEMBER, role_ids: [roles.admin] },
    });
    await t.ok('POST', `/groups/${h.group}/permissions/templates?propagate=True`, {
      body: { _id: MEMBER, role_ids: [roles.rw] },
    });
    expect((await entryOf(h.project, MEMBER)).role_ids).toEqual([roles.rw]);
    expect((await entryOf(second, MEMBER)).role_ids).toEqual([roles.rw]);
  });

  it('a propagated change or removal reaches only the projects where the user has an entry', async () => {
    const h = await hierarchy(t);
    const { _id: second } = await t.ok('POST', '/projects', {
      body: { group: h.group, label: 'second' },
    });
    await t.ok('POST', `/groups/${h.group}/permissions/templates`, {
      body: { _id: MEMBER, role_ids: [roles.ro] },
    });
    await t.ok('POST', `/projects/${h.project}/permissions`, {
      body: { _id: MEMBER, role_ids: [roles.ro] },
    });
    await t.ok('PUT', `/groups/${h.group}/permissions/templates/${MEMBER}?propagate=true`, {
      body: { role_ids: [roles.rw] },
    });
    expect((await entryOf(h.project, MEMBER)).role_ids).toEqual([roles.rw]);
    expect(await entryOf(second, MEMBER), 'no entry before: none added').toBeUndefined();
    // without the flag a change stays on the template
    await t.ok('PUT', `/groups/${h.group}/permissions/templates/${MEMBER}`, {
      body: { role_ids: [roles.admin] },
    });
    expect((await entryOf(h.project, MEMBER)).role_ids).toEqual([roles.rw]);
    await t.ok('DELETE', `/groups/${h.group}/permissions/templates/${MEMBER}?propagate=true`);
    expect(await entryOf(h.project, MEMBER)).toBeUndefined();
  });

  it('a propagate value that is not a boolean is a 400 naming it, and nothing is saved', async () => {
    const h = await hierarchy(t);
    const r = await t.call('POST', `/groups/${h.group}/permissions/templates?propagate=yes`, {
      body: { _id: MEMBER, role_ids: [roles.ro] },
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/"propagate" must be true or false/);
    expect((await t.call('GET', `/groups/${h.group}/permissions/templates/${MEMBER}`)).status).toBe(
      404,
    );
  });
});
