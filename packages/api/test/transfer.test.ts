import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiConnectionError,
  createApiClient,
  downloadToStream,
  multipartBody,
  NotFoundError,
  responseBodyStream,
  StreamingMultipartBody,
} from '../src/index.js';
import { downloadToFile, fileFromPath } from '../src/node.js';

const CHUNK = 64 * 1024;
const CHUNKS = 80; // 5 MiB
const byteAt = (i: number): number => (i * 31 + 7) % 251;

let server: Server;
let base: string;
let maxChunkInFlight = 0;
const uploads: { headers: IncomingMessage['headers']; form: FormData }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/api/projects/p1/files/big.bin')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let i = 0;
      const write = (): void => {
        while (i < CHUNKS) {
          const buf = Buffer.alloc(CHUNK);
          for (let j = 0; j < CHUNK; j++) buf[j] = byteAt(i * CHUNK + j);
          i++;
          if (!res.write(buf)) return void res.once('drain', write);
        }
        res.end();
      };
      write();
    } else if (req.url === '/api/projects/moved/files' && req.method === 'POST') {
      req.resume();
      req.on('end', () => {
        res.writeHead(307, { location: '/api/projects/p1/files' });
        res.end();
      });
    } else if (req.url === '/api/projects/p1/files' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        // Parse the multipart body back with undici's real multipart parser.
        const form = await new Response(Buffer.concat(chunks), {
          headers: { 'content-type': req.headers['content-type']! },
        }).formData();
        uploads.push({ headers: req.headers, form });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify([{ name: 'x' }]));
      });
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'no such file', status_code: 404, request_id: 'r-1' }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  base = `127.0.0.1:${port}:__force_insecure:LOCALKEY`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('streaming downloads (real HTTP server)', () => {
  it('streams a large body chunk by chunk with parseAs: "stream"', async () => {
    const api = createApiClient({ apiKey: base });
    const { data } = await api.GET('/projects/{project_id}/files/{file_name}', {
      params: { path: { project_id: 'p1', file_name: 'big.bin' } },
      parseAs: 'stream',
    });
    let total = 0;
    let mismatches = 0;
    const sink = new WritableStream<Uint8Array>({
      write(chunk) {
        maxChunkInFlight = Math.max(maxChunkInFlight, chunk.byteLength);
        for (let j = 0; j < chunk.byteLength; j++) if (chunk[j] !== byteAt(total + j)) mismatches++;
        total += chunk.byteLength;
      },
    });
    const progress: number[] = [];
    const written = await downloadToStream(data, sink, { onProgress: (n) => progress.push(n) });
    expect(written).toBe(CHUNK * CHUNKS);
    expect(total).toBe(CHUNK * CHUNKS);
    expect(mismatches).toBe(0);
    expect(progress.length).toBeGreaterThan(1); // delivered incrementally, not as one buffer
    expect(maxChunkInFlight).toBeLessThan(CHUNK * CHUNKS);
  });

  it('downloads to a file (Node helper) and accepts the whole openapi-fetch result', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-api-'));
    try {
      const api = createApiClient({ apiKey: base });
      const result = await api.GET('/projects/{project_id}/files/{file_name}', {
        params: { path: { project_id: 'p1', file_name: 'big.bin' } },
        parseAs: 'stream',
      });
      const bytes = await downloadToFile(result, join(dir, 'out.bin'));
      const file = await readFile(join(dir, 'out.bin'));
      expect(bytes).toBe(CHUNK * CHUNKS);
      expect(file.length).toBe(CHUNK * CHUNKS);
      expect(file[CHUNK * 3 + 5]).toBe(byteAt(CHUNK * 3 + 5));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an error status throws before any data is streamed', async () => {
    const api = createApiClient({ apiKey: base });
    const err = await api
      .GET('/projects/{project_id}/files/{file_name}', {
        params: { path: { project_id: 'p1', file_name: 'nope' } },
        parseAs: 'stream',
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).requestId).toBe('r-1');
  });

  it('responseBodyStream refuses an already-parsed result', () => {
    expect(() => responseBodyStream({ data: { a: 1 }, response: new Response('x') })).toThrow(
      /parseAs/,
    );
  });
});

describe('multipart uploads (real HTTP server, parsed back)', () => {
  const upload = async (body: unknown) => {
    const api = createApiClient({ apiKey: base });
    return api.POST('/projects/{project_id}/files', {
      params: { path: { project_id: 'p1' } },
      body: body as never,
    });
  };

  it('from a Uint8Array with metadata', async () => {
    uploads.length = 0;
    const { data } = await upload(
      multipartBody({
        file: new TextEncoder().encode('hello'),
        filename: 'a.txt',
        contentType: 'text/plain',
        metadata: { type: 'text', tags: ['t'] },
      }),
    );
    expect(data).toEqual([{ name: 'x' }]);
    const { form, headers } = uploads[0]!;
    expect(headers['authorization']).toBe('scitran-user LOCALKEY');
    const file = form.get('file') as File;
    expect(file.name).toBe('a.txt');
    expect(file.type).toBe('text/plain');
    expect(await file.text()).toBe('hello');
    expect(JSON.parse(form.get('metadata') as string)).toEqual({ type: 'text', tags: ['t'] });
    expect([...form.keys()]).toEqual(['metadata', 'file']);
  });

  it('from the typed object shape { file: File, metadata: string }', async () => {
    uploads.length = 0;
    await upload({
      file: new File(['abc'], 'b.csv', { type: 'text/csv' }),
      metadata: '{"type":"tabular data"}',
    });
    const form = uploads[0]!.form;
    expect((form.get('file') as File).name).toBe('b.csv');
    expect(await (form.get('file') as File).text()).toBe('abc');
    expect(form.get('metadata')).toBe('{"type":"tabular data"}');
  });

  it('from a Node Readable and a web ReadableStream, streamed (chunked) and never buffered first', async () => {
    uploads.length = 0;
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const body = multipartBody({
      files: [
        {
          file: Readable.from([big.subarray(0, 1024 * 1024), big.subarray(1024 * 1024)]),
          filename: 'node.bin',
        },
        { file: new Blob(['web']).stream(), filename: 'dir/we"b.txt', contentType: 'text/plain' },
      ],
      metadata: { name: 'x' },
    });
    expect(body).toBeInstanceOf(StreamingMultipartBody);
    await upload(body);
    const { form, headers } = uploads[0]!;
    expect(headers['transfer-encoding']).toBe('chunked');
    const files = form.getAll('file') as File[];
    expect(files.map((f) => f.name)).toEqual(['node.bin', 'dir/we"b.txt']);
    expect(files[0]!.size).toBe(big.length);
    expect(Buffer.from(await files[0]!.arrayBuffer()).equals(big)).toBe(true);
    expect(await files[1]!.text()).toBe('web');
    expect(form.get('metadata')).toBe('{"name":"x"}');
  });

  it('a streamed upload answered by a redirect fails clearly instead of being re-sent', async () => {
    // fetch cannot replay a stream to the new location; streamed bodies are sent with
    // redirect: 'error' (which also stops undici keeping every sent chunk in memory)
    const api = createApiClient({ apiKey: base, maxRetries: 0 });
    const body = multipartBody({
      files: [{ file: Readable.from([Buffer.from('payload')]), filename: 'moved.bin' }],
    });
    uploads.length = 0;
    await expect(
      api.POST('/projects/{project_id}/files', {
        params: { path: { project_id: 'moved' } },
        body: body as never,
      }),
    ).rejects.toBeInstanceOf(ApiConnectionError);
    expect(uploads).toHaveLength(0);
  });

  it('streamed bodies are sent with redirect: "error"; replayable ones are sent with "manual" and followed by the transport', async () => {
    const seen: RequestRedirect[] = [];
    const api = createApiClient({
      apiKey: 'h:K',
      fetch: async (req) => {
        seen.push(req.redirect);
        await req.arrayBuffer();
        return new Response('[]', { headers: { 'content-type': 'application/json' } });
      },
    });
    const post = (body: unknown) =>
      api.POST('/projects/{project_id}/files', {
        params: { path: { project_id: 'p1' } },
        body: body as never,
      });
    await post(
      multipartBody({ files: [{ file: Readable.from([Buffer.from('x')]), filename: 'a' }] }),
    );
    await post(multipartBody({ file: new Uint8Array([1]), filename: 'b' }));
    expect(seen).toEqual(['error', 'manual']);
  });

  it('a stream that yields empty chunks still completes', async () => {
    uploads.length = 0;
    const body = multipartBody({
      files: [
        {
          file: Readable.from([Buffer.alloc(0), Buffer.from('abc'), Buffer.alloc(0)]),
          filename: 'gaps.bin',
        },
        { file: new Blob([new Uint8Array(0)]).stream(), filename: 'empty.bin' },
        {
          file: new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new Uint8Array(0));
              controller.enqueue(new TextEncoder().encode('xyz'));
              controller.enqueue(new Uint8Array(0));
              controller.close();
            },
          }),
          filename: 'web-gaps.bin',
        },
      ],
    });
    await upload(body);
    const files = uploads[0]!.form.getAll('file') as File[];
    expect(await Promise.all(files.map((f) => f.text()))).toEqual(['abc', '', 'xyz']);
  });

  it('from a file on disk (lazy, re-readable File)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-api-'));
    try {
      const path = join(dir, 'disk.txt');
      await import('node:fs/promises').then((fs) => fs.writeFile(path, 'on disk'));
      uploads.length = 0;
      const file = await fileFromPath(path, { type: 'text/plain' });
      const body = multipartBody({ file });
      expect(body).toBeInstanceOf(FormData);
      await upload(body);
      const got = uploads[0]!.form.get('file') as File;
      expect(got.name).toBe('disk.txt');
      expect(await got.text()).toBe('on disk');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('requires a filename for nameless sources', () => {
    expect(() => multipartBody({ file: new Uint8Array([1]) })).toThrow(/filename/);
  });
});
