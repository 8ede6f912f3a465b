import { describe, expect, it } from 'vitest';
import { hierarchy, useServer } from './helpers/server.js';

const t = useServer();

async function raw(
  method: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
) {
  const r = await fetch(t.url + path, {
    method,
    headers: {
      Authorization: `scitran-user ${t.adminKey}`,
      'Content-Type': 'application/json',
      ...headers,
    },
    body,
  });
  const text = await r.text();
  return { status: r.status, body: JSON.parse(text), ct: r.headers.get('content-type') };
}

async function alive() {
  expect((await t.call('GET', '/version', { key: null })).status).toBe(200);
}

describe('bad input never yields a 500', () => {
  it('malformed JSON, wrong top-level types and empty bodies are 400', async () => {
    for (const body of ['{bad', '[1,2]', '"str"', '', 'null', '{"label": }']) {
      const r = await raw('POST', '/groups', body);
      expect(r.status, body).toBe(400);
      expect(r.body).toMatchObject({ status_code: 400 });
      expect(typeof r.body.message).toBe('string');
      expect(r.ct).toContain('application/json');
    }
    await alive();
  });

  it('wrong field types are 400', async () => {
    const h = await hierarchy(t);
    const cases: [string, string, unknown][] = [
      ['POST', '/projects', { group: h.group, label: 5 }],
      ['POST', '/projects', { group: 7, label: 'x' }],
      ['PUT', `/projects/${h.project}`, { tags: 'notalist' }],
      ['PUT', `/projects/${h.project}`, { info: [1] }],
      ['POST', '/sessions', { project: h.project, label: 'x', subject: 'nope' }],
      ['POST', `/projects/${h.project}/notes`, { text: { a: 1 } }],
      ['POST', `/projects/${h.project}/tags`, {}],
      ['PATCH', `/projects/${h.project}/info`, { delete: 'a' }],
      ['POST', '/resolve', { path: 'x', extra: 1 }],
      ['POST', '/jobs/add', { gear_id: 1 }],
    ];
    for (const [m, p, b] of cases) {
      const r = await t.call(m, p, { body: b });
      expect([400, 404], `${m} ${p} ${JSON.stringify(b)}`).toContain(r.status);
    }
    await alive();
  });

  it('unknown and malformed ids are 404', async () => {
    for (const p of [
      '/projects/0123456789abcdef01234567',
      '/projects/not-an-id',
      '/sessions/zzz',
      '/containers/abc',
      '/groups/NOPE',
      '/jobs/xyz',
      '/gears/none',
      '/users/ghost',
      '/modalities/XX',
      '/roles/abc',
      '/analyses/123',
    ]) {
      const r = await t.call('GET', p);
      expect(r.status, p).toBe(404);
      expect(r.body.status_code).toBe(404);
    }
    await alive();
  });

  it('unknown routes answer JSON 404', async () => {
    const r = await t.call('GET', '/does/not/exist');
    expect(r.status).toBe(404);
    const res = await fetch(t.url.replace(/\/api$/, '/elsewhere'));
    expect(res.status).toBe(404);
    expect((await res.json()).status_code).toBe(404);
  });

  it('oversize JSON bodies are 413', async () => {
    const big = JSON.stringify({ _id: 'big', label: 'x'.repeat(2 * 1024 * 1024) });
    const r = await raw('POST', '/groups', big);
    expect(r.status).toBe(413);
    expect(r.body.status_code).toBe(413);
    await alive();
  });

  it('path traversal in file names and URLs is rejected or neutralised', async () => {
    const h = await hierarchy(t);
    const fd = new FormData();
    fd.append('file', new Blob(['x']), '../../../x.txt');
    const [entry] = await t.ok('POST', `/acquisitions/${h.acquisition}/files`, { raw: fd });
    expect(entry.name).toBe('x.txt');
    expect(
      (await t.call('GET', `/acquisitions/${h.acquisition}/files/..%2F..%2Fflywheel.sqlite`))
        .status,
    ).toBe(404);
    expect((await t.call('GET', `/acquisitions/${h.acquisition}/files/%E0%A4%A`)).status).toBe(400);
    await alive();
  });

  it('non-multipart uploads and truncated multipart bodies are 400', async () => {
    const h = await hierarchy(t);
    const r = await raw('POST', `/sessions/${h.session}/files`, '{"a":1}');
    expect(r.status).toBe(400);
    const cut = await raw(
      'POST',
      `/sessions/${h.session}/files`,
      '--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\npartial',
      {
        'Content-Type': 'multipart/form-data; boundary=b',
      },
    );
    expect(cut.status).toBe(400);
    expect((await t.ok('GET', `/sessions/${h.session}`)).files).toEqual([]);
    await alive();
  });

  it('bad query parameters are 4xx', async () => {
    expect((await t.call('GET', '/projects?limit=-1')).status).toBeGreaterThanOrEqual(400);
    expect((await t.call('GET', '/projects?sort=')).status).toBeLessThan(500);
    expect(
      (await t.call('POST', '/dataexplorer/search?size=abc', { body: { return_type: 'session' } }))
        .status,
    ).toBe(400);
    await alive();
  });
});
