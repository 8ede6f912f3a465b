import { describe, expect, it } from 'vitest';
import tar from 'tar-stream';
import { Readable } from 'node:stream';
import { form, hierarchy, useServer } from './helpers/server.js';
import yauzl from 'yauzl';

function unzip(buf: Buffer): Promise<Map<string, string>> {
  return new Promise((res, rej) => {
    const out = new Map<string, string>();
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return rej(err);
      zip.on('entry', (e: yauzl.Entry) =>
        zip.openReadStream(e, (e2, s) => {
          if (e2 || !s) return rej(e2);
          const chunks: Buffer[] = [];
          s.on('data', (c: Buffer) => chunks.push(c));
          s.on('end', () => {
            out.set(e.fileName, Buffer.concat(chunks).toString());
            zip.readEntry();
          });
        }),
      );
      zip.on('end', () => res(out));
      zip.readEntry();
    });
  });
}

const t = useServer();

async function untar(buf: Buffer): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const ex = tar.extract();
  const done = new Promise<void>((res, rej) => {
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        out.set(header.name, Buffer.concat(chunks).toString());
        next();
      });
    });
    ex.on('finish', () => res());
    ex.on('error', rej);
  });
  Readable.from([buf]).pipe(ex as never);
  await done;
  return out;
}

describe('bulk download', () => {
  it('GET /download?ticket=…&format=zip streams the same files as a zip', async () => {
    const h = await hierarchy(t, { project: 'ZipProj', session: 'ses Z', acquisition: 'T2' });
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'a.txt', data: 'AAA' }]),
    });
    const summary = await t.ok('POST', '/download', {
      body: { nodes: [{ level: 'session', _id: h.session }], optional: true },
    });
    const r = await t.call('GET', `/download?ticket=${summary.ticket}&format=zip`, { key: null });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toMatch(/\.zip"/);
    const files = await unzip(r.bytes);
    expect([...files.values()]).toEqual(['AAA']);
    expect([...files.keys()][0]).toMatch(/^flywheel\/.*\/a\.txt$/);
    const bad = await t.ok('POST', '/download', {
      body: { nodes: [{ level: 'session', _id: h.session }] },
    });
    expect((await t.call('GET', `/download?ticket=${bad.ticket}&format=rar`)).status).toBe(400);
  });

  it('creates a ticket for a session and streams a tar laid out by labels', async () => {
    const h = await hierarchy(t, {
      project: 'Proj',
      subject: 'sub-7',
      session: 'ses A',
      acquisition: 'T1',
    });
    await t.ok('POST', `/sessions/${h.session}/files`, {
      raw: form([{ name: 'session.txt', data: 'S' }]),
    });
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'image.nii.gz', data: 'NIFTI' }]),
    });
    const summary = await t.ok('POST', '/download?prefix=flywheel', {
      body: { nodes: [{ level: 'session', _id: h.session }], optional: true },
    });
    expect(summary).toMatchObject({ file_cnt: 2, size: 6 });
    expect(summary.filename).toMatch(/^flywheel_.*\.tar$/);
    const r = await t.call('GET', `/download?ticket=${summary.ticket}`, { key: null });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/octet-stream');
    const files = await untar(r.bytes);
    expect(Object.fromEntries(files)).toEqual({
      [`flywheel/${h.group}/Proj/sub-7/ses A/session.txt`]: 'S',
      [`flywheel/${h.group}/Proj/sub-7/ses A/T1/image.nii.gz`]: 'NIFTI',
    });
  });

  it('applies type include/exclude filters', async () => {
    const h = await hierarchy(t);
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'a.nii.gz', data: 'n' }]),
    });
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'b.dcm', data: 'd' }]),
    });
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'c.txt', data: 't' }]),
    });
    const plus = await t.ok('POST', '/download', {
      body: {
        nodes: [{ level: 'project', _id: h.project }],
        filters: [{ types: { plus: ['nifti', 'dicom'] } }],
      },
    });
    expect(plus.file_cnt).toBe(2);
    const minus = await t.ok('POST', '/download', {
      body: {
        nodes: [{ level: 'project', _id: h.project }],
        filters: [{ types: { minus: ['nifti'] } }],
      },
    });
    expect(minus.file_cnt).toBe(2);
    const names = [
      ...(await untar((await t.call('GET', `/download?ticket=${minus.ticket}`)).bytes)).keys(),
    ]
      .map((p) => p.split('/').pop())
      .sort();
    expect(names).toEqual(['b.dcm', 'c.txt']);
  });

  it('rejects bad specs and unknown tickets', async () => {
    expect((await t.call('POST', '/download', { body: { nodes: [] } })).status).toBe(400);
    expect(
      (
        await t.call('POST', '/download', {
          body: { nodes: [{ level: 'session', _id: '0123456789abcdef01234567' }] },
        })
      ).status,
    ).toBe(404);
    expect((await t.call('GET', '/download?ticket=nope', { key: null })).status).toBe(404);
  });

  it('denies nodes the caller cannot read', async () => {
    const h = await hierarchy(t);
    const key = await t.createUser('dl@example.org');
    expect(
      (
        await t.call('POST', '/download', {
          key,
          body: { nodes: [{ level: 'project', _id: h.project }] },
        })
      ).status,
    ).toBe(403);
  });
});
