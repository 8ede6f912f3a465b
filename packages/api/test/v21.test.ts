import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiConnectionError,
  ApiError,
  ApiKeyError,
  authorizationHeader,
  BadRequestError,
  createApiClient,
  mergeFeatures,
  multipartBody,
  NotFoundError,
  parseApiKey,
  UnprocessableEntityError,
} from '../src/index.js';
import { API_KEY, client, json, KEY, scriptedFetch } from './helpers.js';

const KEY57 = 'k'.repeat(57);

describe('v21 API keys (§2.3)', () => {
  it('sends Authorization: Bearer <key> for a 57-character key', async () => {
    const rec = scriptedFetch(() => json(200, []));
    const api = createApiClient({ apiKey: `site.example.org:${KEY57}`, fetch: rec.fetch });
    await api.GET('/projects');
    expect(rec.requests[0]!.headers.get('authorization')).toBe(`Bearer ${KEY57}`);
    expect(parseApiKey(`site.example.org:${KEY57}`).authScheme).toBe('Bearer');
  });

  it.each([56, 58, 19])(
    'sends Authorization: scitran-user <key> for a %i-character key',
    async (n) => {
      const key = 'k'.repeat(n);
      const rec = scriptedFetch(() => json(200, []));
      const api = createApiClient({ apiKey: `h:8443:${key}`, fetch: rec.fetch });
      await api.GET('/projects');
      expect(rec.requests[0]!.headers.get('authorization')).toBe(`scitran-user ${key}`);
    },
  );

  it('the 57-character rule counts only the secret, not the host, port or __force_insecure', () => {
    expect(parseApiKey(`127.0.0.1:8080:__force_insecure:${KEY57}`)).toMatchObject({
      baseUrl: 'http://127.0.0.1:8080/api',
      authScheme: 'Bearer',
    });
    expect(authorizationHeader({ key: KEY57.slice(1) })).toBe(`scitran-user ${KEY57.slice(1)}`);
  });

  it('base URL is <scheme>://<host>:<port>/api with the port always written (443 by default)', () => {
    expect(parseApiKey('site.example.org:K').baseUrl).toBe('https://site.example.org:443/api');
    expect(parseApiKey('site.example.org:8443:K').baseUrl).toBe(
      'https://site.example.org:8443/api',
    );
  });

  it('a 57-character key never appears in a key error or an HTTP error', async () => {
    let caught: unknown;
    try {
      parseApiKey(KEY57);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApiKeyError);
    expect(String(caught)).not.toContain(KEY57);
    const rec = scriptedFetch(() => json(401, { message: 'bad key', detail: 'expired' }));
    const api = createApiClient({ apiKey: `h:${KEY57}`, fetch: rec.fetch });
    const e = (await api.GET('/projects').catch((x: unknown) => x)) as ApiError;
    for (const text of [String(e), e.message, JSON.stringify(e), e.stack ?? ''])
      expect(text).not.toContain(KEY57);
  });
});

describe('v21 X-Accept-Feature (§2.4)', () => {
  it('sends X-Accept-Feature: Safe-Redirect,multipart_signed_url on every request', async () => {
    const rec = scriptedFetch(() => json(200, {}));
    const { api } = client(rec.fetch);
    await api.GET('/projects');
    await api.POST('/projects', { body: { label: 'L', group: 'g' } as never });
    await api.DELETE('/projects/{project_id}', { params: { path: { project_id: 'p' } } });
    expect(rec.requests.map((r) => r.headers.get('x-accept-feature'))).toEqual([
      'Safe-Redirect,multipart_signed_url',
      'Safe-Redirect,multipart_signed_url',
      'Safe-Redirect,multipart_signed_url',
    ]);
  });

  it('appends per-call features: X-Accept-Feature: Safe-Redirect,multipart_signed_url,pagination', async () => {
    const rec = scriptedFetch(() => json(200, { results: [], total: 0, count: 0 }));
    const { api } = client(rec.fetch);
    await api.GET('/projects', { features: ['pagination'] });
    await api.GET('/projects', { headers: { 'X-Accept-Feature': 'pagination' } });
    // the 2019 space-joined form the SDK sends today, repeating the defaults
    await api.GET('/projects', {
      headers: { 'X-Accept-Feature': 'Safe-Redirect multipart_signed_url pagination' },
    });
    await api.GET('/projects', {
      params: { header: { 'X-Accept-Feature': 'pagination' } } as never,
      features: ['PAGINATION', 'exclude-files'],
    });
    expect(rec.requests.map((r) => r.headers.get('x-accept-feature'))).toEqual([
      'Safe-Redirect,multipart_signed_url,pagination',
      'Safe-Redirect,multipart_signed_url,pagination',
      'Safe-Redirect,multipart_signed_url,pagination',
      'Safe-Redirect,multipart_signed_url,pagination,exclude-files',
    ]);
  });

  it('removing the header per call (null) still sends X-Accept-Feature: Safe-Redirect,multipart_signed_url', async () => {
    const rec = scriptedFetch(() => json(200, []));
    const { api } = client(rec.fetch);
    await api.GET('/projects', { headers: { 'X-Accept-Feature': null } });
    expect(rec.requests[0]!.headers.get('x-accept-feature')).toBe(
      'Safe-Redirect,multipart_signed_url',
    );
  });

  it('client features and enableFeature append: X-Accept-Feature: Safe-Redirect,multipart_signed_url,beta,exclude-files', async () => {
    const rec = scriptedFetch(() => json(200, []));
    const { api } = client(rec.fetch, {
      features: ['beta', 'Safe-Redirect'],
      headers: { 'x-accept-feature': 'beta' },
    });
    expect(api.features).toEqual(['Safe-Redirect', 'multipart_signed_url', 'beta']);
    await api.GET('/projects');
    api.enableFeature('exclude-files');
    api.enableFeature('BETA');
    await api.GET('/projects');
    expect(rec.requests.map((r) => r.headers.get('x-accept-feature'))).toEqual([
      'Safe-Redirect,multipart_signed_url,beta',
      'Safe-Redirect,multipart_signed_url,beta,exclude-files',
    ]);
    expect(() => api.enableFeature('  ')).toThrow(/feature/);
  });

  it('mergeFeatures keeps the first spelling and drops blanks', () => {
    expect(mergeFeatures(['A', 'b'], 'a, c  d', undefined, ['', 'B', 'e'])).toEqual([
      'A',
      'b',
      'c',
      'd',
      'e',
    ]);
  });
});

describe('v21 exhaustive (§2.2)', () => {
  it('exhaustive: true sends exhaustive=true on list reads that declare it', async () => {
    const rec = scriptedFetch(() => json(200, []));
    const { api } = client(rec.fetch, { exhaustive: true });
    expect(api.exhaustive).toBe(true);
    await api.GET('/projects', { params: { query: { filter: 'label=x' } } });
    await api.request('get', '/sessions');
    await api.POST('/resolve', { body: { path: ['g'] } as never });
    expect(rec.requests.map((r) => new URL(r.url).searchParams.getAll('exhaustive'))).toEqual([
      ['true'],
      ['true'],
      ['true'],
    ]);
    expect(new URL(rec.requests[0]!.url).searchParams.get('filter')).toBe('label=x');
  });

  it('exhaustive=true is not added where the operation has no such parameter, nor twice', async () => {
    const rec = scriptedFetch(() => json(200, {}));
    const { api } = client(rec.fetch, { exhaustive: true });
    await api.GET('/projects/{project_id}', { params: { path: { project_id: 'p' } } });
    await api.GET('/projects', { params: { query: { exhaustive: false } } });
    await api.GET('/projects', { params: { query: { exhaustive: true } } });
    expect(rec.requests.map((r) => new URL(r.url).searchParams.getAll('exhaustive'))).toEqual([
      [],
      ['false'],
      ['true'],
    ]);
  });

  it('per call: { exhaustive: true } sends exhaustive=true, { exhaustive: false } sends none', async () => {
    const rec = scriptedFetch(() => json(200, []));
    const plain = client(rec.fetch).api;
    const admin = client(rec.fetch, { exhaustive: true }).api;
    await plain.GET('/projects');
    await plain.GET('/projects', { exhaustive: true });
    await admin.GET('/projects', { exhaustive: false });
    expect(rec.requests.map((r) => new URL(r.url).search)).toEqual(['', '?exhaustive=true', '']);
  });
});

describe('v21 error fields (§3.4)', () => {
  it('reason is the JSON message, detail the JSON detail; String(err) is "(404) Reason: <message>\\nDetail: <detail>\\nRequest: <method> <url>"', async () => {
    const rec = scriptedFetch(() =>
      json(404, { message: 'Project p not found', detail: 'checked 3 groups' }),
    );
    const { api } = client(rec.fetch);
    const e = (await api.GET('/projects').catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.reason).toBe('Project p not found');
    expect(e.detail).toBe('checked 3 groups');
    expect(e.statusText).toBe('Not Found');
    expect(String(e)).toMatch(
      /^\(404\) Reason: Project p not found\nDetail: checked 3 groups\nRequest: GET https?:\/\/\S+$/,
    );
  });

  it('a JSON body with only message has no detail line', async () => {
    const rec = scriptedFetch(() => json(400, { message: 'bad filter' }));
    const e = (await client(rec.fetch)
      .api.GET('/projects')
      .catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(BadRequestError);
    expect(e.detail).toBeUndefined();
    expect(String(e)).toMatch(/^\(400\) Reason: bad filter\nRequest: GET \S+$/);
  });

  it('a structured detail (FastAPI 422 list) is kept raw in body and as JSON text in detail', async () => {
    const detail = [{ loc: ['body', 'label'], msg: 'field required', type: 'missing' }];
    const rec = scriptedFetch(() => json(422, { detail }));
    const e = (await client(rec.fetch)
      .api.GET('/projects')
      .catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(UnprocessableEntityError);
    expect(e.reason).toBe('Unprocessable Entity');
    expect(e.detail).toBe(JSON.stringify(detail));
    expect((e.body as { detail: unknown }).detail).toEqual(detail);
  });

  it('non-JSON bodies fall back to the HTTP reason phrase and no detail', async () => {
    const rec = scriptedFetch(
      () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    const e = (await client(rec.fetch, { maxRetries: 0 })
      .api.GET('/projects')
      .catch((x: unknown) => x)) as ApiError;
    expect(e.reason).toBe('Bad Gateway');
    expect(e.detail).toBeUndefined();
    expect(e.body).toBe('<html>bad gateway</html>');
  });

  it('exhausted retries surface the last status as an ApiError (not a retry error)', async () => {
    const rec = scriptedFetch(() => json(503, { message: 'maintenance' }));
    const { api, clock } = client(rec.fetch, { maxRetries: 2 });
    const e = (await api.GET('/projects').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(503);
    expect(e.reason).toBe('maintenance');
    expect(rec.requests).toHaveLength(3);
    expect(clock.sleeps).toHaveLength(2);
  });
});

describe('v21 retries (§3.3)', () => {
  it('retries 503 for GET/PUT/DELETE; never POST, nor PATCH (v21 retries PATCH)', async () => {
    for (const [method, calls] of [
      ['GET', 2],
      ['PUT', 2],
      ['DELETE', 2],
      ['PATCH', 1],
      ['POST', 1],
    ] as const) {
      const rec = scriptedFetch(
        () => json(503, {}),
        () => json(200, {}),
      );
      const { api } = client(rec.fetch, { maxRetries: 1 });
      await api.request(method.toLowerCase() as 'get', '/projects' as never).catch(() => null);
      expect([method, rec.requests.length]).toEqual([method, calls]);
    }
  });

  it('retries a POST whose connection was refused (nothing was sent)', async () => {
    let calls = 0;
    const fetch = async (req: Request): Promise<Response> => {
      calls++;
      await req.text();
      if (calls === 1)
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        });
      return json(200, { _id: 'new' });
    };
    const { api } = client(fetch, { maxRetries: 1 });
    const { data } = await api.POST('/projects', { body: { label: 'L', group: 'g' } as never });
    expect(data).toEqual({ _id: 'new' });
    expect(calls).toBe(2);
  });

  it('does not retry a POST after a connection reset (it may have been applied)', async () => {
    let calls = 0;
    const fetch = async (): Promise<Response> => {
      calls++;
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    };
    const { api } = client(fetch, { maxRetries: 3 });
    await expect(api.POST('/projects', { body: {} as never })).rejects.toBeInstanceOf(
      ApiConnectionError,
    );
    expect(calls).toBe(1);
  });
});

describe('v21 Safe-Redirect: redirects (§2.4, §3.4), injected fetch', () => {
  const redirect = (status: number, location: string) => () =>
    new Response(null, { status, headers: { location } });

  it('follows a 302 to another origin without Authorization (Safe-Redirect)', async () => {
    const rec = scriptedFetch(
      redirect(302, 'https://storage.example.com/bucket/f?sig=abc'),
      () => new Response('bytes'),
    );
    const { api } = client(rec.fetch);
    const { data } = await api.GET('/projects/{project_id}/files/{file_name}', {
      params: { path: { project_id: 'p', file_name: 'f' } },
      parseAs: 'text',
    });
    expect(data).toBe('bytes');
    expect(rec.requests.map((r) => r.url)).toEqual([
      'https://flywheel.example.org/api/projects/p/files/f',
      'https://storage.example.com/bucket/f?sig=abc',
    ]);
    expect(rec.requests[0]!.headers.get('authorization')).toBe(`scitran-user ${KEY}`);
    expect(rec.requests[1]!.headers.has('authorization')).toBe(false);
  });

  it('keeps Authorization on a same-origin redirect, drops it on an https→http downgrade', async () => {
    const rec = scriptedFetch(
      redirect(307, '/api/projects/q'),
      redirect(301, 'http://flywheel.example.org/api/projects/r'),
      () => json(200, {}),
    );
    const { api } = client(rec.fetch);
    await api.GET('/projects/{project_id}', { params: { path: { project_id: 'p' } } });
    expect(rec.requests.map((r) => [r.url, r.headers.has('authorization')])).toEqual([
      ['https://flywheel.example.org/api/projects/p', true],
      ['https://flywheel.example.org/api/projects/q', true],
      ['http://flywheel.example.org/api/projects/r', false],
    ]);
  });

  it('303 after a POST continues as a body-less GET; 307 repeats the method and body', async () => {
    const rec = scriptedFetch(
      redirect(303, '/api/projects/p'),
      () => json(200, { _id: 'p' }),
      redirect(307, 'https://other.example.org/api/projects'),
      () => json(200, { _id: 'q' }),
    );
    const { api } = client(rec.fetch);
    await api.POST('/projects', { body: { label: 'A', group: 'g' } as never });
    await api.POST('/projects', { body: { label: 'B', group: 'g' } as never });
    const r = rec.requests;
    expect([r[1]!.method, r[1]!.body, r[1]!.headers.has('content-type')]).toEqual([
      'GET',
      null,
      false,
    ]);
    expect([r[3]!.method, JSON.parse(r[3]!.body!)]).toEqual(['POST', { label: 'B', group: 'g' }]);
    expect(r[3]!.headers.has('authorization')).toBe(false);
  });

  it('gives up after 20 redirects with an ApiConnectionError', async () => {
    const rec = scriptedFetch(redirect(302, '/api/projects'));
    const { api } = client(rec.fetch);
    const e = await api.GET('/projects').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiConnectionError);
    expect(String(e)).toMatch(/20 redirects/);
    expect(rec.requests).toHaveLength(21);
  });

  it('a 3xx without Location, or with redirect: "manual", is an ApiError carrying the headers', async () => {
    const rec = scriptedFetch(
      () => new Response(null, { status: 304 }),
      redirect(302, 'https://storage.example.com/x'),
    );
    const { api } = client(rec.fetch);
    const notModified = (await api.GET('/projects').catch((x: unknown) => x)) as ApiError;
    expect(notModified.status).toBe(304);
    const manual = (await api
      .GET('/projects', { redirect: 'manual' })
      .catch((x: unknown) => x)) as ApiError;
    expect(manual.status).toBe(302);
    expect(manual.headers?.get('location')).toBe('https://storage.example.com/x');
    expect(rec.requests).toHaveLength(2);
  });

  it('the error URL is the API URL, never the redirect target (signed URLs carry credentials)', async () => {
    const rec = scriptedFetch(
      redirect(302, 'https://storage.example.com/f?X-Amz-Signature=s3cr3t'),
      () => new Response('denied', { status: 403 }),
    );
    const e = (await client(rec.fetch)
      .api.GET('/projects')
      .catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(403);
    expect(e.url).toBe('https://flywheel.example.org/api/projects');
    expect(JSON.stringify(e)).not.toContain('s3cr3t');
  });
});

describe('v21 Safe-Redirect over real HTTP (Node fetch)', () => {
  let server: Server;
  let port: number;
  const seen: { url: string; host: string; headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const host = req.headers.host ?? '';
        seen.push({
          url: req.url ?? '',
          host,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        if (req.url === '/api/projects/p1/files/scan.nii') {
          // "storage" is the same server under another origin (localhost vs 127.0.0.1)
          res.writeHead(302, { location: `http://localhost:${port}/storage/scan.nii?sig=1` });
          res.end();
        } else if (req.url?.startsWith('/storage/')) {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          res.end('NIFTI');
        } else if (req.url === '/api/upload-moved' && req.method === 'POST') {
          res.writeHead(307, { location: '/api/projects/p1/files' });
          res.end();
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('[]');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('a download answered by 302 to another origin is fetched there without Authorization', async () => {
    seen.length = 0;
    const api = createApiClient({ apiKey: `127.0.0.1:${port}:__force_insecure:${KEY57}` });
    const { data } = await api.GET('/projects/{project_id}/files/{file_name}', {
      params: { path: { project_id: 'p1', file_name: 'scan.nii' } },
      parseAs: 'text',
    });
    expect(data).toBe('NIFTI');
    expect(seen.map((s) => [s.host, s.url, s.headers.authorization ?? null])).toEqual([
      [`127.0.0.1:${port}`, '/api/projects/p1/files/scan.nii', `Bearer ${KEY57}`],
      [`localhost:${port}`, '/storage/scan.nii?sig=1', null],
    ]);
    expect(seen[0]!.headers['x-accept-feature']).toBe('Safe-Redirect,multipart_signed_url');
  });

  it('a streamed upload answered by 307 still fails clearly (redirect: "error"), nothing re-sent', async () => {
    seen.length = 0;
    const api = createApiClient({
      apiKey: `127.0.0.1:${port}:__force_insecure:K`,
      maxRetries: 0,
    });
    const body = multipartBody({
      files: [{ file: Readable.from([Buffer.from('payload')]), filename: 'a.bin' }],
    });
    await expect(
      api.request('post', '/upload-moved' as never, { body: body as never } as never),
    ).rejects.toBeInstanceOf(ApiConnectionError);
    expect(seen.map((s) => s.url)).toEqual(['/api/upload-moved']);
  });
});
