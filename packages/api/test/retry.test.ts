import { describe, expect, it } from 'vitest';
import {
  ApiAbortError,
  ApiConnectionError,
  ApiTimeoutError,
  InternalServerError,
  multipartBody,
  parseRetryAfter,
  RateLimitError,
} from '../src/index.js';
import { client, json, scriptedFetch } from './helpers.js';

const reset = (): never => {
  throw new TypeError('fetch failed', {
    cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
  });
};

describe('retries', () => {
  it('retries GET on 503 with full-jitter exponential backoff, then succeeds', async () => {
    const rec = scriptedFetch(
      () => json(503, { message: 'down' }),
      () => json(502, {}),
      () => json(200, [{ _id: 'a' }]),
    );
    const { api, clock } = client(rec.fetch);
    const { data } = await api.GET('/projects');
    expect(data).toEqual([{ _id: 'a' }]);
    expect(rec.requests).toHaveLength(3);
    // random() = 0.5: 0.5 * 500 * 2^0, 0.5 * 500 * 2^1
    expect(clock.sleeps).toEqual([250, 500]);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const rec = scriptedFetch(() => json(429, { message: 'slow down' }));
    const { api, clock } = client(rec.fetch, {
      maxRetries: 3,
      retry: { baseDelayMs: 100, maxDelayMs: 300 },
    });
    const err = await api.GET('/projects').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(rec.requests).toHaveLength(4);
    expect(clock.sleeps).toEqual([50, 100, 150]); // capped at maxDelayMs before jitter
  });

  it('honours Retry-After in seconds and as an HTTP date, capped', async () => {
    const now = Date.UTC(2024, 0, 1);
    const rec = scriptedFetch(
      () => json(429, {}, { 'Retry-After': '3' }),
      () => json(503, {}, { 'Retry-After': new Date(now + 7000).toUTCString() }),
      () => json(503, {}, { 'Retry-After': '3600' }),
      () => json(200, []),
    );
    const { api, clock } = client(rec.fetch, { maxRetries: 5 });
    await api.GET('/projects');
    expect(clock.sleeps).toEqual([3000, 7000, 60000]);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(new Date(now - 5000).toUTCString(), now)).toBe(0);
  });

  it('retries connection resets for idempotent methods (PUT, DELETE)', async () => {
    const rec = scriptedFetch(
      reset,
      () => json(200, {}),
      reset,
      () => new Response(null, { status: 200 }),
    );
    const { api, clock } = client(rec.fetch);
    await api.PUT('/projects/{project_id}', {
      params: { path: { project_id: 'p' } },
      body: { label: 'x' },
    });
    expect(rec.requests.map((r) => r.body)).toEqual(['{"label":"x"}', '{"label":"x"}']);
    await api.DELETE('/projects/{project_id}', { params: { path: { project_id: 'p' } } });
    expect(rec.requests).toHaveLength(4);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('does not retry other connection errors', async () => {
    const rec = scriptedFetch(() => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }),
      });
    });
    const { api } = client(rec.fetch);
    const err = await api.GET('/projects').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiConnectionError);
    expect(rec.requests).toHaveLength(1);
  });

  it('never retries POST', async () => {
    const rec = scriptedFetch(
      () => json(503, {}),
      () => json(200, { _id: 'x' }),
    );
    const { api } = client(rec.fetch);
    const err = await api
      .POST('/projects', { body: { label: 'L', group: 'g' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(rec.requests).toHaveLength(1);
    const rec2 = scriptedFetch(reset, () => json(200, { _id: 'x' }));
    const err2 = await client(rec2.fetch)
      .api.POST('/projects', { body: { label: 'L', group: 'g' } })
      .catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(ApiConnectionError);
    expect(rec2.requests).toHaveLength(1);
  });

  it('never retries a non-replayable (stream) body, even for PUT', async () => {
    const rec = scriptedFetch(
      () => json(503, {}),
      () => json(200, {}),
    );
    const { api } = client(rec.fetch);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('streamed'));
        c.close();
      },
    });
    const body = multipartBody({ file: stream, filename: 's.bin' });
    const err = await api
      .PUT('/projects/{project_id}', { params: { path: { project_id: 'p' } }, body: body as never })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(rec.requests).toHaveLength(1);
    expect(rec.requests[0]!.body).toContain('streamed');
    expect(rec.requests[0]!.headers.get('content-type')).toMatch(
      /^multipart\/form-data; boundary=/,
    );
  });

  it('replays a FormData body with a matching boundary on each attempt', async () => {
    const rec = scriptedFetch(
      () => json(503, {}),
      () => json(200, {}),
    );
    const { api } = client(rec.fetch);
    const body = multipartBody({ file: new Uint8Array([104, 105]), filename: 'hi.txt' });
    await api.PUT('/projects/{project_id}', {
      params: { path: { project_id: 'p' } },
      body: body as never,
    });
    expect(rec.requests).toHaveLength(2);
    for (const r of rec.requests) {
      const boundary = /boundary=(.+)$/.exec(r.headers.get('content-type')!)![1]!;
      expect(r.body).toContain(`--${boundary}--`);
    }
  });

  it('per-call maxRetries overrides the client', async () => {
    const rec = scriptedFetch(() => json(503, {}));
    const { api } = client(rec.fetch);
    await api.GET('/projects', { maxRetries: 0 }).catch(() => undefined);
    expect(rec.requests).toHaveLength(1);
  });
});

describe('timeouts and aborts', () => {
  const hang = (req: Request): Promise<Response> =>
    new Promise((_, reject) =>
      req.signal.addEventListener('abort', () => reject(req.signal.reason)),
    );

  it('a per-call timeout of a GET is retried within maxRetries, then throws ApiTimeoutError', async () => {
    const rec = scriptedFetch(hang);
    const { api } = client(rec.fetch);
    const err = await api.GET('/projects', { timeoutMs: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiTimeoutError);
    expect(err).toBeInstanceOf(ApiConnectionError);
    expect((err as ApiTimeoutError).timeoutMs).toBe(5);
    expect((err as ApiTimeoutError).phase).toBe('headers');
    expect(rec.requests).toHaveLength(3);
  });

  it('a timeout of a POST is not retried', async () => {
    const rec = scriptedFetch(hang);
    const { api } = client(rec.fetch);
    const err = await api
      .POST('/projects', { body: {} as never, timeoutMs: 5 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiTimeoutError);
    expect(rec.requests).toHaveLength(1);
  });

  it('the client-level timeout applies too', async () => {
    const { api } = client(scriptedFetch(hang).fetch, { timeoutMs: 5 });
    expect(await api.GET('/projects').catch((e: unknown) => e)).toBeInstanceOf(ApiTimeoutError);
  });

  it('a user abort throws ApiAbortError, distinct from a timeout', async () => {
    const rec = scriptedFetch(hang);
    const { api } = client(rec.fetch);
    const controller = new AbortController();
    const pending = api
      .GET('/projects', { signal: controller.signal, timeoutMs: 60_000 })
      .catch((e: unknown) => e);
    await new Promise((r) => setImmediate(r));
    controller.abort(new Error('user cancelled'));
    const err = await pending;
    expect(err).toBeInstanceOf(ApiAbortError);
    expect(err).not.toBeInstanceOf(ApiTimeoutError);
    expect((err as ApiAbortError).cause).toEqual(new Error('user cancelled'));
  });

  it('an already-aborted signal fails before any request', async () => {
    const rec = scriptedFetch(() => json(200, []));
    const { api } = client(rec.fetch);
    const err = await api
      .GET('/projects', { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiAbortError);
    expect(rec.requests).toHaveLength(0);
  });
});
