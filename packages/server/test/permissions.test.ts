import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let other: string;
const OTHER_ID = 'other@example.org';

beforeAll(async () => {
  other = await t.createUser(OTHER_ID);
});

/** Ids of the default roles, by `default_flywheel_role`. */
async function roleIds(): Promise<Record<'admin' | 'rw' | 'ro', string>> {
  const roles = await t.ok('GET', '/roles');
  const id = (k: string) => roles.find((r: any) => r.default_flywheel_role === k)._id as string;
  return { admin: id('admin'), rw: id('rw'), ro: id('ro') };
}

describe('permissions', () => {
  it('a user without access can neither see nor change containers', async () => {
    const h = await hierarchy(t);
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'secret.txt', data: 's' }]),
    });
    for (const path of [
      `/groups/${h.group}`,
      `/projects/${h.project}`,
      `/subjects/${h.subject}`,
      `/sessions/${h.session}`,
      `/acquisitions/${h.acquisition}`,
      `/acquisitions/${h.acquisition}/files/secret.txt`,
    ]) {
      const r = await t.call('GET', path, { key: other });
      expect(r.status, path).toBe(403);
      expect(r.body.status_code).toBe(403);
    }
    expect(
      (await t.call('PUT', `/projects/${h.project}`, { key: other, body: { label: 'x' } })).status,
    ).toBe(403);
    expect((await t.call('DELETE', `/sessions/${h.session}`, { key: other })).status).toBe(403);
    expect(
      (await t.call('POST', '/subjects', { key: other, body: { project: h.project, code: 'x' } }))
        .status,
    ).toBe(403);
    expect(
      (await t.call('POST', `/sessions/${h.session}/tags`, { key: other, body: { value: 'x' } }))
        .status,
    ).toBe(403);
    expect(
      (
        await t.call('POST', `/sessions/${h.session}/files`, {
          key: other,
          raw: form([{ name: 'x.txt', data: 'x' }]),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await t.call('GET', `/acquisitions/${h.acquisition}/files/secret.txt?ticket=`, {
          key: other,
        })
      ).status,
    ).toBe(403);
    // lists hide what the user cannot see
    expect(
      (await t.ok('GET', '/projects', { key: other })).some((p: any) => p._id === h.project),
    ).toBe(false);
    expect(
      (await t.ok('GET', '/sessions', { key: other })).some((p: any) => p._id === h.session),
    ).toBe(false);
    expect(
      (await t.call('POST', '/resolve', { key: other, body: { path: [h.group] } })).status,
    ).toBe(404);
  });

  it('POST /projects/{project_id}/permissions {_id, role_ids}: ro role reads the subtree, rw role writes', async () => {
    const h = await hierarchy(t);
    const roles = await roleIds();
    expect(
      await t.ok('POST', `/projects/${h.project}/permissions`, {
        body: { _id: OTHER_ID, role_ids: [roles.ro] },
      }),
    ).toEqual({ _id: OTHER_ID, role_ids: [roles.ro] });
    expect((await t.ok('GET', `/acquisitions/${h.acquisition}`, { key: other }))._id).toBe(
      h.acquisition,
    );
    expect((await t.ok('GET', '/projects', { key: other })).map((p: any) => p._id)).toContain(
      h.project,
    );
    expect((await t.ok('GET', `/groups/${h.group}`, { key: other }))._id).toBe(h.group);
    expect(
      (await t.call('PUT', `/sessions/${h.session}`, { key: other, body: { label: 'no' } })).status,
    ).toBe(403);
    expect(await t.ok('GET', `/projects/${h.project}/permissions/${OTHER_ID}`)).toEqual({
      _id: OTHER_ID,
      role_ids: [roles.ro],
    });
    expect(
      (await t.ok('GET', `/acquisitions/${h.acquisition}`)).permissions.find(
        (p: any) => p._id === OTHER_ID,
      ),
    ).toEqual({ _id: OTHER_ID, role_ids: [roles.ro] });
    expect(
      await t.ok('PUT', `/projects/${h.project}/permissions/${OTHER_ID}`, {
        body: { role_ids: [roles.rw] },
      }),
    ).toEqual({ _id: OTHER_ID, role_ids: [roles.rw] });
    await t.ok('PUT', `/sessions/${h.session}`, { key: other, body: { label: 'yes' } });
    expect((await t.ok('GET', `/sessions/${h.session}`)).label).toBe('yes');
    // rw cannot manage permissions or delete the project
    expect(
      (
        await t.call('POST', `/projects/${h.project}/permissions`, {
          key: other,
          body: { _id: 'admin@local.flywheel', role_ids: [roles.ro] },
        })
      ).status,
    ).toBe(403);
    expect((await t.call('DELETE', `/projects/${h.project}`, { key: other })).status).toBe(403);
    await t.ok('DELETE', `/projects/${h.project}/permissions/${OTHER_ID}`);
    expect((await t.call('GET', `/sessions/${h.session}`, { key: other })).status).toBe(403);
  });

  it('validates permission bodies', async () => {
    const h = await hierarchy(t);
    const roles = await roleIds();
    const post = (body: unknown) =>
      t.call('POST', `/projects/${h.project}/permissions`, { body }).then((r) => r.status);
    expect(await post({ _id: OTHER_ID, access: 'ro' })).toBe(400); // projects take role_ids
    expect(await post({ _id: OTHER_ID, role_ids: ['000000000000000000000000'] })).toBe(400);
    expect(await post({ _id: 'ghost@example.org', role_ids: [roles.ro] })).toBe(400);
    await t.ok('POST', `/projects/${h.project}/permissions`, {
      body: { _id: OTHER_ID, role_ids: [roles.ro] },
    });
    expect(await post({ _id: OTHER_ID, role_ids: [roles.ro] })).toBe(409);
    // groups stay access based
    const g = (body: unknown) =>
      t.call('POST', `/groups/${h.group}/permissions`, { body }).then((r) => r.status);
    expect(await g({ _id: OTHER_ID, access: 'owner' })).toBe(400);
  });

  it('POST /groups/{group_id}/permissions answers the AccessPermissionOutput; templates apply to new projects', async () => {
    const h = await hierarchy(t);
    const roles = await roleIds();
    expect(
      await t.ok('POST', `/groups/${h.group}/permissions`, {
        body: { _id: OTHER_ID, access: 'ro' },
      }),
    ).toEqual({ _id: OTHER_ID, access: 'ro' });
    expect(
      await t.ok('PUT', `/groups/${h.group}/permissions/${OTHER_ID}`, { body: { access: 'rw' } }),
    ).toEqual({ _id: OTHER_ID, access: 'rw' });
    expect((await t.ok('DELETE', `/groups/${h.group}/permissions/${OTHER_ID}`)).modified).toBe(1);
    const tpl = await t.ok('POST', `/groups/${h.group}/permissions/templates`, {
      body: { _id: OTHER_ID, role_ids: [roles.rw] },
    });
    expect(tpl).toEqual({ _id: OTHER_ID, role_ids: [roles.rw] });
    expect(await t.ok('GET', `/groups/${h.group}/permissions/templates/${OTHER_ID}`)).toEqual(tpl);
    expect((await t.ok('GET', `/groups/${h.group}`)).permissions_template).toEqual([tpl]);
    const { _id: p2 } = await t.ok('POST', '/projects', { body: { group: h.group, label: 'P2' } });
    expect(
      (await t.ok('GET', `/projects/${p2}`)).permissions.find((p: any) => p._id === OTHER_ID),
    ).toEqual({ _id: OTHER_ID, role_ids: [roles.rw] });
    await t.ok('PUT', `/projects/${p2}`, { key: other, body: { label: 'P2 by other' } });
    // propagate=true pushes a template change to the group's projects where the user has an
    // entry (p2, seeded by the template); the older project, without one, is left alone
    await t.ok('PUT', `/groups/${h.group}/permissions/templates/${OTHER_ID}?propagate=true`, {
      body: { role_ids: [roles.ro] },
    });
    expect(
      (await t.ok('GET', `/projects/${p2}`)).permissions.find((p: any) => p._id === OTHER_ID),
    ).toEqual({ _id: OTHER_ID, role_ids: [roles.ro] });
    expect(
      (await t.ok('GET', `/projects/${h.project}`)).permissions.find(
        (p: any) => p._id === OTHER_ID,
      ),
    ).toBeUndefined();
    await t.ok('DELETE', `/groups/${h.group}/permissions/templates/${OTHER_ID}`);
    expect(
      (await t.call('GET', `/groups/${h.group}/permissions/templates/${OTHER_ID}`)).status,
    ).toBe(404);
  });

  it('exhaustive=true widens lists for site admins only', async () => {
    const g = `g-other-${Date.now().toString(36)}`;
    await t.ok('POST', '/groups', { key: other, body: { _id: g, label: 'Theirs' } });
    const p = (
      await t.ok('POST', '/projects', { key: other, body: { group: g, label: 'Their project' } })
    )._id;
    expect((await t.ok('GET', '/projects')).some((x: any) => x._id === p)).toBe(false);
    expect((await t.ok('GET', '/projects?exhaustive=true')).some((x: any) => x._id === p)).toBe(
      true,
    );
    expect((await t.ok('GET', `/projects/${p}`))._id).toBe(p);
    const mine = await hierarchy(t);
    expect(
      (await t.ok('GET', '/projects?exhaustive=true', { key: other })).some(
        (x: any) => x._id === mine.project,
      ),
    ).toBe(false);
  });

  it('non-admins cannot manage users, gears, modalities or roles', async () => {
    expect((await t.call('POST', '/users', { key: other, body: { _id: 'x@y.z' } })).status).toBe(
      403,
    );
    expect((await t.call('DELETE', '/users/admin@local.flywheel', { key: other })).status).toBe(
      403,
    );
    expect(
      (
        await t.call('POST', '/gears/some-gear', {
          key: other,
          body: { gear: { name: 'some-gear', version: '1' } },
        })
      ).status,
    ).toBe(403);
    expect((await t.call('POST', '/modalities', { key: other, body: { _id: 'CT' } })).status).toBe(
      403,
    );
    expect((await t.call('POST', '/roles', { key: other, body: { label: 'r' } })).status).toBe(403);
  });
});
