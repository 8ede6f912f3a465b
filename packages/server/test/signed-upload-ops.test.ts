/**
 * The signed-URL ticket flow (python-sdk-21-behavior.md §9.3–9.4) on every upload operation:
 * create (`?ticket=` + `{metadata, filenames}` → `UploadTicketOutput`), PUT the bytes to the URL
 * with the ticket's headers and no API key, close (`?ticket=<t>`) → `FileOutput[]`. Every API
 * answer goes through the spec check of the test helper.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer({ signedUrls: true });
let h: Awaited<ReturnType<typeof hierarchy>>;
let collection: string;
let adhoc: string;
beforeAll(async () => {
  h = await hierarchy(t);
  collection = (await t.ok('POST', '/collections', { body: { label: 'signed' } }))._id;
  adhoc = (await t.ok('POST', `/sessions/${h.session}/analyses`, { body: { label: 'out' } }))._id;
});

async function signed(base: string, name: string, data: string, metadata: unknown, q = '') {
  const ticket = await t.ok('POST', `${base}/files?ticket=${q}`, {
    body: { metadata, filenames: [name] },
  });
  expect(Object.keys(ticket).sort()).toEqual(['headers', 'ticket', 'urls']);
  const url = ticket.urls[name] as string;
  expect(typeof url).toBe('string');
  const put = await fetch(url, { method: 'PUT', headers: ticket.headers, body: data });
  expect(put.status).toBe(200);
  const closed = await t.call(
    'POST',
    `${base}/files?ticket=${ticket.ticket}${q && `&${q.slice(1)}`}`,
  );
  expect(closed.status).toBe(200);
  return closed.body as any[];
}

describe('signed-URL uploads on every upload operation', () => {
  it('GET /config advertises signed_url', async () => {
    const cfg = await t.ok('GET', '/config');
    expect(cfg.signed_url).toBe(true);
    expect(cfg.features.signed_url).toBe(true);
  });

  for (const kind of [
    'projects',
    'subjects',
    'sessions',
    'acquisitions',
    'collections',
    'containers',
  ])
    it(`POST /${kind}/{id}/files?ticket= (upload_file_to_${kind.replace(/s$/, '')})`, async () => {
      const id =
        kind === 'collections'
          ? collection
          : kind === 'containers'
            ? h.acquisition
            : (h as any)[kind.replace(/s$/, '')];
      const name = `${kind}.txt`;
      const [doc] = await signed(`/${kind}/${id}`, name, 'signed bytes', { tags: ['s'] });
      expect(doc).toMatchObject({ name, size: 12, tags: ['s'], version: 1 });
      const got = await t.call('GET', `/${kind}/${id}/files/${name}`);
      expect(got.bytes.toString()).toBe('signed bytes');
    });

  it('POST /analyses/{id}/files?ticket= (upload_output_to_analysis): metadata is a list', async () => {
    const out = await signed(`/analyses/${adhoc}`, 'o.csv', 'a,b', [
      { name: 'o.csv', info: { k: 1 } },
    ]);
    expect(out[0]).toMatchObject({ name: 'o.csv', info: { k: 1 } });
  });

  it('POST /sessions/{id}/analyses/{aid}/files?ticket=<t> (upload_output_to_session_analysis) closes', async () => {
    const nested = `/sessions/${h.session}/analyses/${adhoc}/files`;
    // the nested op answers FileOutput[] only: tickets are created on /analyses/{id}/files
    expect(
      (await t.call('POST', `${nested}?ticket=`, { body: { filenames: ['p.csv'] } })).status,
    ).toBe(400);
    const ticket = await t.ok('POST', `/analyses/${adhoc}/files?ticket=`, {
      body: { metadata: [{ name: 'p.csv' }], filenames: ['p.csv'] },
    });
    await fetch(ticket.urls['p.csv'], { method: 'PUT', headers: ticket.headers, body: 'x' });
    const out = await t.ok('POST', `${nested}?ticket=${ticket.ticket}`);
    expect(out[0].name).toBe('p.csv');
    const a = await t.ok('GET', `/analyses/${adhoc}`);
    expect(a.files.map((f: any) => f.name).sort()).toEqual(['o.csv', 'p.csv']);
  });

  it('preserve_metadata=true keeps the replaced version’s metadata (signed and multipart)', async () => {
    const base = `/acquisitions/${h.acquisition}`;
    await signed(base, 'keep.txt', 'v1', { info: { a: 1 }, tags: ['t1'] });
    const [v2] = await signed(base, 'keep.txt', 'v2', {}, '&preserve_metadata=true');
    expect(v2).toMatchObject({ version: 2, info: { a: 1 }, tags: ['t1'] });
    const [v3] = await signed(base, 'keep.txt', 'v3', { tags: ['new'] });
    expect(v3).toMatchObject({ version: 3, tags: ['new'], info: {} });
    const [v4] = await t.ok('POST', `${base}/files?preserve_metadata=true`, {
      raw: form([{ name: 'keep.txt', data: 'v4' }]),
    });
    expect(v4).toMatchObject({ version: 4, tags: ['new'] });
    expect(
      (
        await t.call('POST', `${base}/files?preserve_metadata=maybe`, {
          raw: form([{ name: 'keep.txt', data: 'v5' }]),
        })
      ).status,
    ).toBe(400);
  });
});
