import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hierarchy, useServer, type TestServer } from './helpers/server.js';

// 1 KiB parts so multipart is testable; a second site with a short ticket lifetime and a fast
// sweep for expiry; a third without signed URLs
const t = useServer({ signedUrls: true, uploadPartSize: 1024 });
const short = useServer({ signedUrls: true, uploadTtlMs: 800, uploadSweepMs: 50 });
// expires as fast but is never swept while the test runs, so an expired URL is seen as such
const unswept = useServer({ signedUrls: true, uploadTtlMs: 800, uploadSweepMs: 600_000 });
const off = useServer();

const sha384 = (b: Buffer | string) => `v0-sha384-${createHash('sha384').update(b).digest('hex')}`;
const blobCount = (s: TestServer) =>
  readdirSync(join(s.server.dataDir, 'blobs')).filter((f) => !f.startsWith('.')).length;

/** Plain fetch against the API (no spec check: the v21 ticket bodies are not in the current spec). */
async function api(s: TestServer, method: string, path: string, body?: unknown) {
  const r = await fetch(s.url + path, {
    method,
    headers: {
      Authorization: `scitran-user ${s.adminKey}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}

async function put(url: string, headers: Record<string, string>, data: Buffer | string) {
  const body = typeof data === 'string' ? data : new Uint8Array(data);
  const r = await fetch(url, { method: 'PUT', headers, body });
  const text = await r.text();
  return {
    status: r.status,
    etag: r.headers.get('etag'),
    body: text ? JSON.parse(text) : undefined,
  };
}

const waitFor = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('signed-URL uploads', () => {
  it('/config advertises signed URLs only when enabled', async () => {
    const on = await t.ok('GET', '/config');
    expect(on.signed_url).toBe(true);
    expect(on.features.signed_url).toBe(true);
    const plain = await off.ok('GET', '/config');
    expect(plain.signed_url).toBe(false);
    expect(plain.features.signed_url).toBe(false);
    const h = await hierarchy(off);
    const r = await api(off, 'POST', `/projects/${h.project}/files?ticket=`, {
      metadata: {},
      filenames: ['a.txt'],
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/not enabled/);
  });

  it('create ticket → PUT → close saves the file with its metadata, bytes, size and hash', async () => {
    const h = await hierarchy(t);
    const data = Buffer.from('signed upload bytes');
    const created = await api(t, 'POST', `/acquisitions/${h.acquisition}/files?ticket=`, {
      metadata: { name: 'scan.nii', size: data.length, tags: ['signed'], info: { a: 1 } },
      filenames: ['scan.nii'],
    });
    expect(created.status).toBe(200);
    const { ticket, urls, headers } = created.body;
    expect(ticket).toBeTypeOf('string');
    expect(Object.keys(urls)).toEqual(['scan.nii']);
    const url = urls['scan.nii'] as string;
    expect(url.startsWith(t.url.replace(/\/api$/, '/storage/'))).toBe(true);
    expect(headers).toBeTypeOf('object');

    const up = await put(url, headers, data); // no API key
    expect(up.status).toBe(200);
    expect(up.etag).toMatch(/^"[0-9a-f]{32}"$/);
    // nothing is listed before the close
    expect((await t.ok('GET', `/acquisitions/${h.acquisition}`)).files).toEqual([]);

    const closed = await api(t, 'POST', `/acquisitions/${h.acquisition}/files?ticket=${ticket}`);
    expect(closed.status).toBe(200);
    expect(closed.body).toHaveLength(1);
    expect(closed.body[0]).toMatchObject({
      name: 'scan.nii',
      size: data.length,
      hash: sha384(data),
      tags: ['signed'],
      info: { a: 1 },
      version: 1,
      parent_ref: { type: 'acquisition', id: h.acquisition },
    });
    const acq = await t.ok('GET', `/acquisitions/${h.acquisition}`);
    expect(acq.files).toHaveLength(1);
    expect(acq.files[0]).toMatchObject({ name: 'scan.nii', size: data.length, hash: sha384(data) });
    const dl = await t.call('GET', `/acquisitions/${h.acquisition}/files/scan.nii`);
    expect(dl.bytes.equals(data)).toBe(true);

    // the ticket is gone after a close; a second signed upload of the name is version 2
    expect(
      (await api(t, 'POST', `/acquisitions/${h.acquisition}/files?ticket=${ticket}`)).status,
    ).toBe(404);
    const again = await api(t, 'POST', `/acquisitions/${h.acquisition}/files?ticket=`, {
      metadata: {},
      filenames: ['scan.nii'],
    });
    await put(again.body.urls['scan.nii'], again.body.headers, 'v2');
    const c2 = await api(
      t,
      'POST',
      `/acquisitions/${h.acquisition}/files?ticket=${again.body.ticket}`,
    );
    expect(c2.body[0]).toMatchObject({ version: 2, file_id: closed.body[0].file_id, size: 2 });
  });

  it('URLs are single use; unknown tokens are 404 with the JSON error body', async () => {
    const h = await hierarchy(t);
    const { body } = await api(t, 'POST', `/sessions/${h.session}/files?ticket=`, {
      filenames: ['once.txt'],
    });
    const url = body.urls['once.txt'] as string;
    expect((await put(url, body.headers, 'first')).status).toBe(200);
    const second = await put(url, body.headers, 'second');
    expect(second.status).toBe(403);
    expect(second.body).toMatchObject({ status_code: 403, message: expect.stringMatching(/used/) });
    const unknown = await put(url.replace(/[^/]+$/, 'x'.repeat(43)), {}, 'x');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status_code: 404 });
    const closed = await api(t, 'POST', `/sessions/${h.session}/files?ticket=${body.ticket}`);
    expect(closed.status).toBe(200);
    const dl = await t.call('GET', `/sessions/${h.session}/files/once.txt`);
    expect(dl.bytes.toString()).toBe('first');
  });

  it('a close without the upload answers 400 and saves nothing', async () => {
    const h = await hierarchy(t);
    const before = blobCount(t);
    const { body } = await api(t, 'POST', `/subjects/${h.subject}/files?ticket=`, {
      filenames: ['missing.txt'],
    });
    const closed = await api(t, 'POST', `/subjects/${h.subject}/files?ticket=${body.ticket}`);
    expect(closed.status).toBe(400);
    expect(closed.body.message).toMatch(/missing\.txt.*not uploaded/);
    expect((await t.ok('GET', `/subjects/${h.subject}`)).files).toEqual([]);
    expect(blobCount(t)).toBe(before);
  });

  it('a refused close (a part missing) drops the ticket and the parts that arrived', async () => {
    const h = await hierarchy(t);
    const before = blobCount(t);
    const { body } = await api(t, 'POST', `/acquisitions/${h.acquisition}/files?ticket=`, {
      metadata: { size: 2500 },
      filenames: ['half.bin'],
    });
    const urls = body.urls['half.bin'] as string[];
    expect((await put(urls[0]!, body.headers, Buffer.alloc(1000, 1))).status).toBe(200);
    expect(blobCount(t)).toBe(before + 1);
    const path = `/acquisitions/${h.acquisition}/files?ticket=${body.ticket}`;
    const closed = await api(t, 'POST', path);
    expect(closed.status).toBe(400);
    expect(closed.body.message).toMatch(/part 2 of file "half\.bin" was not uploaded/);
    expect(blobCount(t)).toBe(before);
    expect((await api(t, 'POST', path)).status).toBe(404);
    expect((await put(urls[1]!, body.headers, Buffer.alloc(1000, 2))).status).toBe(404);
    expect(blobCount(t)).toBe(before);
    expect((await t.ok('GET', `/acquisitions/${h.acquisition}`)).files).toEqual([]);
  });

  it('a close the client can fix (unexpected property, wrong container) keeps the ticket', async () => {
    const h = await hierarchy(t);
    const { body } = await api(t, 'POST', `/sessions/${h.session}/files?ticket=`, {
      filenames: ['fix.txt'],
    });
    const path = `/sessions/${h.session}/files?ticket=${body.ticket}`;
    expect((await api(t, 'POST', path, { oops: 1 })).status).toBe(400);
    expect(
      (await api(t, 'POST', `/subjects/${h.subject}/files?ticket=${body.ticket}`)).status,
    ).toBe(400);
    expect((await put(body.urls['fix.txt'], body.headers, 'fixed')).status).toBe(200);
    expect((await api(t, 'POST', path)).status).toBe(200);
  });

  it('an expired URL answers 403 and its ticket cannot be closed', async () => {
    const h = await hierarchy(unswept);
    const a = await api(unswept, 'POST', `/projects/${h.project}/files?ticket=`, {
      filenames: ['late.txt'],
    });
    await new Promise((r) => setTimeout(r, 850));
    const late = await put(a.body.urls['late.txt'], a.body.headers, 'too late');
    expect(late.status).toBe(403);
    expect(late.body).toMatchObject({
      status_code: 403,
      message: expect.stringMatching(/expired/),
    });
    const closed = await api(
      unswept,
      'POST',
      `/projects/${h.project}/files?ticket=${a.body.ticket}`,
    );
    expect(closed.status).toBe(404);
  });

  it('a never-closed ticket leaves no blob after the sweep', async () => {
    const h = await hierarchy(short);
    const before = blobCount(short);
    const a = await api(short, 'POST', `/projects/${h.project}/files?ticket=`, {
      filenames: ['left.txt'],
    });
    expect((await put(a.body.urls['left.txt'], a.body.headers, 'orphan?')).status).toBe(200);
    expect(blobCount(short)).toBe(before + 1);
    await waitFor(() => blobCount(short) === before);
    const closed = await api(short, 'POST', `/projects/${h.project}/files?ticket=${a.body.ticket}`);
    expect(closed.status).toBe(404);
    expect((await short.ok('GET', `/projects/${h.project}`)).files).toEqual([]);
  });

  it('multipart: several URLs, parts joined in order, ETags and upload_id checked', async () => {
    const h = await hierarchy(t);
    const data = Buffer.alloc(2500);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
    const { body } = await api(t, 'POST', `/acquisitions/${h.acquisition}/files?ticket=`, {
      metadata: { size: data.length },
      filenames: ['big.bin'],
    });
    const urls = body.urls['big.bin'] as string[];
    expect(urls).toHaveLength(3);
    const uploadId = new URL(urls[0]!).searchParams.get('uploadId');
    const eTags: string[] = [];
    for (let i = 0; i < urls.length; i++) {
      const r = await put(urls[i]!, body.headers, data.subarray(i * 1000, (i + 1) * 1000));
      expect(r.status).toBe(200);
      eTags.push(r.etag!.replace(/"/g, ''));
    }
    const path = `/acquisitions/${h.acquisition}/files?ticket=${body.ticket}`;
    const wrong = await api(t, 'POST', path, {
      multipart: { e_tags: [...eTags].reverse(), upload_id: uploadId },
    });
    expect(wrong.status).toBe(400);
    const before = blobCount(t);
    const closed = await api(t, 'POST', path, {
      multipart: { e_tags: eTags, upload_id: uploadId },
    });
    expect(closed.status).toBe(200);
    expect(closed.body[0]).toMatchObject({ size: data.length, hash: sha384(data) });
    expect(blobCount(t)).toBe(before - 2); // three parts became one blob
    const dl = await t.call('GET', `/acquisitions/${h.acquisition}/files/big.bin`);
    expect(dl.bytes.equals(data)).toBe(true);
  });

  it('analysis outputs: metadata list matched by name', async () => {
    const h = await hierarchy(t);
    const ana = await t.ok('POST', `/sessions/${h.session}/analyses`, {
      body: { label: 'ad hoc', inputs: [] },
    });
    const { body, status } = await api(t, 'POST', `/analyses/${ana._id}/files?ticket=`, {
      metadata: [{ name: 'out.csv', tags: ['result'] }],
      filenames: ['out.csv'],
    });
    expect(status).toBe(200);
    await put(body.urls['out.csv'], body.headers, 'a,b\n1,2\n');
    const closed = await api(t, 'POST', `/analyses/${ana._id}/files?ticket=${body.ticket}`);
    expect(closed.status).toBe(200);
    expect(closed.body[0]).toMatchObject({ name: 'out.csv', tags: ['result'], size: 8 });
    const a = await t.ok('GET', `/analyses/${ana._id}`);
    expect(a.files.map((f: any) => f.name)).toEqual(['out.csv']);
  });

  it('rejects bad ticket requests', async () => {
    const h = await hierarchy(t);
    const p = `/projects/${h.project}/files?ticket=`;
    expect((await api(t, 'POST', p, { filenames: [] })).status).toBe(400);
    expect((await api(t, 'POST', p, { filenames: ['../x'] })).status).toBe(400);
    expect((await api(t, 'POST', p, { filenames: ['a', 'a'] })).status).toBe(400);
    expect((await api(t, 'POST', p, { filenames: ['a'], metadata: { bogus: 1 } })).status).toBe(
      400,
    );
    const other = await hierarchy(t);
    const { body } = await api(t, 'POST', p, { filenames: ['a'] });
    const wrong = await api(t, 'POST', `/projects/${other.project}/files?ticket=${body.ticket}`);
    expect(wrong.status).toBe(400);
  });
});
