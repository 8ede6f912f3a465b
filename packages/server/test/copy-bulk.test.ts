import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { form, gid, hierarchy, useServer } from './helpers/server.js';

const t = useServer();
const blobCount = () =>
  readdirSync(join(t.server.dataDir, 'blobs')).filter((f) => !f.startsWith('.')).length;
const up = (path: string, name: string, data: string) =>
  t.ok('POST', `${path}/files`, { raw: form([{ name, data }]) });

describe('bulk delete and copy', () => {
  it('DELETE /sessions with a list of ids answers DeletedResult and removes the subtrees', async () => {
    const h = await hierarchy(t);
    const s2 = (
      await t.ok('POST', '/sessions', {
        body: { project: h.project, label: 'S2', subject: { _id: h.subject } },
      })
    )._id;
    await up(`/acquisitions/${h.acquisition}`, 'f.txt', 'data');
    const before = blobCount();
    const r = await t.ok('DELETE', '/sessions', {
      body: [h.session, s2, '5f0000000000000000000009'],
    });
    expect(r).toEqual({ deleted: 2, not_found: 1 });
    expect((await t.call('GET', `/acquisitions/${h.acquisition}`)).status).toBe(404);
    expect(blobCount()).toBe(before - 1);
    expect((await t.call('DELETE', '/sessions', { body: { a: 1 } })).status).toBe(400);
  });

  it('DELETE /projects by ids needs admin on every project (nothing deleted otherwise)', async () => {
    const h = await hierarchy(t);
    const key = await t.createUser(`bulk-${gid()}@example.org`);
    const r = await t.call('DELETE', '/projects', { body: [h.project], key });
    expect(r.status).toBe(403);
    expect((await t.call('GET', `/projects/${h.project}`)).status).toBe(200);
    expect(await t.ok('DELETE', '/projects', { body: [h.project] })).toEqual({
      deleted: 1,
      not_found: 0,
    });
  });

  it('POST /projects/{project_id}/copy deep-copies children and files; blobs are shared', async () => {
    const h = await hierarchy(t);
    await up(`/acquisitions/${h.acquisition}`, 'scan.txt', 'bytes');
    await t.ok('POST', `/sessions/${h.session}/tags`, { body: { value: 'keep' } });
    const r = await t.ok('POST', `/projects/${h.project}/copy`, {
      body: { group_id: h.group, project_label: 'Copy', filter: { exclude_tags: true } },
    });
    expect(r.project_id).toMatch(/^[0-9a-f]{24}$/);
    const p = await t.ok('GET', `/projects/${r.project_id}`);
    expect(p).toMatchObject({ label: 'Copy', copy_of: h.project });
    const sessions = await t.ok('GET', `/projects/${r.project_id}/sessions`);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ copy_of: h.session, tags: [] });
    expect(sessions[0].subject._id).not.toBe(h.subject);
    const acqs = await t.ok('GET', `/sessions/${sessions[0]._id}/acquisitions`);
    expect(acqs[0].copy_of).toBe(h.acquisition);
    const before = blobCount();
    // delete the source: the copy's file still downloads (the blob is shared, not orphaned)
    await t.ok('DELETE', `/projects/${h.project}`);
    expect(blobCount()).toBe(before);
    const got = await t.call('GET', `/acquisitions/${acqs[0]._id}/files/scan.txt`);
    expect(got.bytes.toString()).toBe('bytes');
    await t.ok('DELETE', `/projects/${r.project_id}`);
    expect(blobCount()).toBe(before - 1);
  });

  it('POST /subjects/{id}/copy, POST /sessions/{id}/copy, POST /acquisitions/{id}/copy', async () => {
    const h = await hierarchy(t);
    const other = await hierarchy(t);
    await up(`/acquisitions/${h.acquisition}`, 'a.txt', 'A');
    const sub = await t.ok('POST', `/subjects/${h.subject}/copy`, {
      body: { dst_project_id: other.project, dst_subject_label: 'sub-copy', filter: {} },
    });
    expect(sub).toMatchObject({ code: 'sub-copy', copy_of: h.subject, project: other.project });
    const dup = await t.call('POST', `/subjects/${h.subject}/copy`, {
      body: { dst_project_id: other.project, dst_subject_label: 'sub-copy', filter: {} },
    });
    expect(dup.status).toBe(409);
    const ses = await t.ok('POST', `/sessions/${h.session}/copy`, {
      body: { dst_subject_id: other.subject, dst_session_label: 'S-copy', filter: {} },
    });
    expect(ses).toMatchObject({ label: 'S-copy', copy_of: h.session, project: other.project });
    expect(ses.subject._id).toBe(other.subject);
    const acq = await t.ok('POST', `/acquisitions/${h.acquisition}/copy`, {
      body: { dst_session_id: other.session, label: 'A-copy', filter: {} },
    });
    expect(acq).toMatchObject({ label: 'A-copy', copy_of: h.acquisition });
    expect(acq.files.map((f: any) => f.name)).toEqual(['a.txt']);
    expect(acq.files[0].file_id).not.toBe(undefined);
    expect((await t.call('POST', `/acquisitions/${h.acquisition}/copy`, { body: {} })).status).toBe(
      400,
    );
  });
});
