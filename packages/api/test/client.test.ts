import { describe, expect, it } from 'vitest';
import {
  ApiConnectionError,
  ApiError,
  ApiException,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  createApiClient,
  FlywheelError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
  VERSION,
} from '../src/index.js';
import { API_KEY, client, json, KEY, scriptedFetch } from './helpers.js';

describe('requests', () => {
  it('derives the base URL from the key and sends the default headers', async () => {
    const rec = scriptedFetch(() => json(200, { _id: 'p1', label: 'P' }));
    const { api } = client(rec.fetch);
    const { data } = await api.GET('/projects/{project_id}', {
      params: { path: { project_id: 'p 1/x' } },
    });
    expect(data).toEqual({ _id: 'p1', label: 'P' });
    const req = rec.requests[0]!;
    expect(req.method).toBe('GET');
    expect(req.url).toBe('https://flywheel.example.org/api/projects/p%201%2Fx');
    expect(req.headers.get('authorization')).toBe(`scitran-user ${KEY}`);
    expect(req.headers.get('x-accept-feature')).toBe('Safe-Redirect,multipart_signed_url');
    const ua = req.headers.get('user-agent')!;
    expect(
      ua.startsWith(`@fw/api/${VERSION} (Node ${process.versions.node}; ${process.platform})`),
    ).toBe(true);
    expect(VERSION).toBe('0.1.0');
    expect(api.baseUrl).toBe('https://flywheel.example.org:443/api');
  });

  it('an explicit baseUrl wins; features, userAgent prefix and extra headers are configurable', async () => {
    const rec = scriptedFetch(() => json(200, []));
    const { api } = client(rec.fetch, {
      baseUrl: 'http://127.0.0.1:9999/api/',
      features: ['Subject-Container', 'beta', 'safe-redirect'],
      userAgent: '@fw/sdk/9.9.9',
      headers: { 'X-Extra': '1', Authorization: 'overridden?' },
    });
    await api.GET('/projects');
    const req = rec.requests[0]!;
    expect(req.url).toBe('http://127.0.0.1:9999/api/projects');
    expect(req.headers.get('x-accept-feature')).toBe(
      'Safe-Redirect,multipart_signed_url,Subject-Container,beta',
    );
    expect(req.headers.get('user-agent')!.startsWith('@fw/sdk/9.9.9 @fw/api/')).toBe(true);
    expect(req.headers.get('x-extra')).toBe('1');
    expect(req.headers.get('authorization')).toBe(`scitran-user ${KEY}`);
  });

  it('features: [] still sends the v21 defaults; insecure keys use http', async () => {
    const rec = scriptedFetch(() => json(200, []));
    const api = createApiClient({
      apiKey: '127.0.0.1:8080:__force_insecure:K',
      fetch: rec.fetch,
      features: [],
    });
    await api.GET('/projects');
    expect(rec.requests[0]!.url).toBe('http://127.0.0.1:8080/api/projects');
    expect(rec.requests[0]!.headers.get('x-accept-feature')).toBe(
      'Safe-Redirect,multipart_signed_url',
    );
  });

  it('Authorization can be removed per call (ticketed downloads)', async () => {
    const rec = scriptedFetch(() => new Response('bytes'));
    const { api } = client(rec.fetch);
    await api.GET('/projects/{project_id}/files/{file_name}', {
      params: { path: { project_id: 'p', file_name: 'f.txt' }, query: { ticket: 't1' } },
      headers: { Authorization: null },
      parseAs: 'text',
    });
    expect(rec.requests[0]!.headers.has('authorization')).toBe(false);
    expect(rec.requests[0]!.url).toContain('ticket=t1');
  });

  it('sends JSON bodies', async () => {
    const rec = scriptedFetch(() => json(200, { _id: 'new' }));
    const { api } = client(rec.fetch);
    await api.POST('/projects', { body: { label: 'L', group: 'g' } as never });
    expect(rec.requests[0]!.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(rec.requests[0]!.body!)).toEqual({ label: 'L', group: 'g' });
  });
});

describe('errors', () => {
  it.each([
    [400, BadRequestError, 'Bad Request'],
    [401, AuthenticationError, 'Unauthorized'],
    [403, PermissionDeniedError, 'Forbidden'],
    [404, NotFoundError, 'Not Found'],
    [409, ConflictError, 'Conflict'],
    [422, UnprocessableEntityError, 'Unprocessable Entity'],
    [429, RateLimitError, 'Too Many Requests'],
    [500, InternalServerError, 'Internal Server Error'],
    [503, InternalServerError, 'Service Unavailable'],
    [402, ApiError, 'Payment Required'],
  ])('%i → %o (reason = JSON message, detail = JSON detail)', async (status, cls, phrase) => {
    const rec = scriptedFetch(() =>
      json(status, {
        message: `boom ${status}`,
        detail: `more ${status}`,
        status_code: status,
        request_id: 'abcd1234-1563812345',
      }),
    );
    const { api } = client(rec.fetch, { maxRetries: 0 });
    const err = await api.GET('/projects').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cls);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toBeInstanceOf(ApiException);
    expect(err).toBeInstanceOf(FlywheelError);
    const e = err as ApiError;
    expect(e.status).toBe(status);
    expect(e.reason).toBe(`boom ${status}`);
    expect(e.statusText).toBe(phrase);
    expect(e.detail).toBe(`more ${status}`);
    expect(e.requestId).toBe('abcd1234-1563812345');
    expect(e.method).toBe('GET');
    expect(e.url).toBe('https://flywheel.example.org/api/projects');
    expect(e.body).toEqual({
      message: `boom ${status}`,
      detail: `more ${status}`,
      status_code: status,
      request_id: 'abcd1234-1563812345',
    });
    expect(String(e)).toBe(
      `(${status}) Reason: boom ${status}\nDetail: more ${status}\nRequest: GET https://flywheel.example.org/api/projects`,
    );
    expect(e.message).toBe(`(${status}) Reason: boom ${status}\nDetail: more ${status}`);
  });

  it('uses the response reason phrase, X-Request-Id, and text bodies', async () => {
    const rec = scriptedFetch(
      () =>
        new Response('plain failure', {
          status: 404,
          statusText: 'Nope',
          headers: { 'X-Request-Id': 'rid-9' },
        }),
    );
    const { api } = client(rec.fetch);
    const e = (await api.GET('/projects').catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.reason).toBe('Nope');
    expect(e.detail).toBeUndefined();
    expect(e.body).toBe('plain failure');
    expect(e.requestId).toBe('rid-9');
    expect(e.toString()).toMatch(
      /^\(404\) Reason: Nope\nRequest: GET https:\/\/flywheel\.example\.org\/api\//,
    );
  });

  it('never leaks the API key: HTTP errors', async () => {
    const rec = scriptedFetch(() => json(401, { message: 'Invalid API key' }));
    const { api } = client(rec.fetch);
    const e = (await api.GET('/projects').catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(AuthenticationError);
    for (const text of [
      e.message,
      String(e),
      e.stack ?? '',
      JSON.stringify(e),
      JSON.stringify({ ...e }),
    ]) {
      expect(text).not.toContain(KEY);
    }
    expect(
      JSON.stringify(Object.getOwnPropertyNames(e).map((k) => String((e as never)[k]))),
    ).not.toContain(KEY);
  });

  it('never leaks the API key: connection errors whose text carries it', async () => {
    const fetch = async (req: Request): Promise<Response> => {
      const auth = req.headers.get('authorization');
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error(`connect ECONNREFUSED (${auth})`), { code: 'ECONNREFUSED' }),
      });
    };
    const api = createApiClient({ apiKey: API_KEY, fetch });
    const e = (await api.GET('/projects').catch((x: unknown) => x)) as ApiConnectionError;
    expect(e).toBeInstanceOf(ApiConnectionError);
    expect(e.code).toBe('ECONNREFUSED');
    expect(e.message).toContain('ECONNREFUSED');
    expect(e.message).not.toContain(KEY);
    expect(JSON.stringify(e)).not.toContain(KEY);
    expect(Object.keys(e)).not.toContain('cause');
  });

  it('the client object does not expose the key', () => {
    const { api } = client(scriptedFetch(() => json(200, {})).fetch);
    expect(JSON.stringify(api)).not.toContain(KEY);
    expect(Object.values(api).map(String).join(' ')).not.toContain(KEY);
  });
});
