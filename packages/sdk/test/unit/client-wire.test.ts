/**
 * The client's key check and the finders' page handling with an injected fetch (no server):
 * what is sent, and how each answer shape is read.
 */
import { describe, expect, it } from 'vitest';
import {
  ApiConnectionError,
  AuthenticationError,
  Client,
  PermissionDeniedError,
} from '../../src/index.js';

const SECRET = 'abcdefghijklmnop0123';
const KEY = `flywheel.example.org:${SECRET}`;

type Handler = (req: Request) => Response | Promise<Response>;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** A client over a fake fetch; `sent` lists `METHOD /path?query`. */
function client(handler: Handler, options: { disableAuthCheck?: boolean } = {}) {
  const sent: { line: string; features: string }[] = [];
  const fw = new Client(KEY, {
    ...options,
    maxRetries: 0,
    fetch: async (req) => {
      const url = new URL(req.url);
      sent.push({
        line: `${req.method} ${url.pathname}${url.search}`,
        features: req.headers.get('x-accept-feature') ?? '',
      });
      return handler(req);
    },
  });
  return { fw, sent };
}

const ok: Handler = (req) =>
  new URL(req.url).pathname === '/api/auth/status'
    ? json({ origin: { type: 'user', id: 'me@example.org' }, is_device: false })
    : json([]);

describe('auth check (injected fetch)', () => {
  it('the constructor sends nothing; the first call sends GET /auth/status first', async () => {
    const { fw, sent } = client(ok);
    expect(sent).toEqual([]);
    await fw.getConfig();
    expect(sent.map((s) => s.line)).toEqual(['GET /api/auth/status', 'GET /api/config']);
  });

  it('GET /auth/status answering 403 → AuthenticationError (status 403), key redacted from the echo', async () => {
    const { fw } = client((req) =>
      new URL(req.url).pathname === '/api/auth/status'
        ? json({ message: `key ${SECRET} is disabled` }, 403)
        : json([]),
    );
    const err = await fw.getConfig().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).not.toBeInstanceOf(PermissionDeniedError);
    expect((err as AuthenticationError).status).toBe(403);
    const e = err as AuthenticationError;
    expect(e.message).toContain('rejected by https://flywheel.example.org');
    expect(e.message).toContain('key *** is disabled');
    for (const text of [e.message, String(e), e.stack ?? '', JSON.stringify(e)])
      expect(text).not.toContain(SECRET);
  });

  it('a failed GET /auth/status that is not 401/403 is retried by the next call', async () => {
    let fail = true;
    const { fw, sent } = client((req) => {
      if (new URL(req.url).pathname === '/api/auth/status' && fail) {
        fail = false;
        throw new TypeError('fetch failed');
      }
      return ok(req);
    });
    await expect(fw.getConfig()).rejects.toBeInstanceOf(ApiConnectionError);
    await fw.getConfig();
    expect(sent.map((s) => s.line)).toEqual([
      'GET /api/auth/status',
      'GET /api/auth/status',
      'GET /api/config',
    ]);
  });

  it('disableAuthCheck: true never sends GET /auth/status; checkAuth() still can', async () => {
    const { fw, sent } = client(ok, { disableAuthCheck: true });
    await fw.getConfig();
    expect(sent.map((s) => s.line)).toEqual(['GET /api/config']);
    expect((await fw.checkAuth()).origin?.id).toBe('me@example.org');
  });

  it('getAuthStatus() is the check itself: no second GET /auth/status in front of it', async () => {
    const { fw, sent } = client(ok);
    await fw.getAuthStatus();
    expect(sent.map((s) => s.line)).toEqual(['GET /api/auth/status']);
  });
});

describe('finder answers (injected fetch)', () => {
  /** /api/projects answers a `{results, count, total}` page even when not asked for one. */
  const pages: Handler = (req) => {
    const url = new URL(req.url);
    if (url.pathname === '/api/auth/status') return ok(req);
    const all = Array.from({ length: 7 }, (_, i) => ({
      _id: `00000000000000000000000${i}`,
      label: `p${i}`,
    }));
    const after = url.searchParams.get('after_id');
    const limit = Number(url.searchParams.get('limit'));
    const rows = all.filter((p) => after === null || p._id > after).slice(0, limit);
    return json({ results: rows, count: rows.length, total: all.length });
  };

  it('unwraps results pages and pages on after_id with them', async () => {
    const { fw, sent } = client(pages);
    const found = fw.projects.iterFind({ limit: 3 });
    const labels: string[] = [];
    for await (const p of found) labels.push(p.label!);
    expect(labels).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    expect(sent.slice(1).map((s) => s.line)).toEqual([
      'GET /api/projects?limit=3',
      'GET /api/projects?limit=3&after_id=000000000000000000000002',
      'GET /api/projects?limit=3&after_id=000000000000000000000005',
      'GET /api/projects?limit=3&after_id=000000000000000000000006',
    ]);
    expect(sent.some((s) => /pagination/i.test(s.features))).toBe(false);
  });

  it('page() asks for X-Accept-Feature: pagination and reads total', async () => {
    const { fw, sent } = client(pages);
    const page = await fw.projects.page({ limit: 2, afterId: '000000000000000000000001' });
    expect(page.total).toBe(7);
    expect(page.results.map((p) => p.label)).toEqual(['p2', 'p3']);
    expect(sent[1]!.features).toMatch(/pagination/);
  });

  it('accepts plain arrays', async () => {
    const { fw } = client((req) =>
      new URL(req.url).pathname === '/api/auth/status'
        ? ok(req)
        : new URL(req.url).searchParams.has('after_id')
          ? json([])
          : json([{ _id: 'a'.repeat(24), label: 'only' }]),
    );
    expect((await fw.projects.find()).map((p) => p.label)).toEqual(['only']);
  });
});
