import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

// Issue 12 §1 leftovers: more bodies validated against the spec; finder words and edge cases.
const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;

beforeAll(async () => {
  h = await hierarchy(t);
  await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
    raw: form([{ name: 'f.txt', data: 'f' }]),
  });
});

describe('bodies of other operations are checked against the spec', () => {
  it.each([
    ['POST', (): string => `/sessions/${h.session}/tags`, { value: 'x', colour: 'red' }, 'colour'],
    ['POST', (): string => `/sessions/${h.session}/notes`, { text: 'n', mood: 'happy' }, 'mood'],
    ['POST', (): string => '/users', { _id: 'x@example.org', firstname: 'X' }, 'lastname'],
    ['POST', (): string => '/resolve', { path: [], depth: 2 }, 'depth'],
    [
      'PUT',
      (): string => `/acquisitions/${h.acquisition}/files/f.txt`,
      { colour: 'red' },
      'colour',
    ],
  ] as const)(
    '%s %s with an unknown or missing field is a 400 naming it',
    async (method, path, body, field) => {
      const r = await t.call(method, path(), { body });
      expect(r.status).toBe(400);
      expect(r.body.message).toContain(`"${field}"`);
    },
  );

  it('a wrongly typed field is a 400 naming it', async () => {
    const r = await t.call('POST', `/sessions/${h.session}/tags`, { body: { value: 3 } });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('"value"');
  });
});

describe('finder edge cases', () => {
  it('skip=0 is the first page', async () => {
    const all = await t.ok('GET', `/projects/${h.project}/sessions`);
    expect(await t.ok('GET', `/projects/${h.project}/sessions?skip=0`)).toEqual(all);
  });

  it('an empty path segment in a filter is a 422 naming the parameter', async () => {
    const r = await t.call('GET', '/sessions?filter=info..x=1');
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('"filter"');
  });

  it('gears keep their filter=single_input word', async () => {
    const gear = (name: string, inputs: object) => ({
      category: 'analysis',
      gear: { name, label: name, version: '1.0.0', inputs, config: {} },
    });
    await t.ok('POST', '/gears/one-in', { body: gear('one-in', { a: { base: 'file' } }) });
    await t.ok('POST', '/gears/two-in', {
      body: gear('two-in', { a: { base: 'file' }, b: { base: 'file' } }),
    });
    const names = (await t.ok('GET', '/gears?filter=single_input')).map((g: any) => g.gear.name);
    expect(names).toContain('one-in');
    expect(names).not.toContain('two-in');
  });

  it('gears keep their filter=read_only_key word', async () => {
    const gear = (name: string, key: object) => ({
      category: 'analysis',
      gear: {
        name,
        label: name,
        version: '1.0.0',
        inputs: { a: { base: 'file' }, key: { base: 'api-key', ...key } },
        config: {},
      },
    });
    await t.ok('POST', '/gears/ro-key', { body: gear('ro-key', { 'read-only': true }) });
    await t.ok('POST', '/gears/rw-key', { body: gear('rw-key', {}) });
    const names = (await t.ok('GET', '/gears?filter=read_only_key')).map((g: any) => g.gear.name);
    expect(names).toContain('ro-key');
    expect(names).not.toContain('rw-key');
    expect(names).not.toContain('one-in');
  });
});
