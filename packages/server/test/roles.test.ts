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

  it('creates, gets, modifies and deletes a role', async () => {
    const { _id } = await t.ok('POST', '/roles', {
      body: { label: 'Curator', actions: ['containers_view'] },
    });
    expect(await t.ok('GET', `/roles/${_id}`)).toEqual({
      _id,
      label: 'Curator',
      actions: ['containers_view'],
    });
    expect((await t.call('POST', '/roles', { body: { label: 'Curator' } })).status).toBe(409);
    await t.ok('PUT', `/roles/${_id}`, { body: { actions: ['a', 'b'] } });
    expect((await t.ok('GET', `/roles/${_id}`)).actions).toEqual(['a', 'b']);
    await t.ok('DELETE', `/roles/${_id}`);
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
    await t.ok('POST', `/groups/${g}/roles`, { body: { _id } });
    expect((await t.ok('GET', `/groups/${g}`)).roles).toEqual([_id]);
    const roles = await t.ok('GET', `/groups/${g}/roles`);
    expect(roles.map((r: any) => r._id)).toContain(_id);
    expect(roles.filter((r: any) => r.default_flywheel_role)).toHaveLength(3);
    await t.ok('DELETE', `/groups/${g}/roles/${_id}`);
    expect((await t.ok('GET', `/groups/${g}/roles`)).map((r: any) => r._id)).not.toContain(_id);
    expect((await t.call('DELETE', `/groups/${g}/roles/${_id}`)).status).toBe(404);
  });
});
