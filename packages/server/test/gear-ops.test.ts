import { beforeAll, describe, expect, it } from 'vitest';
import { hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;

const manifest = (name: string, version = '1.0.0') => ({
  name,
  version,
  inputs: {
    scan: { base: 'file', optional: true },
    settings: { base: 'context' },
    atlas: { base: 'context' },
  },
  config: {},
});

beforeAll(async () => {
  h = await hierarchy(t);
});

describe('gear tickets', () => {
  it('prepare-add → my-tickets → ticket → save registers the gear and uses the ticket up', async () => {
    const { ticket } = await t.ok('POST', '/gears/prepare-add', {
      body: { category: 'analysis', gear: manifest('ticketed') },
    });
    expect(await t.ok('GET', '/gears/my-tickets')).toContain(ticket);
    const got = await t.ok('GET', `/gears/ticket/${ticket}`);
    expect(got).toMatchObject({
      _id: ticket,
      origin: { type: 'user', id: 'admin@local.flywheel' },
      geardoc: { gear: { name: 'ticketed' } },
    });
    const wrongRepo = await t.call('POST', '/gears/save', {
      body: { ticket, repo: 'other', pointer: 'sha256:abc' },
    });
    expect(wrongRepo.status).toBe(400);
    const gear = await t.ok('POST', '/gears/save', {
      body: { ticket, repo: 'ticketed', pointer: 'sha256:abc' },
    });
    expect(gear).toMatchObject({ category: 'analysis', gear: { name: 'ticketed' } });
    expect(gear.exchange['rootfs-hash']).toBe('sha256:abc');
    expect((await t.ok('GET', '/gears/ticketed'))._id).toBe(gear._id);
    expect(await t.ok('GET', '/gears/my-tickets')).not.toContain(ticket);
    expect((await t.call('GET', `/gears/ticket/${ticket}`)).status).toBe(404);
    const again = await t.call('POST', '/gears/save', {
      body: { ticket, repo: 'ticketed', pointer: 'sha256:abc' },
    });
    expect(again.status).toBe(404);
    expect(again.body.message).toContain('POST /gears/prepare-add');
  });

  it('checks the manifest when preparing, and only admins prepare', async () => {
    const bad = await t.call('POST', '/gears/prepare-add', {
      body: { gear: { ...manifest('bad'), inputs: { a: { base: 'nothing' } } } },
    });
    expect(bad.status).toBe(400);
    const user = await t.createUser('gear-dev@example.org');
    const r = await t.call('POST', '/gears/prepare-add', {
      key: user,
      body: { gear: manifest('mine') },
    });
    expect(r.status).toBe(403);
    expect(await t.ok('GET', '/gears/my-tickets', { key: user })).toEqual([]);
  });
});

describe('gear context values', () => {
  it('looks context inputs up the hierarchy, nearest container first', async () => {
    const gearId = (await t.ok('POST', '/gears/ctx-gear', { body: { gear: manifest('ctx-gear') } }))
      ._id;
    await t.ok('PUT', `/projects/${h.project}`, {
      body: { info: { context: { settings: { level: 'project' } } } },
    });
    await t.ok('PUT', `/sessions/${h.session}`, {
      body: { label: 'Ses', info: { context: { settings: { level: 'session' } } } },
    });
    const got = await t.ok('GET', `/gears/${gearId}/context/acquisition/${h.acquisition}`);
    expect(got).toEqual({
      settings: {
        container_type: 'session',
        id: h.session,
        label: 'Ses',
        value: { level: 'session' },
        found: true,
      },
      atlas: { found: false },
    });
    const atProject = await t.ok('GET', `/gears/${gearId}/context/projects/${h.project}`);
    expect(atProject.settings.value).toEqual({ level: 'project' });
    expect(
      (await t.call('GET', `/gears/${gearId}/context/session/000000000000000000000000`)).status,
    ).toBe(404);
  });
});

describe('compute provider of a job', () => {
  it('answers the job own provider, else the site one, never with credentials', async () => {
    const gearId = (
      await t.ok('POST', '/gears/prov-gear', { body: { gear: manifest('prov-gear') } })
    )._id;
    const site = await t.ok('GET', '/site/settings');
    const p = await t.ok('POST', '/jobs/determine_provider', {
      body: { gear_id: gearId, destination: { type: 'acquisition', id: h.acquisition } },
    });
    expect(p._id).toBe(site.providers.compute);
    expect(p.provider_class).toBe('compute');
    expect(p.creds).toEqual({});
    const own = await t.ok('POST', '/site/providers', {
      body: {
        label: 'Mine',
        provider_class: 'compute',
        provider_type: 'static',
        config: {},
        creds: { secret: 'nope' },
      },
    });
    const chosen = await t.ok('POST', '/jobs/determine_provider', {
      body: { gear_id: gearId, compute_provider_id: own._id },
    });
    expect(chosen).toMatchObject({ _id: own._id, label: 'Mine', creds: {} });
    const missing = await t.call('POST', '/jobs/determine_provider', {
      body: { gear_id: gearId, compute_provider_id: '0123456789abcdef01234567' },
    });
    expect(missing.status).toBe(404);
  });
});
