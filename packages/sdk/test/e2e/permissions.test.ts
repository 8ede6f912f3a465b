/** Permissions on groups/projects/collections, and roles (quick reference "Group Roles"). */
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, Group, PermissionDeniedError, Role } from '../../src/node.js';
import { groupId, uniq, useServer } from '../helpers/server.js';

describe('permissions and roles', () => {
  const ctx = useServer();
  let myGroup: Group;
  let user: { id: string; apiKey: string };

  beforeAll(async () => {
    const id = await ctx.fw.addGroup({ _id: groupId('perm'), label: 'Permissions' });
    myGroup = (await ctx.fw.get(id)) as Group;
    user = await ctx.server.createUser({
      id: `${uniq('example')}@user.com`,
      firstname: 'Ex',
      lastname: 'Ample',
    });
  });

  it('group permissions: add (quick reference), update, delete', async () => {
    await myGroup.addPermission({ access: 'rw', _id: user.id });
    let perms = (await myGroup.reload()).permissions!;
    expect(perms).toContainEqual({ _id: user.id, access: 'rw' });
    await myGroup.updatePermission(user.id, { access: 'ro' });
    perms = (await myGroup.reload()).permissions!;
    expect(perms).toContainEqual({ _id: user.id, access: 'ro' });
    await myGroup.deletePermission(user.id);
    perms = (await myGroup.reload()).permissions!;
    expect(perms.some((p) => p._id === user.id)).toBe(false);
  });

  it('project permissions give another user access', async () => {
    const project = await myGroup.addProject({ label: 'Shared' });
    const other = new Client(user.apiKey);
    await expect(other.getProject(project.id)).rejects.toBeInstanceOf(PermissionDeniedError);
    // v21: project permissions carry role ids (here the site's default read-only role).
    const ro = (await ctx.fw.getAllRoles()).find((r) => r.default_flywheel_role === 'ro')!.id;
    await project.addPermission({ _id: user.id, role_ids: [ro] });
    expect((await other.getProject(project.id)).label).toBe('Shared');
    expect((await ctx.fw.getProjectUserPermission(project.id, user.id)).role_ids).toEqual([ro]);
    await project.deletePermission(user.id);
    await expect(other.getProject(project.id)).rejects.toMatchObject({ status: 403 });
  });

  it('set permissions for a list of users across every project of a group', async () => {
    await myGroup.addProject({ label: 'p-a' });
    const users = [user.id, (await ctx.server.createUser({ id: `${uniq('u2')}@user.com` })).id];
    const rw = (await ctx.fw.getAllRoles()).find((r) => r.default_flywheel_role === 'rw')!.id;
    for (const project of await myGroup.projects()) {
      for (const id of users) await project.addPermission({ _id: id, role_ids: [rw] });
    }
    for (const project of await myGroup.projects()) {
      const perms = (await project.reload()).permissions!;
      for (const id of users) expect(perms).toContainEqual({ _id: id, role_ids: [rw] });
    }
  });

  it('group permission templates (v21): add, get, update, delete; role based', async () => {
    const roles = await ctx.fw.getAllRoles();
    const ro = roles.find((r) => r.default_flywheel_role === 'ro')!.id;
    const rw = roles.find((r) => r.default_flywheel_role === 'rw')!.id;
    const templated = await ctx.server.createUser({ id: `${uniq('tpl')}@user.com` });
    const added = await myGroup.addPermissionTemplate({ _id: templated.id, role_ids: [ro] });
    expect(added).toMatchObject({ _id: templated.id, role_ids: [ro] });
    expect(await myGroup.getPermissionTemplate(templated.id)).toMatchObject({ role_ids: [ro] });
    expect((await myGroup.reload()).permissions_template).toContainEqual({
      _id: templated.id,
      role_ids: [ro],
    });
    await myGroup.updatePermissionTemplate(templated.id, { role_ids: [rw] });
    expect((await myGroup.getPermissionTemplate(templated.id)).role_ids).toEqual([rw]);
    await myGroup.deletePermissionTemplate(templated.id);
    const left = (await myGroup.reload()).permissions_template ?? [];
    expect(left.some((p) => p._id === templated.id)).toBe(false);
    await expect(myGroup.getPermissionTemplate(templated.id)).rejects.toMatchObject({
      status: 404,
    });
  });

  it('permission templates reach existing projects with { propagate: true }, and only then', async () => {
    const roles = await ctx.fw.getAllRoles();
    const ro = roles.find((r) => r.default_flywheel_role === 'ro')!.id;
    const rw = roles.find((r) => r.default_flywheel_role === 'rw')!.id;
    const gid = await ctx.fw.addGroup({ _id: groupId('tplprop'), label: 'Template propagation' });
    const group = (await ctx.fw.get(gid)) as Group;
    const project = await group.addProject({ label: 'existing' });
    const entry = async () =>
      (await project.reload()).permissions!.find((p) => p._id === templated.id);
    const templated = await ctx.server.createUser({ id: `${uniq('tplp')}@user.com` });
    const other = new Client(templated.apiKey);
    await group.addPermissionTemplate({ _id: templated.id, role_ids: [ro] });
    expect(await entry(), 'without propagate: new projects only').toBeUndefined();
    await group.deletePermissionTemplate(templated.id);
    await group.addPermissionTemplate({ _id: templated.id, role_ids: [ro] }, { propagate: true });
    expect((await entry())?.role_ids).toEqual([ro]);
    expect((await other.getProject(project.id)).label).toBe('existing');
    await group.updatePermissionTemplate(templated.id, { role_ids: [rw] }, { propagate: true });
    expect((await entry())?.role_ids).toEqual([rw]);
    await group.deletePermissionTemplate(templated.id, { propagate: true });
    expect(await entry()).toBeUndefined();
    await expect(other.getProject(project.id)).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('a permission with a misspelled field is refused by the server, naming the field', async () => {
    const err = await myGroup
      .addPermission({ _id: user.id, access: 'rw', acess: 'ro' } as never)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400 });
    expect(String((err as Error).message)).toMatch(/unexpected field "acess"/);
    expect(((await myGroup.reload()).permissions ?? []).some((p) => p._id === user.id)).toBe(false);
  });

  it('roles: getAllRoles gives Role objects with the three defaults; addRoleToGroup assigns them', async () => {
    const roles = await ctx.fw.getAllRoles();
    expect(roles.every((r) => r instanceof Role)).toBe(true);
    const pick = (access: string) =>
      roles
        .filter((r) => r.default_flywheel_role === access)
        .map((r) => r.id)
        .pop()!;
    const adminId = pick('admin');
    const rwId = pick('rw');
    const roId = pick('ro');
    expect([adminId, rwId, roId].every((x) => typeof x === 'string')).toBe(true);
    await ctx.fw.addRoleToGroup(myGroup.id, { _id: adminId });
    await ctx.fw.addRoleToGroup(myGroup.id, { _id: rwId });
    await ctx.fw.addRoleToGroup(myGroup.id, { _id: roId });
    // v21: a group's roles are RoleOutput documents (Role objects).
    const assigned = await ctx.fw.getAllGroupRoles(myGroup.id);
    expect(assigned.every((r) => r instanceof Role)).toBe(true);
    expect(assigned.map((r) => r._id)).toEqual(expect.arrayContaining([adminId, rwId, roId]));
    expect((await ctx.fw.getRole(rwId)).label).toBeTruthy();
  });
});
