/** Issue 13 §1/§2 transport rules (injected fetch): bodies read inside the attempt, idle timeouts. */
import { describe, expect, it } from 'vitest';
import { ApiConnectionError, ApiTimeoutError } from '../src/index.js';
import { client, json, scriptedFetch } from './helpers.js';

/** A 200 JSON answer whose body sends `first` and then errors (a reset after the headers). */
const brokenBody = (): Response =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"label":'));
        c.error(Object.assign(new TypeError('terminated'), { cause: { code: 'UND_ERR_SOCKET' } }));
      },
    }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  );
/** A 200 answer whose body sends one chunk and then nothing. */
const stalledBody = (): Response =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"label":'));
      },
    }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  );

describe('JSON bodies are read inside the retried attempt', () => {
  it('a reset mid-body of a GET is retried and the call succeeds', async () => {
    const rec = scriptedFetch(brokenBody, () => json(200, { label: 'ok' }));
    const { api } = client(rec.fetch);
    const { data } = await api.GET('/projects/{project_id}', {
      params: { path: { project_id: 'p' } },
    });
    expect(data).toEqual({ label: 'ok' });
    expect(rec.requests).toHaveLength(2);
  });

  it('a reset mid-body of a POST is a typed ApiConnectionError, not retried', async () => {
    const rec = scriptedFetch(brokenBody);
    const { api } = client(rec.fetch);
    const err = await api.POST('/projects', { body: {} as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiConnectionError);
    expect((err as ApiConnectionError).message).toMatch(/POST .* body failed: terminated/);
    expect((err as ApiConnectionError).code).toBe('UND_ERR_SOCKET');
    expect(rec.requests).toHaveLength(1);
  });

  it('a truncated close-delimited JSON body is retried, not returned as a SyntaxError', async () => {
    const cut = () =>
      new Response('{"label": "o', {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    const rec = scriptedFetch(cut, cut, cut);
    const { api } = client(rec.fetch);
    const err = await api.GET('/projects').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiConnectionError);
    expect((err as Error).message).toMatch(/JSON was complete/);
    expect(rec.requests).toHaveLength(3);
  });
});

describe('idle-body timeout', () => {
  it('a stalled JSON body times out per chunk (client option) and is retried within maxRetries', async () => {
    const rec = scriptedFetch(stalledBody);
    const { api } = client(rec.fetch, { idleTimeoutMs: 20 });
    const err = await api.GET('/projects').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiTimeoutError);
    expect((err as ApiTimeoutError).phase).toBe('body');
    expect((err as ApiTimeoutError).timeoutMs).toBe(20);
    expect(rec.requests).toHaveLength(3);
  });

  it('the per-call idleTimeoutMs overrides the client', async () => {
    const rec = scriptedFetch(stalledBody);
    const { api } = client(rec.fetch, { idleTimeoutMs: 60_000 });
    const err = await api
      .GET('/projects', { idleTimeoutMs: 15, maxRetries: 0 })
      .catch((e: unknown) => e);
    expect((err as ApiTimeoutError).timeoutMs).toBe(15);
    expect(rec.requests).toHaveLength(1);
  });

  it('a stalled streamed download errors its reader with ApiTimeoutError', async () => {
    const rec = scriptedFetch(stalledBody);
    const { api } = client(rec.fetch, { idleTimeoutMs: 20 });
    const { data } = await api.GET('/projects', { parseAs: 'stream' });
    const reader = (data as unknown as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).done).toBe(false);
    const err = await reader.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiTimeoutError);
    expect((err as ApiTimeoutError).phase).toBe('body');
  });

  it('a streamed download times only the waits for data, not a slow consumer or a long body', async () => {
    // five chunks 12 ms apart (60 ms in all, over the 25 ms limit), read with 40 ms pauses
    const trickle = (): Response => {
      let sent = 0;
      return new Response(
        new ReadableStream<Uint8Array>(
          {
            async pull(c) {
              await new Promise((r) => setTimeout(r, 12));
              if (sent++ < 5) c.enqueue(new Uint8Array([sent]));
              else c.close();
            },
          },
          { highWaterMark: 0 },
        ),
        { status: 200, headers: { 'content-type': 'application/octet-stream' } },
      );
    };
    const rec = scriptedFetch(trickle);
    const { api } = client(rec.fetch, { idleTimeoutMs: 25 });
    const { data } = await api.GET('/projects', { parseAs: 'stream' });
    const reader = (data as unknown as ReadableStream<Uint8Array>).getReader();
    const got: number[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      got.push(...value);
      await new Promise((r) => setTimeout(r, 40));
    }
    expect(got).toEqual([1, 2, 3, 4, 5]);
  });

  it('is on by default (60 s)', async () => {
    const { DEFAULT_IDLE_TIMEOUT_MS } = await import('../src/index.js');
    expect(DEFAULT_IDLE_TIMEOUT_MS).toBe(60_000);
  });
});
