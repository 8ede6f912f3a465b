/** FileEntry and archive requests on the wire, with an injected fetch (no server). */
import { describe, expect, it } from 'vitest';
import { Client, FileEntry } from '../../src/index.js';

const KEY = 'flywheel.example.org:abcdefghijklmnop0123';

function json(body: unknown, status = 200): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status: body === undefined ? 204 : status,
    headers: { 'content-type': 'application/json' },
  });
}

const FILE = {
  _id: 'uuid-2',
  file_id: 'f1',
  version: 2,
  name: 'scan.txt',
  parent_ref: { type: 'acquisition', id: 'a1' },
};

function client() {
  const sent: { line: string; body: string }[] = [];
  const fw = new Client(KEY, {
    maxRetries: 0,
    disableAuthCheck: true,
    fetch: async (req) => {
      const url = new URL(req.url);
      sent.push({
        line: `${req.method} ${url.pathname.replace(/^\/api/, '')}${url.search}`,
        body: req.body ? await req.text() : '',
      });
      if (url.pathname === '/api/files/f1/versions')
        return json([
          { file_id: 'f1', version: 1, created: '2020-01-01T00:00:00Z', origin: { type: 'user' } },
          { file_id: 'f1', version: 2, created: '2020-01-02T00:00:00Z', origin: { type: 'user' } },
        ]);
      if (url.pathname === '/api/files/f1' || url.pathname === '/api/files/f1/restore') {
        const v = Number(url.searchParams.get('version') ?? 2);
        return json({ ...FILE, version: url.pathname.endsWith('restore') ? 3 : v });
      }
      if (url.pathname === '/api/files/f1/tags' && req.method === 'PATCH') return json(['x']);
      if (url.pathname === '/api/files/f1/tags' && req.method === 'DELETE') return json(undefined);
      if (url.pathname === '/api/download' && req.method === 'POST')
        return json({ ticket: 'TK', file_cnt: 1, size: 3 });
      if (url.pathname === '/api/download') return new Response('zip');
      if (url.pathname === '/api/acquisitions/a1') return json({ _id: 'a1', label: 'acq' });
      if (url.pathname.startsWith('/api/acquisitions/a1/files/'))
        return new Response('bytes', { headers: { 'content-length': '5' } });
      return json({ modified: 1 });
    },
  });
  const file = new FileEntry(fw, { ...FILE });
  return { fw, sent, file };
}

describe('FileEntry on the wire (injected fetch)', () => {
  it('reload() is GET /files/{file_id}?version=N', async () => {
    const { sent, file } = client();
    const again = await file.reload();
    expect(sent.map((s) => s.line)).toEqual(['GET /files/f1?version=2']);
    expect(again).toBeInstanceOf(FileEntry);
  });

  it('getVersions() is GET /files/{file_id}/versions, then GET /files/{file_id}?version=N per version', async () => {
    const { sent, file } = client();
    const versions = await file.getVersions();
    expect(sent.map((s) => s.line).sort()).toEqual([
      'GET /files/f1/versions',
      'GET /files/f1?version=1',
      'GET /files/f1?version=2',
    ]);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions.every((v) => v instanceof FileEntry)).toBe(true);
  });

  it('restore(1) is POST /files/{file_id}/restore?version=1&evaluate_gear_rules=false', async () => {
    const { sent, file } = client();
    const restored = await file.restore(1);
    expect(sent.map((s) => s.line)).toEqual([
      'POST /files/f1/restore?version=1&evaluate_gear_rules=false',
    ]);
    expect(restored.version).toBe(3);
  });

  it('tags: addTags PATCH /files/{file_id}/tags, setTags PUT, deleteTag DELETE with a list body, renameTag PATCH then DELETE', async () => {
    const { sent, file } = client();
    await file.addTags(['a', 'b']);
    await file.setTags(['s']);
    await file.deleteTag('a');
    await file.renameTag('b', 'B');
    expect(sent).toEqual([
      { line: 'PATCH /files/f1/tags', body: '["a","b"]' },
      { line: 'PUT /files/f1/tags', body: '["s"]' },
      { line: 'DELETE /files/f1/tags', body: '["a"]' },
      { line: 'PATCH /files/f1/tags', body: '["B"]' },
      { line: 'DELETE /files/f1/tags', body: '["b"]' },
    ]);
  });

  it('info: updateInfo PATCH /files/{file_id}/info {set}, deleteInfo {delete}, replaceInfo PUT; classification PUT /files/{file_id}/classification', async () => {
    const { sent, file } = client();
    await file.updateInfo({ a: 1 });
    await file.deleteInfo('a', 'b');
    await file.replaceInfo({ z: 1 });
    await file.replaceClassification({ Intent: ['Structural'] }, { modality: 'MR' });
    await file.updateClassification({ Custom: ['c'] });
    await file.deleteClassification({ Custom: ['c'] });
    expect(sent).toEqual([
      { line: 'PATCH /files/f1/info', body: '{"set":{"a":1}}' },
      { line: 'PATCH /files/f1/info', body: '{"delete":["a","b"]}' },
      { line: 'PUT /files/f1/info', body: '{"z":1}' },
      {
        line: 'PUT /files/f1/classification',
        body: '{"replace":{"Intent":["Structural"]},"modality":"MR"}',
      },
      { line: 'PUT /files/f1/classification', body: '{"add":{"Custom":["c"]}}' },
      { line: 'PUT /files/f1/classification', body: '{"delete":{"Custom":["c"]}}' },
    ]);
  });

  it('getZipInfo() is GET /files/{file_id}/zip_info?version=N', async () => {
    const { sent, file } = client();
    await file.getZipInfo();
    expect(sent.map((s) => s.line)).toEqual(['GET /files/f1/zip_info?version=2']);
  });

  it('read() without a parent fetches it from parent_ref (GET /acquisitions/{id}) and downloads ?version=N', async () => {
    const { sent, file } = client();
    expect(new TextDecoder().decode(await file.read())).toBe('bytes');
    expect(sent.map((s) => s.line)).toEqual([
      'GET /acquisitions/a1',
      'GET /acquisitions/a1/files/scan.txt?version=2',
    ]);
    expect(file.ref()).toEqual({ type: 'acquisition', id: 'a1', name: 'scan.txt' });
  });

  it('downloadZip is POST /download, then GET /download?ticket=…&format=zip; downloadTar sends format=tar', async () => {
    const { fw, sent } = client();
    const chunks: Uint8Array[] = [];
    const sink = () =>
      new WritableStream<Uint8Array>({
        write: (c) => {
          chunks.push(c);
        },
      });
    const summary = await fw.downloadZip({ type: 'acquisition', id: 'a1' }, sink());
    await fw.downloadTar({ type: 'acquisition', id: 'a1' }, sink());
    expect(summary).toMatchObject({ ticket: 'TK' });
    expect(sent.map((s) => s.line)).toEqual([
      'POST /download',
      'GET /download?ticket=TK&format=zip',
      'POST /download',
      'GET /download?ticket=TK&format=tar',
    ]);
    expect(JSON.parse(sent[0]!.body)).toEqual({
      nodes: [{ level: 'acquisition', _id: 'a1' }],
      optional: true,
    });
  });
});
