import { describe, expect, it } from 'vitest';
import { gid, useServer } from './helpers/server.js';

const t = useServer();

describe('roles', () => {
  it('has the three default roles', async () => {
    const roles = await t.ok('GET', '/roles');
    expect(
      roles
        .map((r: any) => r.default_flywheel_role)
        .filter(Boolean)
        .sort(),
    ).toEqual(['admin', 'ro', 'rw']);
  });

  it('default roles carry v21 actions: ro views, rw modifies, admin manages permissions', async () => {
    const roles = await t.ok('GET', '/roles');
    const by = (k: string) => roles.find((r: any) => r.default_flywheel_role === k);
    expect(by('ro').actions).toContain('containers_view_metadata');
    expect(by('ro').actions).not.toContain('containers_modify_metadata');
    expect(by('rw').actions).toContain('containers_modify_metadata');
    expect(by('rw').actions).not.toContain('project_permissions_manage');
    expect(by('admin').actions).toContain('project_permissions_manage');
  });

  it('POST /roles and PUT /roles/{role_id} answer the RoleOutput; DELETE is 204', async () => {
    const created = await t.ok('POST', '/roles', {
      body: { label: 'Curator', actions: ['containers_view_metadata'] },
    });
    const _id = created._id;
    expect(created).toEqual({
      _id,
      label: 'Curator',
      actions: ['containers_view_metadata'],
      in_use: false,
    });
    expect(await t.ok('GET', `/roles/${_id}`)).toEqual(created);
    // a duplicate label (the body itself valid: RoleInput requires `actions`)
    expect(
      (await t.call('POST', '/roles', { body: { label: 'Curator', actions: [] } })).status,
    ).toBe(409);
    const mod = await t.ok('PUT', `/roles/${_id}`, {
      body: { actions: ['files_view_metadata', 'tags_view'] },
    });
    expect(mod.actions).toEqual(['files_view_metadata', 'tags_view']);
    expect((await t.ok('GET', `/roles/${_id}`)).actions).toEqual([
      'files_view_metadata',
      'tags_view',
    ]);
    expect((await t.call('DELETE', `/roles/${_id}`)).status).toBe(204);
    expect((await t.call('GET', `/roles/${_id}`)).status).toBe(404);
  });

  it('default roles cannot be changed or deleted', async () => {
    const admin = (await t.ok('GET', '/roles')).find(
      (r: any) => r.default_flywheel_role === 'admin',
    );
    expect((await t.call('DELETE', `/roles/${admin._id}`)).status).toBe(400);
    expect((await t.call('PUT', `/roles/${admin._id}`, { body: { label: 'x' } })).status).toBe(400);
  });

  it('assigns roles to groups', async () => {
    const g = gid();
    await t.ok('POST', '/groups', { body: { _id: g, label: 'G' } });
    const { _id } = await t.ok('POST', '/roles', { body: { label: `r-${g}`, actions: [] } });
    expect((await t.ok('GET', `/groups/${g}/roles`)).map((r: any) => r._id)).not.toContain(_id);
    expect((await t.ok('POST', `/groups/${g}/roles`, { body: { _id } }))._id).toBe(_id);
    expect((await t.ok('GET', `/groups/${g}`)).roles).toEqual([_id]);
    expect((await t.ok('GET', `/groups/${g}/roles/${_id}`)).label).toBe(`r-${g}`);
    const roles = await t.ok('GET', `/groups/${g}/roles`);
    expect(roles.map((r: any) => r._id)).toContain(_id);
    expect(roles.filter((r: any) => r.default_flywheel_role)).toHaveLength(3);
    expect((await t.call('DELETE', `/groups/${g}/roles/${_id}`)).status).toBe(204);
    expect((await t.ok('GET', `/groups/${g}/roles`)).map((r: any) => r._id)).not.toContain(_id);
    expect((await t.call('DELETE', `/groups/${g}/roles/${_id}`)).status).toBe(404);
  });
});
