import { beforeAll, describe, expect, it } from 'vitest';
import { hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
let userKey: string;

beforeAll(async () => {
  h = await hierarchy(t);
  userKey = await t.createUser('de-user@example.com');
});

const search = { return_type: 'session', structured_query: 'session.label = ses-01' };

describe('saved searches', () => {
  it('POST /dataexplorer/queries saves; GET/PUT/DELETE /dataexplorer/queries/{search_id} follow', async () => {
    const { _id } = await t.ok('POST', '/dataexplorer/queries', {
      body: { label: 'My sessions', search, parent: { type: 'project', id: h.project } },
    });
    const s = await t.ok('GET', `/dataexplorer/queries/${_id}`);
    expect(s).toMatchObject({
      label: 'My sessions',
      search,
      parent: { type: 'project', id: h.project },
    });
    const list = await t.ok('GET', '/dataexplorer/queries');
    expect(list.map((x: any) => x._id)).toContain(_id);
    const page = await t.ok('GET', '/dataexplorer/queries', {
      headers: { 'x-accept-feature': 'pagination' },
    });
    expect(page.total).toBeGreaterThanOrEqual(1);
    const r = await t.ok('PUT', `/dataexplorer/queries/${_id}`, { body: { label: 'Renamed' } });
    expect(r.label).toBe('Renamed');
    expect((await t.ok('GET', `/dataexplorer/queries/${_id}`)).label).toBe('Renamed');
    // another user cannot see a search on a project they have no access to
    expect((await t.call('GET', `/dataexplorer/queries/${_id}`, { key: userKey })).status).toBe(
      404,
    );
    expect(
      (await t.ok('GET', '/dataexplorer/queries', { key: userKey })).map((x: any) => x._id),
    ).not.toContain(_id);
    expect(await t.ok('DELETE', `/dataexplorer/queries/${_id}`)).toEqual({ deleted: 1 });
    expect((await t.call('GET', `/dataexplorer/queries/${_id}`)).status).toBe(404);
  });

  it('POST /dataexplorer/queries validates the query, the parent and access', async () => {
    const bad = { return_type: 'session', structured_query: 'session.label = (' };
    expect(
      (
        await t.call('POST', '/dataexplorer/queries', {
          body: { label: 'x', search: bad, parent: { type: 'site', id: 'site' } },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await t.call('POST', '/dataexplorer/queries', {
          body: { label: 'x', search, parent: { type: 'project', id: '0'.repeat(24) } },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await t.call('POST', '/dataexplorer/queries', {
          body: { label: 'x', search, parent: { type: 'project', id: h.project } },
          key: userKey,
        })
      ).status,
    ).toBe(403);
    const mine = await t.ok('POST', '/dataexplorer/queries', {
      body: { label: 'mine', search, parent: { type: 'user', id: 'de-user@example.com' } },
      key: userKey,
    });
    expect(
      (await t.ok('GET', '/dataexplorer/queries', { key: userKey })).map((x: any) => x._id),
    ).toEqual([mine._id]);
  });
});

describe('search helpers', () => {
  it('POST /dataexplorer/search/parse reports validity and errors', async () => {
    expect(
      await t.ok('POST', '/dataexplorer/search/parse', {
        body: { structured_query: 'session.label = x' },
      }),
    ).toEqual({
      valid: true,
      errors: [],
    });
    const r = await t.ok('POST', '/dataexplorer/search/parse', {
      body: { structured_query: 'session.label = (' },
    });
    expect(r.valid).toBe(false);
    expect(r.errors[0].message).toBeTruthy();
  });

  it('GET /dataexplorer/search/status is up-to-date (searches read the database directly)', async () => {
    expect(await t.ok('GET', '/dataexplorer/search/status')).toEqual({ status: 'up-to-date' });
  });
});

describe('search fields', () => {
  it('GET /dataexplorer/mapped_fields maps the fields of visible documents per level', async () => {
    await t.ok('PATCH', `/sessions/${h.session}/info`, {
      body: { set: { scanner: { field: 3 } } },
    });
    const m = await t.ok('GET', '/dataexplorer/mapped_fields');
    expect(m.session.properties.label).toEqual({ type: 'keyword' });
    expect(m.session.properties.info.properties.scanner.properties.field).toEqual({ type: 'long' });
    const sub = await t.ok('GET', '/dataexplorer/mapped_fields?path=session.info');
    expect(Object.keys(sub)).toEqual(['session.info']);
    expect((await t.call('GET', '/dataexplorer/mapped_fields?path=session.nope')).status).toBe(404);
    const other = await t.ok('GET', '/dataexplorer/mapped_fields', { key: userKey });
    expect(other.session.properties.label).toBeUndefined();
  });

  it('POST /dataexplorer/search/suggest suggests field names, then stored values', async () => {
    const f = await t.ok('POST', '/dataexplorer/search/suggest', {
      body: { structured_query: 'session.la' },
    });
    expect(f.from).toBe(0);
    expect(f.suggestions.map((s: any) => s.value)).toContain('session.label');
    const v = await t.ok('POST', '/dataexplorer/search/suggest', {
      body: { structured_query: 'session.label = ses' },
    });
    expect(v.from).toBe('session.label = '.length);
    expect(v.suggestions.map((s: any) => s.display)).toEqual(['ses-01']);
    const none = await t.ok('POST', '/dataexplorer/search/suggest', {
      body: { structured_query: 'session.label = ses' },
      key: userKey,
    });
    expect(none.suggestions).toEqual([]);
  });
});
