/**
 * `@fw/api/node` transfers over a real HTTP server: downloads into a slow sink keep their
 * read-ahead bounded (in bytes), downloads to a file are atomic, and file sources stream.
 */
import { createServer, type Server } from 'node:http';
import { statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, multipartBody, StreamingMultipartBody } from '../src/index.js';
import {
  downloadToFile,
  downloadToWritable,
  FILE_WRITE_AHEAD,
  fileFromPath,
  fileStream,
  fileStreamFromPath,
  writeFileAtomic,
} from '../src/node.js';

const MiB = 1024 * 1024;
const SIZE = 16 * MiB;
const byteAt = (i: number): number => (i * 31 + 7) % 251;
const pattern = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i++) pattern[i] = byteAt(i);

let server: Server;
let key: string;
let uploaded: Buffer[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/api/projects/p1/files/big.bin')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': SIZE });
      res.end(pattern);
    } else if (req.url?.startsWith('/api/projects/p1/files/broken.bin')) {
      // half the promised body, then the connection drops
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': SIZE });
      res.write(pattern.subarray(0, SIZE / 2), () => res.destroy());
    } else if (req.url === '/api/projects/p1/files' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        uploaded.push(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('[]');
      });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  key = `127.0.0.1:${(server.address() as { port: number }).port}:__force_insecure:LOCALKEY`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const get = (name: string) =>
  createApiClient({ apiKey: key }).GET('/projects/{project_id}/files/{file_name}', {
    params: { path: { project_id: 'p1', file_name: name } },
    parseAs: 'stream',
  });

/** The body, counting the bytes our pipeline has taken from it (no queue of its own). */
function counted(body: ReadableStream<Uint8Array>, seen: { pulled: number }) {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        seen.pulled += value.byteLength;
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

describe('downloads into a slow sink', () => {
  it('take at most the sink buffer plus one chunk ahead of what the sink has written', async () => {
    const seen = { pulled: 0 };
    let written = 0;
    let maxAhead = 0;
    const received: Buffer[] = [];
    // a disk that needs 2 ms per write, with the buffer a file sink has
    const slow = new Writable({
      highWaterMark: FILE_WRITE_AHEAD,
      write(chunk: Buffer, _enc, cb) {
        maxAhead = Math.max(maxAhead, seen.pulled - written);
        setTimeout(() => {
          received.push(chunk);
          written += chunk.length;
          cb();
        }, 2);
      },
    });
    const { data } = await get('big.bin');
    const bytes = await downloadToWritable(counted(data!, seen), slow);
    expect(bytes).toBe(SIZE);
    expect(Buffer.concat(received).equals(pattern)).toBe(true);
    // Writable.toWeb(), used before, queued up to 16,384 chunks: here nearly the whole 16 MiB
    expect(maxAhead).toBeGreaterThan(0);
    expect(maxAhead).toBeLessThanOrEqual(FILE_WRITE_AHEAD + MiB);
  });

  it('a failing sink stops the download with its error and releases the body', async () => {
    const sink = new Writable({
      write(_chunk, _enc, cb) {
        cb(new Error('disk full'));
      },
    });
    const { data } = await get('big.bin');
    await expect(downloadToWritable(data, sink)).rejects.toThrow(/disk full/);
    expect(data!.locked).toBe(false);
  });
});

describe('downloadToFile', () => {
  it('has written every chunk to the file before it takes the next one (no read-ahead)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-api-node-'));
    const tmp = join(dir, 'out.bin.part');
    const onDisk: number[] = [];
    const CHUNK = 64 * 1024;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      // 64 KiB chunks, as a socket delivers them: 32 of them fit in a 1 MiB write buffer
      for (let i = 0; i < 32; i++) {
        // what the temp file holds when the writer asks for chunk i
        if (i > 0) onDisk.push(statSync(tmp).size);
        yield pattern.subarray(i * CHUNK, (i + 1) * CHUNK);
      }
    }
    try {
      const bytes = await writeFileAtomic(join(dir, 'out.bin'), chunks(), { tempPath: tmp });
      expect(bytes).toBe(32 * CHUNK);
      expect(onDisk).toEqual(Array.from({ length: 31 }, (_, i) => (i + 1) * CHUNK));
      expect(await readdir(dir)).toEqual(['out.bin']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes the whole body, and nothing else is left in the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-api-node-'));
    try {
      const progress: number[] = [];
      const bytes = await downloadToFile(await get('big.bin'), join(dir, 'out.bin'), {
        onProgress: (n) => progress.push(n),
      });
      expect(bytes).toBe(SIZE);
      expect((await readFile(join(dir, 'out.bin'))).equals(pattern)).toBe(true);
      expect(progress.at(-1)).toBe(SIZE);
      expect(await readdir(dir)).toEqual(['out.bin']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a body cut short leaves no partial file and an older file untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-api-node-'));
    try {
      await writeFile(join(dir, 'out.bin'), 'older');
      await expect(downloadToFile(await get('broken.bin'), join(dir, 'out.bin'))).rejects.toThrow();
      expect(await readdir(dir)).toEqual(['out.bin']);
      expect(await readFile(join(dir, 'out.bin'), 'utf8')).toBe('older');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an abort mid-body rejects with the reason and leaves no file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-api-node-'));
    try {
      const ctl = new AbortController();
      const reason = new Error('stop');
      const err = await downloadToFile(await get('big.bin'), join(dir, 'out.bin'), {
        signal: ctl.signal,
        onProgress: (n) => n > MiB && ctl.abort(reason),
      }).catch((e: unknown) => e);
      expect(err).toBe(reason);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('file sources', () => {
  it('fileStream reads the file in 1 MiB chunks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-api-node-'));
    try {
      const path = join(dir, 'f.bin');
      await writeFile(path, pattern.subarray(0, 3 * MiB + 5));
      const sizes: number[] = [];
      const parts: Uint8Array[] = [];
      for await (const c of fileStream(path) as unknown as AsyncIterable<Uint8Array>) {
        sizes.push(c.byteLength);
        parts.push(c);
      }
      expect(sizes).toEqual([MiB, MiB, MiB, 5]);
      expect(Buffer.concat(parts).equals(pattern.subarray(0, 3 * MiB + 5))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fileStreamFromPath and a large fileFromPath both upload as a stream, byte for byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-api-node-'));
    try {
      const path = join(dir, 'scan.bin');
      await writeFile(path, pattern.subarray(0, 4 * MiB));
      const api = createApiClient({ apiKey: key });
      const bodies = [
        multipartBody({ ...(await fileStreamFromPath(path)), metadata: { type: 'x' } }),
        multipartBody({ file: await fileFromPath(path) }),
      ];
      uploaded = [];
      for (const body of bodies) {
        // streamed, not a FormData (whose file-backed Blob Node's fetch held in memory)
        expect(body).toBeInstanceOf(StreamingMultipartBody);
        await api.POST('/projects/{project_id}/files', {
          params: { path: { project_id: 'p1' } },
          body: body as never,
        });
      }
      for (const raw of uploaded) {
        const form = await new Response(new Uint8Array(raw), {
          headers: { 'content-type': `multipart/form-data; boundary=${boundaryOf(raw)}` },
        }).formData();
        const file = form.get('file') as File;
        expect(file.name).toBe('scan.bin');
        expect(Buffer.from(await file.arrayBuffer()).equals(pattern.subarray(0, 4 * MiB))).toBe(
          true,
        );
      }
      expect(uploaded).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fileStreamFromPath names a missing file before any request', async () => {
    await expect(fileStreamFromPath('/no/such/file.bin')).rejects.toThrow(/no such file/i);
  });
});

function boundaryOf(raw: Buffer): string {
  return raw.subarray(2, raw.indexOf('\r\n')).toString();
}
