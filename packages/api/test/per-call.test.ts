/**
 * The thin per-call path (`bench/per-call.ts` measures its cost): with no fetch injected, the
 * global fetch gets the URL and init (it builds the call's only Request); an injected fetch gets
 * one Request, already carrying the merged features and the transport's redirect mode; the
 * answer is the fetch's own Response with its body read once. These check that the shortcuts
 * keep what the copies used to guarantee.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { ApiAbortError, ApiTimeoutError, createApiClient, type ApiClient } from '../src/index.js';
import { API_KEY, json } from './helpers.js';

const get = (api: ApiClient) =>
  api.GET('/projects/{project_id}', { params: { path: { project_id: 'p1' } } });

describe('one Request per call', () => {
  it('hands the fetch the request as built, with the merged features and manual redirects', async () => {
    const seen: Request[] = [];
    const api = createApiClient({
      apiKey: API_KEY,
      features: ['extra'],
      fetch: async (req) => {
        seen.push(req);
        return json(200, { _id: 'p1' });
      },
    });
    await get(api);
    await api.GET('/projects/{project_id}', {
      params: { path: { project_id: 'p1' } },
      features: ['pagination'],
    });
    api.enableFeature('later');
    await get(api);
    expect(seen).toHaveLength(3);
    expect(seen.map((r) => r.headers.get('x-accept-feature'))).toEqual([
      'Safe-Redirect,multipart_signed_url,extra',
      'Safe-Redirect,multipart_signed_url,extra,pagination',
      'Safe-Redirect,multipart_signed_url,extra,later',
    ]);
    // the transport follows redirects itself (Safe-Redirect rules), so fetch must not
    expect(seen.map((r) => r.redirect)).toEqual(['manual', 'manual', 'manual']);
    expect(seen[0]!.headers.get('authorization')).toMatch(/sEcReTkEy/);
  });

  it('still follows a redirect when a middleware swaps the request for a copy', async () => {
    const urls: string[] = [];
    const api = createApiClient({
      apiKey: API_KEY,
      fetch: async (req) => {
        urls.push(`${req.redirect} ${req.url} ${req.headers.get('x-mw')}`);
        return req.url.endsWith('/p1')
          ? new Response(null, { status: 302, headers: { location: '/api/projects/p2' } })
          : json(200, { _id: 'p2' });
      },
    });
    // openapi-fetch only takes a request of the client's own Request class back
    api.use({
      onRequest: ({ request }) => {
        const Same = request.constructor as typeof Request;
        return new Same(request.url, {
          headers: { ...Object.fromEntries(request.headers), 'x-mw': '1' },
        });
      },
    });
    const { data } = await get(api);
    expect(data).toEqual({ _id: 'p2' });
    expect(urls).toEqual([
      'manual https://flywheel.example.org/api/projects/p1 1',
      'manual https://flywheel.example.org/api/projects/p2 1',
    ]);
  });
});

describe('the global fetch', () => {
  it('gets the URL and init, with the merged features, and the transport follows redirects', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(
        `${req.method} ${req.url} ${req.headers['x-accept-feature']} ${req.headers['x-call']}`,
      );
      if (req.url === '/api/projects/p1') {
        res.writeHead(302, { location: '/api/projects/p2' }).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"_id":"p2"}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const spy = vi.spyOn(globalThis, 'fetch'); // calls through to the real fetch
    try {
      const { port } = server.address() as AddressInfo;
      const api = createApiClient({
        apiKey: `127.0.0.1:${port}:__force_insecure:abcdefghijklmnop0123`,
        features: ['extra'],
      });
      const { data } = await api.GET('/projects/{project_id}', {
        params: { path: { project_id: 'p1' } },
        headers: { 'x-call': 'c1' },
        features: ['pagination'],
      });
      expect(data).toEqual({ _id: 'p2' });
      // two hops, each a URL and an init with manual redirects: fetch did not follow the 302
      expect(spy.mock.calls.map(([input, init]) => [typeof input, init?.redirect])).toEqual([
        ['string', 'manual'],
        ['string', 'manual'],
      ]);
      expect(seen).toEqual([
        'GET /api/projects/p1 Safe-Redirect,multipart_signed_url,extra,pagination c1',
        'GET /api/projects/p2 Safe-Redirect,multipart_signed_url,extra,pagination c1',
      ]);
    } finally {
      spy.mockRestore();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('a per-call fetch gets a Request built ready to send; a middleware sees a Request', async () => {
    const perCall: Request[] = [];
    const api = createApiClient({ apiKey: API_KEY, fetch: async () => json(500, {}) });
    const { data } = await api.GET('/projects/{project_id}', {
      params: { path: { project_id: 'p1' } },
      fetch: async (req: Request) => {
        perCall.push(req);
        return json(200, { _id: 'p1' });
      },
    });
    expect(data).toEqual({ _id: 'p1' });
    expect(perCall[0]).toBeInstanceOf(Request);
    expect(perCall[0]!.headers.get('x-accept-feature')).toBe('Safe-Redirect,multipart_signed_url');

    const inMiddleware: unknown[] = [];
    const withMiddleware = createApiClient({
      apiKey: API_KEY,
      fetch: async () => json(200, { _id: 'p1' }),
    });
    withMiddleware.use({ onRequest: ({ request }) => void inMiddleware.push(request) });
    await get(withMiddleware);
    expect(inMiddleware[0]).toBeInstanceOf(Request);
  });
});

describe('the answer', () => {
  it('is the fetch’s Response, its body read once and parsed once', async () => {
    const original = json(200, { _id: 'p1', label: 'L' }, { 'x-request-id': 'r1' });
    const api = createApiClient({ apiKey: API_KEY, fetch: async () => original });
    const { data, response } = await get(api);
    expect(data).toEqual({ _id: 'p1', label: 'L' });
    expect(response).toBe(original);
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.headers.get('x-request-id')]).toEqual([200, 'r1']);
    // openapi-fetch read the body; a second read fails as on any Response
    await expect(response.text()).rejects.toThrow(/already been read/);
    // a clone still has the bytes
    expect(await response.clone().json()).toEqual({ _id: 'p1', label: 'L' });
  });

  it('lets the parsed value go once it is handed out, while the Response lives on', async () => {
    // A Response can outlive the call; the parsed page must not live as long. Kept, it survived
    // the young-generation GCs and made a walk of pages ~10 % slower (bench/iter-layers.ts).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const api = createApiClient({
      apiKey: API_KEY,
      fetch: async () => {
        const body = JSON.stringify({ _id: 'p1', items: Array.from({ length: 100 }, (_, i) => i) });
        // with a length, as a server sends it: openapi-fetch then takes the transport's parse
        return json(200, JSON.parse(body), { 'content-length': String(body.length) });
      },
    });
    let { data, response } = await get(api);
    const parsed = new WeakRef(data as object);
    expect(data).toMatchObject({ _id: 'p1' });
    data = undefined as never;
    for (let i = 0; i < 3 && parsed.deref(); i++) {
      await new Promise((r) => setTimeout(r, 0)); // a WeakRef holds its target until the job ends
      gc();
    }
    expect(parsed.deref()).toBeUndefined();
    expect(response.status).toBe(200);
    expect(await response.clone().json()).toEqual({ _id: 'p1', items: expect.any(Array) });
  });

  it('serves text and binary reads from the bytes it read', async () => {
    const api = createApiClient({
      apiKey: API_KEY,
      fetch: async () =>
        new Response('plain words', { status: 200, headers: { 'content-type': 'text/plain' } }),
    });
    const text = await api.GET('/projects/{project_id}', {
      params: { path: { project_id: 'p1' } },
      parseAs: 'text',
    });
    expect(text.data).toBe('plain words');
    const blob = await api.GET('/projects/{project_id}', {
      params: { path: { project_id: 'p1' } },
      parseAs: 'blob',
    });
    expect(await (blob.data as unknown as Blob).text()).toBe('plain words');
    const buffer = await api.GET('/projects/{project_id}', {
      params: { path: { project_id: 'p1' } },
      parseAs: 'arrayBuffer',
    });
    expect(new TextDecoder().decode(buffer.data as unknown as ArrayBuffer)).toBe('plain words');
  });

  it('a JSON body cut short still fails (parsed once, inside the attempt)', async () => {
    const api = createApiClient({
      apiKey: API_KEY,
      maxRetries: 0,
      fetch: async () =>
        new Response('{"_id": "p', {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
    });
    await expect(get(api)).rejects.toThrow(/body ended before the JSON was complete/);
  });

  it('a chunked JSON answer is parsed once; a close-delimited one cut short still fails', async () => {
    const server = createServer((req, res) => {
      if (req.url?.endsWith('/chunked')) {
        res.writeHead(200, { 'content-type': 'application/json' }); // no length: chunked
        res.write('{"_id": "p1", ');
        res.end('"label": "L"}');
      } else {
        // HTTP/1.0 style: no length, no chunks, the body ends when the connection closes
        res.socket!.end(
          'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"_id": "p',
        );
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const api = createApiClient({
        apiKey: `127.0.0.1:${port}:__force_insecure:abcdefghijklmnop0123`,
        maxRetries: 0,
      });
      const parse = vi.spyOn(JSON, 'parse');
      const read = (id: string) =>
        api.GET('/projects/{project_id}', { params: { path: { project_id: id } } });
      const { data, response } = await read('chunked');
      expect(response.headers.get('transfer-encoding')).toBe('chunked');
      expect(data).toEqual({ _id: 'p1', label: 'L' });
      // the body's text was parsed once (by openapi-fetch, which reads text() when no length is given)
      expect(parse.mock.calls.filter(([text]) => String(text).includes('"p1"'))).toHaveLength(1);
      parse.mockRestore();
      await expect(read('closed')).rejects.toThrow(/body ended before the JSON was complete/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('keeps working when the fetch answers another Response class than the global one', async () => {
    // @hono/node-server swaps the global Response for its own class while fetch still answers
    // undici's: the answer must keep the getters of the class it was made by.
    class ForeignResponse {
      readonly #inner: Response;
      constructor(body: string, init: ResponseInit) {
        this.#inner = new Response(body, init);
      }
      get status() {
        return this.#inner.status;
      }
      get ok() {
        return this.#inner.ok;
      }
      get statusText() {
        return this.#inner.statusText;
      }
      get headers() {
        return this.#inner.headers;
      }
      get body() {
        return this.#inner.body;
      }
      get type() {
        return this.#inner.type;
      }
    }
    const api = createApiClient({
      apiKey: API_KEY,
      fetch: async () =>
        new ForeignResponse('{"_id":"p1"}', {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }) as unknown as Response,
    });
    const { data, response } = await get(api);
    expect(data).toEqual({ _id: 'p1' });
    expect([response.status, response.headers.get('content-type')]).toEqual([
      200,
      'application/json',
    ]);
    expect(response).toBeInstanceOf(ForeignResponse);
  });
});

describe('a middleware that swaps the request for a copy', () => {
  /** A client whose middleware replaces every request with a copy built from scratch. */
  async function copyingClient(handler: Parameters<typeof createServer>[1]) {
    const server = createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const api = createApiClient({
      apiKey: `127.0.0.1:${port}:__force_insecure:abcdefghijklmnop0123`,
      maxRetries: 0,
    });
    api.use({
      onRequest: ({ request }) => {
        const Same = request.constructor as typeof Request;
        return new Same(request.url, {
          method: request.method,
          headers: { ...Object.fromEntries(request.headers), 'x-mw': '1' },
        });
      },
    });
    const close = async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    };
    return { api, close };
  }

  it('keeps a streamed download a stream: the first chunk arrives while the body is still open', async () => {
    let finish = (): void => undefined;
    const { api, close } = await copyingClient((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(`first ${req.headers['x-mw']}`);
      finish = () => res.end();
    });
    try {
      const call = api.GET('/projects/{project_id}', {
        params: { path: { project_id: 'p1' } },
        parseAs: 'stream',
      });
      // buffered, the call would wait for the end of a body that never ends
      const result = await Promise.race([
        call,
        new Promise<'buffered'>((r) => setTimeout(() => r('buffered'), 2000)),
      ]);
      expect(result).not.toBe('buffered');
      const reader = ((result as { data: unknown }).data as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toBe('first 1');
      finish();
      expect((await reader.read()).done).toBe(true);
    } finally {
      await close();
    }
  });

  it("keeps the call's time limit and the caller's signal", async () => {
    const { api, close } = await copyingClient((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 600);
    });
    try {
      const timedOut = await api
        .GET('/projects/{project_id}', { params: { path: { project_id: 'p1' } }, timeoutMs: 50 })
        .catch((e: unknown) => e);
      expect(timedOut).toBeInstanceOf(ApiTimeoutError);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const aborted = await api
        .GET('/projects/{project_id}', {
          params: { path: { project_id: 'p1' } },
          signal: controller.signal,
        })
        .catch((e: unknown) => e);
      expect(aborted).toBeInstanceOf(ApiAbortError);
    } finally {
      await close();
    }
  });
  it('takes a plain Request back too (new Request(request, init)), body and all', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        seen.push(`${req.method} ${req.headers['content-type']} ${req.headers['x-mw']} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"_id":"p9"}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const api = createApiClient({
        apiKey: `127.0.0.1:${port}:__force_insecure:abcdefghijklmnop0123`,
      });
      api.use({
        onRequest: ({ request }) => {
          const headers = new Headers(request.headers);
          headers.set('x-mw', 'plain');
          return new Request(request, { headers });
        },
      });
      const { data } = await api.POST('/projects', { body: { label: 'P' } as never });
      expect(data).toEqual({ _id: 'p9' });
      expect(seen).toEqual(['POST application/json plain {"label":"P"}']);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
