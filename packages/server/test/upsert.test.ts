import { describe, expect, it } from 'vitest';
import { hierarchy, useServer } from './helpers/server.js';

const t = useServer();

describe('upserts and storage-level signed uploads', () => {
  it('POST /projects/{id}/upsert-hierarchy creates, updates and ignores', async () => {
    const h = await hierarchy(t);
    const body = {
      origin: { type: 'user', id: 'admin@local.flywheel' },
      subject: { label: 'sub-up' },
      session: { uid: '1.2.3.9', label: 'ses-up' },
      acquisition: { uid: '1.2.3.9.1', label: 'acq-up' },
    };
    const a = await t.ok('POST', `/projects/${h.project}/upsert-hierarchy`, { body });
    expect([a.subject.upsert_result, a.session.upsert_result, a.acquisition.upsert_result]).toEqual(
      ['created', 'created', 'created'],
    );
    const b = await t.ok('POST', `/projects/${h.project}/upsert-hierarchy`, { body });
    expect(b.session).toMatchObject({ _id: a.session._id, upsert_result: 'ignored' });
    const c = await t.ok('POST', `/projects/${h.project}/upsert-hierarchy`, {
      body: { ...body, session: { uid: '1.2.3.9', label: 'renamed' } },
    });
    expect(c.session).toMatchObject({
      _id: a.session._id,
      upsert_result: 'updated',
      label: 'renamed',
    });
  });

  it('PATCH /{container_type}/info/cleanup/{path} removes a custom field everywhere', async () => {
    const h = await hierarchy(t);
    await t.ok('PATCH', `/sessions/${h.session}/info`, { body: { set: { tmp: { x: 1, y: 2 } } } });
    expect(await t.ok('PATCH', '/sessions/info/cleanup/tmp.x')).toMatchObject({ modified: 1 });
    expect((await t.ok('GET', `/sessions/${h.session}`)).info).toEqual({ tmp: { y: 2 } });
    const key = await t.createUser('cleanup-user@example.org');
    expect((await t.call('PATCH', '/sessions/info/cleanup/tmp', { key })).status).toBe(403);
  });

  it('POST /upload/signed-url → PUT /upload/fs-file → POST /files with uuid; cleanup', async () => {
    const h = await hierarchy(t);
    const provider = '000000000000000000000001';
    const s = await t.ok('POST', '/upload/signed-url', {
      body: { provider_id: provider, size: 5 },
    });
    const put = await fetch(s.upload_urls[0], {
      method: 'PUT',
      headers: s.upload_headers,
      body: 'hello',
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ provider_id: provider, uuid: s.uuid });
    expect((await fetch(s.upload_urls[0], { method: 'PUT', body: 'again' })).status).toBe(403);
    const f = await t.ok('POST', '/files', {
      body: {
        provider_id: provider,
        uuid: s.uuid,
        name: 'signed.txt',
        size: 5,
        parent_ref: { type: 'acquisition', id: h.acquisition },
        origin: { type: 'user', id: 'admin@local.flywheel' },
      },
    });
    expect(f).toMatchObject({ name: 'signed.txt', size: 5, upsert_result: 'created' });
    const got = await t.call('GET', `/acquisitions/${h.acquisition}/files/signed.txt`);
    expect(got.bytes.toString()).toBe('hello');
    const s2 = await t.ok('POST', '/upload/signed-url', { body: { provider_id: provider } });
    expect(
      (
        await t.call('POST', '/upload/signed-url/cleanup', {
          body: { provider_id: provider, uuid: s2.uuid },
        })
      ).status,
    ).toBe(204);
    expect((await fetch(s2.upload_urls[0], { method: 'PUT', body: 'x' })).status).toBe(404);
  });
});
