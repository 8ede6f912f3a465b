import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();

async function upload(path: string, name: string, data: string | Buffer, meta?: unknown) {
  const [doc] = await t.ok('POST', `${path}/files`, { raw: form([{ name, data }], meta) });
  return doc;
}
const blobCount = () =>
  readdirSync(join(t.server.dataDir, 'blobs')).filter((f) => !f.startsWith('.')).length;

describe('files by id', () => {
  it('GET /files/{file_id} (?version=), GET /files/{file_id}/versions, GET …/files/{name}?version=', async () => {
    const h = await hierarchy(t);
    const p = `/acquisitions/${h.acquisition}`;
    const v1 = await upload(p, 'a.txt', 'one', { tags: ['x'] });
    const v2 = await upload(p, 'a.txt', 'two!');
    expect(await t.ok('GET', `/files/${v1.file_id}`)).toMatchObject({ version: 2, _id: v2._id });
    expect(await t.ok('GET', `/files/${v1.file_id}?version=1`)).toMatchObject({
      version: 1,
      tags: ['x'],
    });
    expect((await t.call('GET', `/files/${v1.file_id}?version=9`)).status).toBe(404);
    expect((await t.call('GET', `/files/${v1.file_id}?version=x`)).status).toBe(400);
    const versions = await t.ok('GET', `/files/${v1.file_id}/versions`);
    expect(versions.map((v: any) => v.version)).toEqual([1, 2]);
    expect((await t.call('GET', `${p}/files/a.txt?version=1`)).bytes.toString()).toBe('one');
    expect((await t.call('GET', `${p}/files/a.txt`)).bytes.toString()).toBe('two!');
  });

  it('GET/PATCH/PUT /files/{file_id}/info and PUT /files/{file_id}/classification', async () => {
    const h = await hierarchy(t);
    const p = `/sessions/${h.session}`;
    const f = await upload(p, 'i.txt', 'x', { info: { a: 1 } });
    expect(await t.ok('GET', `/files/${f.file_id}/info`)).toEqual({ a: 1 });
    expect(
      await t.ok('PATCH', `/files/${f.file_id}/info`, { body: { set: { b: 2 }, delete: ['a'] } }),
    ).toMatchObject({ modified: 1 });
    expect(await t.ok('GET', `/files/${f.file_id}/info`)).toEqual({ b: 2 });
    expect(await t.ok('PUT', `/files/${f.file_id}/info`, { body: { c: 3 } })).toEqual({ c: 3 });
    // consistent with the container file ops
    expect((await t.ok('GET', `${p}/files/i.txt/info`)).info).toEqual({ c: 3 });
    await t.ok('PATCH', `${p}/files/i.txt/info`, { body: { set: { d: 4 } } });
    expect(await t.ok('GET', `/files/${f.file_id}/info`)).toEqual({ c: 3, d: 4 });
    expect(
      await t.ok('PUT', `/files/${f.file_id}/classification`, {
        body: { add: { Custom: ['mine'] } },
      }),
    ).toMatchObject({ modified: 1 });
    expect((await t.ok('GET', `/files/${f.file_id}`)).classification).toEqual({
      Custom: ['mine'],
    });
    expect((await t.ok('GET', `/files/${f.file_id}`)).revision).toBeGreaterThan(1);
  });

  it('GET/PATCH/PUT/DELETE /files/{file_id}/tags', async () => {
    const h = await hierarchy(t);
    const f = await upload(`/subjects/${h.subject}`, 't.txt', 'x', { tags: ['a'] });
    const base = `/files/${f.file_id}/tags`;
    expect(await t.ok('GET', base)).toEqual(['a']);
    expect(await t.ok('PATCH', base, { body: ['b', 'a', 'c'] })).toEqual(['a', 'b', 'c']);
    expect((await t.call('DELETE', base, { body: ['a', 'c'] })).status).toBe(204);
    expect(await t.ok('GET', base)).toEqual(['b']);
    expect(await t.ok('PUT', base, { body: ['z', 'y'] })).toMatchObject({ modified: 1 });
    expect(await t.ok('GET', base)).toEqual(['z', 'y']);
    expect((await t.call('PUT', base, { body: { a: 1 } })).status).toBe(400);
  });

  it('POST /files/{file_id}/restore, POST /files/{file_id}/move, DELETE /files/{file_id}', async () => {
    const h = await hierarchy(t);
    const p = `/acquisitions/${h.acquisition}`;
    const f = await upload(p, 'r.txt', 'old');
    await upload(p, 'r.txt', 'new');
    expect((await t.call('POST', `/files/${f.file_id}/restore`)).status).toBe(400);
    const r = await t.ok('POST', `/files/${f.file_id}/restore?version=1&evaluate_gear_rules=false`);
    expect(r).toMatchObject({ version: 3, restored_from: 1 });
    expect((await t.call('GET', `${p}/files/r.txt`)).bytes.toString()).toBe('old');
    expect(
      await t.ok('POST', `/files/${f.file_id}/move`, {
        body: { container_reference: { type: 'session', id: h.session }, name: 'm.txt' },
      }),
    ).toMatchObject({ modified: 1 });
    expect((await t.call('GET', `/sessions/${h.session}/files/m.txt`)).bytes.toString()).toBe(
      'old',
    );
    const before = blobCount();
    // every version goes: deleted counts them
    expect(await t.ok('DELETE', `/files/${f.file_id}`)).toMatchObject({ deleted: 3 });
    expect((await t.call('GET', `/files/${f.file_id}`)).status).toBe(404);
    expect(blobCount()).toBe(before - 2); // 'old' shared by v1/v3, 'new' by v2
  });

  it('DELETE /files with a list of ids answers DeletedResult', async () => {
    const h = await hierarchy(t);
    const p = `/acquisitions/${h.acquisition}`;
    const a = await upload(p, 'x1.txt', '1');
    const b = await upload(p, 'x2.txt', '2');
    const r = await t.ok('DELETE', '/files', {
      body: [a.file_id, b.file_id, '5f0000000000000000000001'],
    });
    expect(r).toEqual({ deleted: 2, not_found: 1 });
    expect((await t.ok('GET', p)).files).toEqual([]);
  });

  it('GET /files pages with filter, sort and after_id on file_id', async () => {
    const h = await hierarchy(t);
    const p = `/acquisitions/${h.acquisition}`;
    const ids = [];
    for (const n of ['p1.csv', 'p2.csv', 'p3.csv']) ids.push((await upload(p, n, n)).file_id);
    const page = await t.ok('GET', `/files?filter=parent_ref.id=${h.acquisition}&sort=name:desc`);
    expect(page.total).toBe(3);
    expect(page.results.map((f: any) => f.name)).toEqual(['p3.csv', 'p2.csv', 'p1.csv']);
    const sorted = [...ids].sort();
    const after = await t.ok(
      'GET',
      `/files?filter=parent_ref.id=${h.acquisition}&after_id=${sorted[0]}&limit=1`,
    );
    expect(after.results.map((f: any) => f.file_id)).toEqual([sorted[1]]);
    // another user sees none of them
    const key = await t.createUser('files-other@example.org');
    const other = await t.ok('GET', `/files?filter=parent_ref.id=${h.acquisition}`, { key });
    expect(other.results).toEqual([]);
    expect((await t.call('GET', `/files/${ids[0]}`, { key })).status).toBe(403);
  });

  it('GET /files/{file_id}/zip_info lists zip members', async () => {
    const yazl = (await import('yazl')).default;
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('hello'), 'd/one.txt');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const ch of zip.outputStream) chunks.push(ch as Buffer);
    const h = await hierarchy(t);
    const f = await upload(`/acquisitions/${h.acquisition}`, 'z.zip', Buffer.concat(chunks));
    const info = await t.ok('GET', `/files/${f.file_id}/zip_info`);
    expect(info.members.map((m: any) => m.path)).toEqual(['d/one.txt']);
  });

  it('POST /files upserts a file record by reference', async () => {
    const h = await hierarchy(t);
    const body = {
      provider_id: '000000000000000000000001',
      name: 'ref.dat',
      size: 10,
      parent_ref: { type: 'acquisition', id: h.acquisition },
      origin: { type: 'user', id: 'admin@local.flywheel' },
      client_hash: 'abc',
    };
    const a = await t.ok('POST', '/files', { body });
    expect(a).toMatchObject({ name: 'ref.dat', version: 1, upsert_result: 'created' });
    expect((await t.ok('POST', '/files', { body })).upsert_result).toBe('ignored');
    const u = await t.ok('POST', '/files?force_update=true', { body: { ...body, size: 11 } });
    expect(u).toMatchObject({ version: 2, size: 11, upsert_result: 'updated' });
  });
});
