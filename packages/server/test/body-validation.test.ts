import { beforeAll, describe, expect, it } from 'vitest';
import { useServer } from './helpers/server.js';

const t = useServer();
let group: string;
let project: string;
let session: string;

beforeAll(async () => {
  group = 'bodyval';
  await t.ok('POST', '/groups', { body: { _id: group, label: 'Body validation' } });
  project = (await t.ok('POST', '/projects', { body: { group, label: 'p' } }))._id;
  session = (
    await t.ok('POST', '/sessions', { body: { project, label: 's', subject: { code: 'c1' } } })
  )._id;
});

describe('request bodies are checked against the spec', () => {
  it('an unknown field in a create body is a 400 naming it', async () => {
    const r = await t.call('POST', '/projects', {
      body: { group, label: 'x', extra_param: 1 },
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('"extra_param"');
    // nothing was created
    const list = await t.ok('GET', `/groups/${group}/projects`);
    expect(list.map((p: any) => p.label)).toEqual(['p']);
  });

  it('an unknown field in an update body is a 400 naming it', async () => {
    const r = await t.call('PUT', `/sessions/${session}`, { body: { input: 'x' } });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('"input"');
  });

  it('an empty update body is a 400', async () => {
    const r = await t.call('PUT', `/sessions/${session}`, { body: {} });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/empty/);
  });

  it('an empty info key is a 400', async () => {
    const r = await t.call('PATCH', `/sessions/${session}/info`, { body: { set: { '': false } } });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/empty key/);
    const ok = await t.call('PATCH', `/sessions/${session}/info`, { body: { set: { a: false } } });
    expect(ok.status).toBe(200);
  });

  it('a wrongly typed field is a 400 naming it', async () => {
    const r = await t.call('PUT', `/sessions/${session}`, { body: { label: 5 } });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('"label"');
  });

  it('null still clears a field', async () => {
    await t.ok('PUT', `/sessions/${session}`, { body: { operator: 'me' } });
    await t.ok('PUT', `/sessions/${session}`, { body: { operator: null } });
    expect((await t.ok('GET', `/sessions/${session}`)).operator).toBeUndefined();
  });

  it('invalid UTF-8 in a JSON body is a 400, never stored altered', async () => {
    const bad = Buffer.concat([
      Buffer.from('{"label":"a'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('b"}'),
    ]);
    const r = await t.call('PUT', `/sessions/${session}`, {
      raw: bad,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/UTF-8/);
    expect((await t.ok('GET', `/sessions/${session}`)).label).toBe('s');
  });
});
