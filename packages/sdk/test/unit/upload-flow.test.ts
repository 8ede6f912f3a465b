/**
 * Upload flow transport rules with an injected fetch (no server): which flow runs, what each
 * request carries, and what is sent when the byte upload fails.
 */
import { describe, expect, it } from 'vitest';
import { Client, FileEntry, FileSpec } from '../../src/index.js';
import { metadataFor, partSizes, putToStorage } from '../../src/files/upload-flow.js';

const KEY = 'flywheel.example.org:abcdefghijklmnop0123';
const STORAGE = 'https://storage.example.org/bucket';

interface Sent {
  method: string;
  url: URL;
  auth: string | null;
  headers: Headers;
  body: string;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

const saved = (name: string, size: number, version = 1) => ({
  _id: `id-${name}-${version}`,
  file_id: `fid-${name}`,
  version,
  name,
  size,
  mimetype: 'text/plain',
  parent_ref: { type: 'acquisition', id: 'a1' },
});

/**
 * A fake site: `/config` with `signed`, tickets with `urlCount` URLs per file, a storage that
 * fails with `putStatus` on the PUT number `failPut` (1-based).
 */
function site(options: { signed: boolean; urlCount?: number; failPut?: number }) {
  const sent: Sent[] = [];
  let puts = 0;
  const tickets = new Map<string, { name: string; size?: number }>();
  const fw = new Client(KEY, {
    maxRetries: 0,
    disableAuthCheck: true,
    fetch: async (req) => {
      const url = new URL(req.url);
      const body = req.body ? await req.text() : '';
      // like a real fetch: an aborted request fails (after the body was read here)
      if (req.signal?.aborted) throw req.signal.reason ?? new Error('aborted');
      sent.push({
        method: req.method,
        url,
        auth: req.headers.get('authorization'),
        headers: req.headers,
        body,
      });
      if (url.pathname === '/api/config') {
        return json({ signed_url: options.signed, features: { signed_url: options.signed } });
      }
      if (url.origin + url.pathname.replace(/\/[^/]+$/, '') === STORAGE && req.method === 'PUT') {
        puts += 1;
        if (puts === options.failPut)
          return json({ status_code: 403, message: 'URL expired' }, 403);
        return new Response(null, { status: 200, headers: { etag: `"etag${puts}"` } });
      }
      if (url.pathname === '/api/acquisitions/a1/files' && req.method === 'POST') {
        const ticket = url.searchParams.get('ticket');
        if (ticket === '') {
          const { metadata, filenames } = JSON.parse(body) as {
            metadata: { name: string; size?: number };
            filenames: string[];
          };
          const name = filenames[0]!;
          const t = `T${tickets.size + 1}`;
          tickets.set(t, { name, ...(metadata.size !== undefined ? { size: metadata.size } : {}) });
          const n = options.urlCount ?? 1;
          const urls =
            n === 1
              ? `${STORAGE}/${t}?sig=secret`
              : Array.from(
                  { length: n },
                  (_, i) => `${STORAGE}/${t}-${i}?uploadId=U${t}&part=${i}`,
                );
          return json({ ticket: t, urls: { [name]: urls }, headers: { 'x-storage': 'yes' } });
        }
        if (ticket) {
          const t = tickets.get(ticket);
          tickets.delete(ticket);
          if (!t) return json({ message: 'no such ticket' }, 404);
          if (options.failPut) return json({ message: `${t.name} was not uploaded` }, 400);
          return json([saved(t.name, t.size ?? 0)]);
        }
        return json([saved('multipart.txt', 3)]);
      }
      return json({ message: `unexpected ${req.method} ${url.pathname}` }, 500);
    },
  });
  const acq = () => fw.getAcquisition('a1');
  return { fw, sent, tickets, acq };
}

const lines = (sent: Sent[]) =>
  sent.map((s) =>
    `${s.method} ${s.url.origin === STORAGE.replace(/\/bucket$/, '') ? 'storage' : ''}${s.url.pathname}${s.url.search.replace(
      /sig=secret|uploadId=[^&]+&part=\d/,
      '…',
    )}`.replace(' storage', ' storage:'),
  );

describe('upload flow (injected fetch)', () => {
  it('signed flow: POST …/files?ticket= {metadata, filenames}, PUT to the storage URL without Authorization, close POST …/files?ticket=T', async () => {
    const { fw, sent } = site({ signed: true });
    const files = await fw.uploadFileToAcquisition('a1', new FileSpec('a.txt', 'hello'), {
      metadata: { tags: ['x'] },
    });
    expect(lines(sent)).toEqual([
      'GET /api/config',
      'POST /api/acquisitions/a1/files?ticket=',
      'PUT storage:/bucket/T1?…',
      'POST /api/acquisitions/a1/files?ticket=T1',
    ]);
    expect(JSON.parse(sent[1]!.body)).toEqual({
      metadata: { tags: ['x'], name: 'a.txt', size: 5 },
      filenames: ['a.txt'],
    });
    const put = sent[2]!;
    expect(put.auth).toBeNull();
    expect(put.headers.get('x-storage')).toBe('yes');
    expect(put.headers.get('x-accept-feature')).toBeNull();
    expect(put.body).toBe('hello');
    expect(sent[3]!.body).toBe(''); // single URL: close without a body
    expect(sent[1]!.auth).toMatch(/^scitran-user /);
    expect(files).toHaveLength(1);
    expect(files[0]).toBeInstanceOf(FileEntry);
    expect(files[0]).toMatchObject({ name: 'a.txt', file_id: 'fid-a.txt', version: 1 });
  });

  it('reads /config once per client, not per upload', async () => {
    const { fw, sent } = site({ signed: true });
    await fw.uploadFileToAcquisition('a1', new FileSpec('a.txt', 'a'));
    await fw.uploadFileToAcquisition('a1', new FileSpec('b.txt', 'b'));
    expect(sent.filter((s) => s.url.pathname === '/api/config')).toHaveLength(1);
  });

  it('signed_url off: one multipart POST …/files (no ticket)', async () => {
    const { fw, sent } = site({ signed: false });
    const files = await fw.uploadFileToAcquisition('a1', new FileSpec('m.txt', 'abc'));
    expect(lines(sent)).toEqual(['GET /api/config', 'POST /api/acquisitions/a1/files']);
    expect(sent[1]!.headers.get('content-type')).toMatch(/^multipart\/form-data/);
    expect(files[0]).toBeInstanceOf(FileEntry);
  });

  it('several URLs: even parts, one PUT each, close with {multipart: {e_tags, upload_id}}', async () => {
    const { fw, sent } = site({ signed: true, urlCount: 3 });
    const data = 'abcdefghij'; // 10 bytes → 4 + 4 + 2
    const spec = new FileSpec('big.bin', new Blob([data]));
    await fw.uploadFileToAcquisition('a1', spec);
    const puts = sent.filter((s) => s.method === 'PUT');
    expect(puts.map((p) => p.body)).toEqual(['abcd', 'efgh', 'ij']);
    expect(puts.map((p) => p.headers.get('content-length'))).toEqual(['4', '4', '2']);
    expect(puts.every((p) => p.auth === null)).toBe(true);
    expect(JSON.parse(sent[sent.length - 1]!.body)).toEqual({
      multipart: { e_tags: ['etag1', 'etag2', 'etag3'], upload_id: 'UT1' },
    });
  });

  it('a stream of unknown size goes up in one PUT as it is read', async () => {
    const { fw, sent } = site({ signed: true });
    async function* chunks() {
      yield 'abc';
      yield 'defghij';
    }
    await fw.uploadFileToAcquisition('a1', new FileSpec('s.bin', chunks()));
    const put = sent.find((s) => s.method === 'PUT')!;
    expect(put.body).toBe('abcdefghij');
    expect(JSON.parse(sent[1]!.body).metadata).toEqual({ name: 's.bin' });
  });

  it('part sizes: an even split, the last part smaller', () => {
    expect(partSizes(10, 3)).toEqual([4, 4, 2]);
    expect(partSizes(5, 1)).toEqual([5]);
    expect(partSizes(2500, 3)).toEqual([834, 834, 832]);
  });

  it('a failing storage PUT: the ticket is closed without parts (server saves nothing) and the PUT error is thrown', async () => {
    const { fw, sent, tickets } = site({ signed: true, urlCount: 3, failPut: 2 });
    const err = await fw
      .uploadFileToAcquisition('a1', new FileSpec('fail.bin', 'abcdefghij'))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 403, reason: 'URL expired' });
    expect(String((err as Error).message)).not.toContain('uploadId');
    expect(lines(sent).slice(-3)).toEqual([
      'PUT storage:/bucket/T1-0?…',
      'PUT storage:/bucket/T1-1?…',
      'POST /api/acquisitions/a1/files?ticket=T1',
    ]);
    expect(sent[sent.length - 1]!.body).toBe(''); // no e_tags: nothing can be assembled
    expect(tickets.size).toBe(0); // no ticket left open
  });

  it('metadata per file: a shared object is copied per file (own name and size); the caller’s object is not changed', () => {
    const shared = { tags: ['t'] };
    expect(metadataFor(shared, 0, 2, 'a.txt', 1)).toEqual({ tags: ['t'], name: 'a.txt', size: 1 });
    expect(metadataFor(shared, 1, 2, 'b.txt', 2)).toEqual({ tags: ['t'], name: 'b.txt', size: 2 });
    expect(shared).toEqual({ tags: ['t'] });
    expect(metadataFor([{ type: 'x' }, { type: 'y' }], 1, 2, 'b', undefined)).toEqual({
      type: 'y',
      name: 'b',
    });
    expect(metadataFor('{"info":{"a":1}}', 0, 1, 'a', 3)).toEqual({
      info: { a: 1 },
      name: 'a',
      size: 3,
    });
    expect(() => metadataFor([{}], 0, 2, 'a', 1)).toThrow(/one entry per file/);
  });

  it('two files in one signed upload: one ticket each, each with its own metadata', async () => {
    const { fw, sent } = site({ signed: true });
    const files = await fw.uploadFileToAcquisition(
      'a1',
      [new FileSpec('one.txt', '1'), new FileSpec('two.txt', '22')],
      { metadata: { tags: ['both'] } },
    );
    const creates = sent.filter((s) => s.url.search === '?ticket=');
    expect(creates.map((c) => JSON.parse(c.body))).toEqual([
      { metadata: { tags: ['both'], name: 'one.txt', size: 1 }, filenames: ['one.txt'] },
      { metadata: { tags: ['both'], name: 'two.txt', size: 2 }, filenames: ['two.txt'] },
    ]);
    expect(files.map((f) => f.name)).toEqual(['one.txt', 'two.txt']);
  });

  it('an aborted signed upload still sends the close POST …/files?ticket=T (without the aborted signal)', async () => {
    const { fw, sent, tickets } = site({ signed: true });
    const controller = new AbortController();
    async function* slow() {
      yield 'a';
      controller.abort(new Error('stop'));
      await new Promise((r) => setTimeout(r, 20));
      yield 'b';
    }
    await expect(
      fw.uploadFileToAcquisition('a1', new FileSpec('ab.txt', slow()), {
        signal: controller.signal,
      }),
    ).rejects.toThrow();
    expect(lines(sent).at(-1)).toBe('POST /api/acquisitions/a1/files?ticket=T1');
    expect(tickets.size).toBe(0);
  });

  it('reports progress over the signed PUTs', async () => {
    const { fw } = site({ signed: true, urlCount: 2 });
    const seen: { loaded: number; total?: number }[] = [];
    await fw.uploadFileToAcquisition('a1', new FileSpec('p.bin', '0123456789'), {
      onProgress: (p) => seen.push(p),
    });
    expect(seen[seen.length - 1]).toEqual({ loaded: 10, total: 10 });
  });
});

describe('signed PUT memory (injected fetch)', () => {
  it('the PUT body is pulled from the source as it is sent: never more than a chunk or two ahead', async () => {
    const CHUNK = 64 * 1024;
    const COUNT = 64; // 4 MiB
    let produced = 0;
    let maxAhead = 0;
    async function* source() {
      for (let i = 0; i < COUNT; i++) {
        produced += 1;
        yield new Uint8Array(CHUNK);
      }
    }
    let consumed = 0;
    const fw = new Client(KEY, {
      maxRetries: 0,
      disableAuthCheck: true,
      fetch: async (req) => {
        const url = new URL(req.url);
        if (url.pathname === '/api/config') return json({ signed_url: true });
        if (req.method === 'PUT') {
          const reader = req.body!.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            consumed += value.byteLength;
            maxAhead = Math.max(maxAhead, produced * CHUNK - consumed);
            await new Promise((r) => setTimeout(r, 0));
          }
          return new Response(null, { status: 200 });
        }
        if (url.searchParams.get('ticket') === '')
          return json({ ticket: 'T', urls: { 'big.bin': `${STORAGE}/T` }, headers: {} });
        return json([saved('big.bin', CHUNK * COUNT)]);
      },
    });
    await fw.uploadFileToAcquisition('a1', new FileSpec('big.bin', source()));
    expect(consumed).toBe(CHUNK * COUNT);
    expect(maxAhead).toBeLessThanOrEqual(2 * CHUNK);
  });
});

describe('signed PUTs where request bodies cannot be streamed (stream: false)', () => {
  it('each part goes as a Blob slice, without duplex; progress counts a part once it is answered', async () => {
    const bytes = new Uint8Array(10).map((_, i) => i);
    const events: string[] = [];
    const bodies: Blob[] = [];
    const fetchImpl = async (req: Request) => {
      events.push(`PUT ${new URL(req.url).pathname}`);
      bodies.push(await req.blob());
      return new Response(null, { status: 200, headers: { ETag: `"e${bodies.length}"` } });
    };
    const stream = new Blob([bytes]).stream();
    const result = await putToStorage(
      fetchImpl,
      [`${STORAGE}/p1`, `${STORAGE}/p2`],
      {},
      {
        fileSpec: new FileSpec('x.bin', stream),
        size: 10,
        stream: false,
        onProgress: (n) => events.push(`+${n}`),
      },
    );
    expect(events).toEqual(['+0', 'PUT /bucket/p1', '+5', 'PUT /bucket/p2', '+5']);
    expect(bodies.map((b) => b.size)).toEqual([5, 5]);
    expect([...new Uint8Array(await bodies[1]!.arrayBuffer())]).toEqual([5, 6, 7, 8, 9]);
    expect(result).toEqual({ e_tags: ['e1', 'e2'] });
  });
});
