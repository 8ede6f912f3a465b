import { describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

// Issue 12 §3: analyses with files, upload details, tags, classification, listings, resolver.
const t = useServer();

/** A multipart body written by hand: one file part with no Content-Type header. */
function untypedPart(
  name: string,
  data: string,
  type?: string,
): { raw: string; headers: Record<string, string> } {
  const b = 'fwtestboundary42';
  const typeLine = type ? `Content-Type: ${type}\r\n` : '';
  const raw =
    `--${b}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n${typeLine}\r\n` +
    `${data}\r\n--${b}--\r\n`;
  return { raw, headers: { 'Content-Type': `multipart/form-data; boundary=${b}` } };
}

describe('analyses with files', () => {
  it('a multipart POST creates an ad hoc analysis with its input and output files', async () => {
    const h = await hierarchy(t);
    const body = form(
      [
        { name: 'in.csv', data: 'a,b\n1,2\n' },
        { name: 'report.txt', data: 'done' },
      ],
      { label: 'uploaded analysis', outputs: [{ name: 'report.txt', tags: ['final'] }] },
    );
    const { _id } = await t.ok('POST', `/sessions/${h.session}/analyses`, { raw: body });
    const a = await t.ok('GET', `/analyses/${_id}`);
    expect(a.label).toBe('uploaded analysis');
    expect(a.parent).toEqual({ type: 'session', id: h.session });
    expect(a.inputs.map((f: any) => f.name)).toEqual(['in.csv']);
    expect(a.files.map((f: any) => f.name)).toEqual(['report.txt']);
    expect(a.files[0].tags).toEqual(['final']);
    const r = await t.call('GET', `/analyses/${_id}/inputs/in.csv`);
    expect(r.bytes.toString()).toBe('a,b\n1,2\n');
    // without metadata (no label) it is a 400 and nothing is created
    const before = (await t.ok('GET', `/sessions/${h.session}/analyses`)).length;
    const bad = await t.call('POST', `/sessions/${h.session}/analyses`, {
      raw: form([{ name: 'x.txt', data: 'x' }]),
    });
    expect(bad.status).toBe(400);
    expect((await t.ok('GET', `/sessions/${h.session}/analyses`)).length).toBe(before);
  });
});

describe('upload details', () => {
  it('filename_path is read in any case', async () => {
    const h = await hierarchy(t);
    const [f] = await t.ok('POST', `/acquisitions/${h.acquisition}/files?filename_path=TRUE`, {
      raw: form([{ name: 'dir/nested.txt', data: 'n' }]),
    });
    expect(f.name).toBe('dir/nested.txt');
  });

  it("the metadata's name names the stored file", async () => {
    const h = await hierarchy(t);
    const [f] = await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'local-name.bin', data: 'x' }], { name: 'stored.json' }),
    });
    expect(f.name).toBe('stored.json');
    const names = (await t.ok('GET', `/acquisitions/${h.acquisition}`)).files.map(
      (x: any) => x.name,
    );
    expect(names).toEqual(['stored.json']);
    expect(
      (
        await t.call('POST', `/acquisitions/${h.acquisition}/files`, {
          raw: form([{ name: 'a.txt', data: 'x' }], { name: '../up.txt' }),
        })
      ).status,
    ).toBe(400);
  });

  it('a part without a content type gets its type from the extension', async () => {
    const h = await hierarchy(t);
    const p = untypedPart('scan.nii.gz', 'gz bytes');
    const [f] = await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: p.raw,
      headers: p.headers,
    });
    expect(f.mimetype).toBe('application/gzip');
    expect(f.type).toBe('nifti');
    const q = untypedPart('table.csv', 'a,b');
    const [g] = await t.ok('POST', `/sessions/${h.session}/files`, {
      raw: q.raw,
      headers: q.headers,
    });
    expect(g.mimetype).toBe('text/csv');
    // a generic octet-stream part is typed the same way
    const o = untypedPart('notes.json', '{}', 'application/octet-stream');
    const [j] = await t.ok('POST', `/subjects/${h.subject}/files`, {
      raw: o.raw,
      headers: o.headers,
    });
    expect(j.mimetype).toBe('application/json');
  });
});

describe('tags', () => {
  it('answer the reference shapes', async () => {
    const h = await hierarchy(t);
    const base = `/subjects/${h.subject}/tags`;
    expect(await t.ok('POST', base, { body: { value: 'alpha' } })).toEqual({ modified: 1 });
    expect(await t.ok('GET', `${base}/alpha`)).toBe('alpha');
    expect(await t.ok('PUT', `${base}/alpha`, { body: { value: 'beta' } })).toBe('beta');
    expect((await t.call('GET', `${base}/alpha`)).status).toBe(404);
    expect(await t.ok('DELETE', `${base}/beta`)).toEqual({ deleted: 1 });
    expect((await t.ok('GET', `/subjects/${h.subject}`)).tags).toEqual([]);
  });
});

describe('classification', () => {
  it('Custom in any case fits a file without modality; an update may name an unknown modality', async () => {
    const h = await hierarchy(t);
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'c.txt', data: 'c' }]),
    });
    const base = `/acquisitions/${h.acquisition}/files/c.txt`;
    for (const key of ['Custom', 'custom', 'CUSTOM'])
      await t.ok('PATCH', `${base}/classification`, { body: { add: { [key]: [`v-${key}`] } } });
    expect(
      (await t.call('PATCH', `${base}/classification`, { body: { add: { Intent: ['x'] } } }))
        .status,
    ).toBe(400);
    const cls = (await t.ok('GET', `${base}/info`)).classification;
    expect(cls).toEqual({ Custom: ['v-Custom'], custom: ['v-custom'], CUSTOM: ['v-CUSTOM'] });
    await t.ok('PUT', base, { body: { modality: 'NOT-A-KNOWN-MODALITY' } });
    expect((await t.ok('GET', `${base}/info`)).modality).toBe('NOT-A-KNOWN-MODALITY');
  });
});

describe('listings, joins and the resolver', () => {
  it('collections list their session_count', async () => {
    const h = await hierarchy(t);
    const { _id } = await t.ok('POST', '/collections', { body: { label: 'counted' } });
    await t.ok('PUT', `/collections/${_id}`, {
      body: { contents: { operation: 'add', nodes: [{ level: 'session', _id: h.session }] } },
    });
    const item = (await t.ok('GET', '/collections')).find((x: any) => x._id === _id);
    expect(item.session_count).toBe(1);
    expect((await t.ok('GET', `/collections/${_id}`)).session_count).toBe(1);
  });

  it('the resolver lists a project’s analyses among its children', async () => {
    const h = await hierarchy(t, { project: 'resolved' });
    const { _id } = await t.ok('POST', `/projects/${h.project}/analyses`, {
      body: { label: 'project-level', inputs: [] },
    });
    const r = await t.ok('POST', '/resolve', { body: { path: [h.group, 'resolved'] } });
    const analyses = r.children.filter((x: any) => x.node_type === 'analysis');
    expect(analyses.map((x: any) => x._id)).toEqual([_id]);
    expect(r.children.some((x: any) => x.node_type === 'subject')).toBe(true);
  });

  it('join_avatars and join=origin are honoured; subject/session reads carry permissions', async () => {
    const h = await hierarchy(t);
    const self = await t.ok('GET', '/users/self');
    await t.ok('PUT', `/users/${self._id}`, { body: { avatar: 'https://example.org/me.png' } });
    await t.ok('POST', `/projects/${h.project}/notes`, { body: { text: 'hello' } });
    await t.ok('POST', `/projects/${h.project}/files`, {
      raw: form([{ name: 'o.txt', data: 'o' }]),
    });
    const plain = await t.ok('GET', `/projects/${h.project}`);
    expect(plain.notes[0].avatar).toBeUndefined();
    expect(plain['join-origin']).toBeUndefined();
    const joined = await t.ok('GET', `/projects/${h.project}?join_avatars=true&join=origin`);
    expect(joined.notes[0].avatar).toBe('https://example.org/me.png');
    expect(joined.permissions.find((p: any) => p._id === self._id).avatar).toBe(
      'https://example.org/me.png',
    );
    expect(joined['join-origin'].user[self._id]).toEqual({
      firstname: self.firstname,
      lastname: self.lastname,
    });
    const listed = (await t.ok('GET', `/groups/${h.group}/projects?join_avatars=true`)).find(
      (p: any) => p._id === h.project,
    );
    expect(listed.permissions.find((p: any) => p._id === self._id).avatar).toBe(
      'https://example.org/me.png',
    );
    for (const kind of ['subjects', 'sessions', 'acquisitions']) {
      const id = kind === 'subjects' ? h.subject : kind === 'sessions' ? h.session : h.acquisition;
      const doc = await t.ok('GET', `/${kind}/${id}`);
      expect(doc.permissions, kind).toEqual(plain.permissions);
    }
  });
});
