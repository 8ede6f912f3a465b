import { beforeAll, describe, expect, it } from 'vitest';
import { useServer } from './helpers/server.js';

const t = useServer();
let userKey: string;

beforeAll(async () => {
  userKey = await t.createUser('site-user@example.com');
});

describe('site settings', () => {
  it('GET /site/settings answers the defaults with the built-in providers', async () => {
    const s = await t.ok('GET', '/site/settings');
    expect(s._id).toBe('site');
    expect(s.center_gears).toEqual([]);
    expect(typeof s.providers.storage).toBe('string');
    const storage = await t.ok('GET', `/site/providers/${s.providers.storage}`);
    expect(storage.provider_class).toBe('storage');
  });

  it('PUT /site/settings stores changes; non-admins get 403, bad bodies 400', async () => {
    const s = await t.ok('PUT', '/site/settings', {
      body: {
        center_gears: ['dcm2niix'],
        deid_profile: { name: 'basic' },
        mfa: { disallowed_channels: ['sms'] },
      },
    });
    expect(s.center_gears).toEqual(['dcm2niix']);
    const again = await t.ok('GET', '/site/settings');
    expect(again.center_gears).toEqual(['dcm2niix']);
    expect(again.deid_profile).toEqual({ name: 'basic' });
    expect(again.mfa.disallowed_channels).toEqual(['sms']);
    expect(
      (await t.call('PUT', '/site/settings', { body: { center_gears: ['x'] }, key: userKey }))
        .status,
    ).toBe(403);
    expect((await t.call('PUT', '/site/settings', { body: { center_gears: 'x' } })).status).toBe(
      400,
    );
    expect(
      (await t.call('PUT', '/site/settings', { body: { providers: { storage: 'nope' } } })).status,
    ).toBe(400);
  });
});

describe('providers', () => {
  it('POST /site/providers stores a provider; GET never echoes creds; PUT modifies; DELETE removes', async () => {
    const body = {
      label: 'Cloud compute',
      provider_class: 'compute',
      provider_type: 'aws',
      creds: { aws_secret_access_key: 'SECRET' },
      config: { region: 'us-east-1' },
    };
    const { _id } = await t.ok('POST', '/site/providers', { body });
    const p = await t.ok('GET', `/site/providers/${_id}`);
    expect(p).toMatchObject({
      label: 'Cloud compute',
      provider_class: 'compute',
      config: { region: 'us-east-1' },
    });
    expect(JSON.stringify(p)).not.toContain('SECRET');
    const list = await t.ok('GET', '/site/providers?class=compute');
    expect(list.map((x: any) => x._id)).toContain(_id);
    expect(list.every((x: any) => x.provider_class === 'compute')).toBe(true);
    expect(JSON.stringify(list)).not.toContain('SECRET');
    expect(
      (await t.ok('GET', '/site/providers?class=storage')).map((x: any) => x._id),
    ).not.toContain(_id);
    expect((await t.call('POST', '/site/providers', { body })).status).toBe(409);
    const m = await t.ok('PUT', `/site/providers/${_id}`, {
      body: { label: 'Renamed', config: { zone: 'b' } },
    });
    expect(m.label).toBe('Renamed');
    expect(await t.ok('GET', `/site/providers/${_id}/config`)).toEqual({
      region: 'us-east-1',
      zone: 'b',
    });
    expect((await t.call('GET', `/site/providers/${_id}/config`, { key: userKey })).status).toBe(
      403,
    );
    expect(
      (await t.call('POST', '/site/providers', { body: { ...body, label: 'x' }, key: userKey }))
        .status,
    ).toBe(403);
    expect((await t.call('DELETE', `/site/providers/${_id}`)).status).toBe(204);
    expect((await t.call('GET', `/site/providers/${_id}`)).status).toBe(404);
  });

  it('DELETE /site/providers/{provider_id} refuses a site default provider', async () => {
    const s = await t.ok('GET', '/site/settings');
    expect((await t.call('DELETE', `/site/providers/${s.providers.storage}`)).status).toBe(409);
  });
});

describe('bookmarks', () => {
  it('PUT /site/bookmark-list replaces the list; GET /site/bookmark-list answers it', async () => {
    expect(await t.ok('GET', '/site/bookmark-list')).toEqual([]);
    const list = [{ label: 'Docs', url: 'https://docs.flywheel.io' }];
    expect(await t.ok('PUT', '/site/bookmark-list', { body: list })).toEqual(list);
    expect(await t.ok('GET', '/site/bookmark-list', { key: userKey })).toEqual(list);
    expect((await t.call('PUT', '/site/bookmark-list', { body: [{ label: 'x' }] })).status).toBe(
      400,
    );
    expect((await t.call('PUT', '/site/bookmark-list', { body: list, key: userKey })).status).toBe(
      403,
    );
  });
});
