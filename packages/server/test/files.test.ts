import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();

function makeZip(): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('member one'), 'dir/one.txt', {
    mtime: new Date('2020-01-02T03:04:06Z'),
    fileComment: 'c1',
  } as never);
  zip.addBuffer(Buffer.from('{"a":1}'), 'two.json');
  zip.end({ comment: 'archive comment' } as never);
  const chunks: Buffer[] = [];
  return new Promise((res, rej) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => res(Buffer.concat(chunks)));
    zip.outputStream.on('error', rej);
  });
}

describe('files', () => {
  it('uploads with metadata and reports name, size, type, mimetype', async () => {
    const h = await hierarchy(t);
    const [entry] = await t.ok('POST', `/projects/${h.project}/files`, {
      raw: form([{ name: 'notes.txt', data: 'hello world' }], {
        tags: ['t1'],
        info: { k: 'v' },
        modality: 'MR',
      }),
    });
    expect(entry).toMatchObject({
      name: 'notes.txt',
      size: 11,
      type: 'text',
      mimetype: 'text/plain',
      tags: ['t1'],
      info: { k: 'v' },
      modality: 'MR',
    });
    expect(entry.hash).toMatch(/^v0-sha384-[0-9a-f]{96}$/);
    const project = await t.ok('GET', `/projects/${h.project}`);
    expect(project.files.map((f: any) => f.name)).toEqual(['notes.txt']);
    const info = await t.ok('GET', `/projects/${h.project}/files/notes.txt/info`);
    expect(info).toEqual(entry);
  });

  it('guesses types from extensions', async () => {
    const h = await hierarchy(t);
    const cases: [string, string | undefined][] = [
      ['a.nii.gz', 'nifti'],
      ['b.nii', 'nifti'],
      ['c.dcm', 'dicom'],
      ['d.dicom.zip', 'dicom'],
      ['e.zip', 'archive'],
      ['f.csv', 'tabular data'],
      ['g.weird', undefined], // v21 FileOutput.type is a string: unknown types are left out
    ];
    for (const [name, type] of cases) {
      const [e] = await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
        raw: form([{ name, data: 'x' }]),
      });
      expect(e.type, name).toBe(type);
    }
  });

  it('downloads exact bytes with attachment headers; view=true gives the mimetype', async () => {
    const h = await hierarchy(t);
    const data = Buffer.from([0, 1, 2, 3, 250, 251, 252, 253, 254, 255]);
    await t.ok('POST', `/sessions/${h.session}/files`, { raw: form([{ name: 'bin.txt', data }]) });
    const r = await t.call('GET', `/sessions/${h.session}/files/bin.txt`);
    expect(r.status).toBe(200);
    expect(r.bytes.equals(data)).toBe(true);
    expect(r.headers.get('content-type')).toBe('application/octet-stream');
    expect(r.headers.get('content-length')).toBe('10');
    expect(r.headers.get('content-disposition')).toContain('attachment');
    const v = await t.call('GET', `/sessions/${h.session}/files/bin.txt?view=true`);
    expect(v.headers.get('content-type')).toContain('text/plain');
    expect(v.headers.get('content-disposition')).toBeNull();
  });

  it('serves ranges with view=true and 416 when unsatisfiable', async () => {
    const h = await hierarchy(t);
    await t.ok('POST', `/sessions/${h.session}/files`, {
      raw: form([{ name: 'r.txt', data: '0123456789' }]),
    });
    const r = await t.call('GET', `/sessions/${h.session}/files/r.txt?view=true`, {
      headers: { Range: 'bytes=2-5' },
    });
    expect(r.status).toBe(206);
    expect(r.bytes.toString()).toBe('2345');
    expect(r.headers.get('content-range')).toBe('bytes 2-5/10');
    const ignored = await t.call('GET', `/sessions/${h.session}/files/r.txt`, {
      headers: { Range: 'bytes=2-5' },
    });
    expect(ignored.status).toBe(200);
    expect(ignored.bytes.toString()).toBe('0123456789');
    const bad = await t.call('GET', `/sessions/${h.session}/files/r.txt?view=true`, {
      headers: { Range: 'bytes=50-60' },
    });
    expect(bad.status).toBe(416);
  });

  it('issues tickets that work without auth', async () => {
    const h = await hierarchy(t);
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'tk.txt', data: 'ticketed' }]),
    });
    const { ticket } = await t.ok('GET', `/acquisitions/${h.acquisition}/files/tk.txt?ticket=`);
    expect(typeof ticket).toBe('string');
    const r = await t.call('GET', `/acquisitions/${h.acquisition}/files/tk.txt?ticket=${ticket}`, {
      key: null,
    });
    expect(r.status).toBe(200);
    expect(r.bytes.toString()).toBe('ticketed');
    const wrong = await t.call(
      'GET',
      `/acquisitions/${h.acquisition}/files/other.txt?ticket=${ticket}`,
      { key: null },
    );
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(
      (
        await t.call('GET', `/acquisitions/${h.acquisition}/files/tk.txt?ticket=bogus`, {
          key: null,
        })
      ).status,
    ).toBe(404);
    expect(
      (await t.call('GET', `/acquisitions/${h.acquisition}/files/tk.txt`, { key: null })).status,
    ).toBe(401);
  });

  it('lists zip members and streams one member', async () => {
    const h = await hierarchy(t);
    const zip = await makeZip();
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'pack.zip', data: zip }]),
    });
    const info = await t.ok('GET', `/acquisitions/${h.acquisition}/files/pack.zip?info=true`);
    expect(info.comment).toBe('archive comment');
    expect(info.members.map((m: any) => [m.path, m.size])).toEqual([
      ['dir/one.txt', 10],
      ['two.json', 7],
    ]);
    const m = await t.call(
      'GET',
      `/acquisitions/${h.acquisition}/files/pack.zip?member=dir/one.txt`,
    );
    expect(m.bytes.toString()).toBe('member one');
    expect(
      (await t.call('GET', `/acquisitions/${h.acquisition}/files/pack.zip?member=missing`)).status,
    ).toBe(400);
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'plain.txt', data: 'no zip' }]),
    });
    expect(
      (await t.call('GET', `/acquisitions/${h.acquisition}/files/plain.txt?info=true`)).status,
    ).toBe(400);
  });

  it('replaces a file with the same name (new version, new content)', async () => {
    const h = await hierarchy(t);
    const [v1] = await t.ok('POST', `/subjects/${h.subject}/files`, {
      raw: form([{ name: 'same.txt', data: 'one' }]),
    });
    const [v2] = await t.ok('POST', `/subjects/${h.subject}/files`, {
      raw: form([{ name: 'same.txt', data: 'second' }]),
    });
    expect(v2.version).toBe(v1.version + 1);
    const subject = await t.ok('GET', `/subjects/${h.subject}`);
    expect(subject.files).toHaveLength(1);
    expect((await t.call('GET', `/subjects/${h.subject}/files/same.txt`)).bytes.toString()).toBe(
      'second',
    );
  });

  it('rejects two files per container upload, missing files and bad metadata', async () => {
    const h = await hierarchy(t);
    const two = await t.call('POST', `/sessions/${h.session}/files`, {
      raw: form([
        { name: 'a.txt', data: 'a' },
        { name: 'b.txt', data: 'b' },
      ]),
    });
    expect(two.status).toBe(400);
    const none = new FormData();
    none.append('metadata', '{}');
    expect((await t.call('POST', `/sessions/${h.session}/files`, { raw: none })).status).toBe(400);
    const badMeta = new FormData();
    badMeta.append('file', new Blob(['x']), 'x.txt');
    badMeta.append('metadata', '{not json');
    expect((await t.call('POST', `/sessions/${h.session}/files`, { raw: badMeta })).status).toBe(
      400,
    );
    expect(
      (
        await t.call('POST', `/sessions/${h.session}/files`, {
          raw: form([{ name: 'y.txt', data: 'y' }], { bogus: 1 }),
        })
      ).status,
    ).toBe(400);
    expect((await t.ok('GET', `/sessions/${h.session}`)).files).toEqual([]);
  });

  it('modifies, edits info, classifies and deletes files', async () => {
    const h = await hierarchy(t);
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'c.nii.gz', data: 'x' }]),
    });
    const base = `/acquisitions/${h.acquisition}/files/c.nii.gz`;
    expect(await t.ok('PUT', base, { body: { modality: 'MR', type: 'nifti' } })).toMatchObject({
      jobs_spawned: 0,
    });
    await t.ok('PATCH', `${base}/info`, { body: { set: { x: 1 } } });
    expect((await t.ok('GET', `${base}/info`)).info).toEqual({ x: 1 });
    await t.ok('PATCH', `${base}/classification`, {
      body: { replace: { Intent: ['Structural'], Custom: ['measurement1'] } },
    });
    await t.ok('PATCH', `${base}/classification`, {
      body: {
        add: { Custom: ['HelloWorld'], Measurement: ['T1'] },
        delete: { Intent: ['Structural'] },
      },
    });
    const cls = (await t.ok('GET', `${base}/info`)).classification;
    expect(cls.Custom).toEqual(['measurement1', 'HelloWorld']);
    expect(cls.Measurement).toEqual(['T1']);
    expect(cls).not.toHaveProperty('Intent'); // its last value was deleted
    expect(
      (
        await t.call('PATCH', `${base}/classification`, {
          body: { add: { Intent: ['NotAThing'] } },
        })
      ).status,
    ).toBe(400);
    expect(
      (await t.call('PATCH', `${base}/classification`, { body: { add: { Bogus: ['x'] } } })).status,
    ).toBe(400);
    await t.ok('PATCH', `${base}/classification`, {
      body: { modality: null, replace: { Custom: ['only'] } },
    });
    expect((await t.ok('GET', `${base}/info`)).modality).toBeUndefined(); // v21: no modality is left out
    expect(await t.ok('DELETE', base)).toEqual({ deleted: 1 });
    expect((await t.call('GET', base)).status).toBe(404);
  });

  it('keeps sub-paths out of names (path traversal)', async () => {
    const h = await hierarchy(t);
    const [e] = await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: '../../etc/passwd', data: 'x' }]),
    });
    expect(e.name).toBe('passwd');
    expect(
      (
        await t.call('POST', `/acquisitions/${h.acquisition}/files`, {
          raw: form([{ name: '..', data: 'x' }]),
        })
      ).status,
    ).toBe(400);
  });
});
