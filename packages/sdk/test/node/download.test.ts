import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readResponseBytes } from '../../src/files/download.js';
import { DownloadError } from '../../src/files/download-error.js';
import type { TransferProgress } from '../../src/files/upload.js';
import { downloadToFile, prepareDestination } from '../../src/node/download.js';
import { patternBytes, sameBytes, startServer, type TestServer } from '../files/helpers.js';

const BIG = patternBytes(4 * 1024 * 1024 + 123, 42);
const CHUNK = 64 * 1024;

let server: TestServer;
let requests = 0;
let dir: string;
/** Resolved by the /hang route once it has sent its first bytes; released by the test. */
let release: (() => void) | undefined;

beforeAll(async () => {
  server = await startServer(async (req, res) => {
    requests++;
    const url = req.url ?? '/';
    if (url === '/big' || url === '/big-chunked') {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        ...(url === '/big' ? { 'content-length': String(BIG.length) } : {}),
      });
      for (let i = 0; i < BIG.length; i += CHUNK) {
        if (!res.write(BIG.subarray(i, i + CHUNK))) await new Promise((r) => res.once('drain', r));
      }
      res.end();
    } else if (url === '/short') {
      res.writeHead(200, { 'content-length': String(BIG.length) });
      res.write(BIG.subarray(0, 1024 * 1024));
      // Close the connection cleanly without sending the rest.
      await new Promise((r) => setImmediate(r));
      res.socket?.end();
    } else if (url === '/error-midstream') {
      res.writeHead(200, { 'content-length': String(BIG.length) });
      res.write(BIG.subarray(0, 512 * 1024));
      await new Promise((r) => setImmediate(r));
      res.socket?.destroy();
    } else if (url === '/error-midstream-chunked') {
      res.writeHead(200, {});
      res.write(BIG.subarray(0, 512 * 1024));
      await new Promise((r) => setImmediate(r));
      res.socket?.destroy();
    } else if (url === '/hang') {
      res.writeHead(200, { 'content-length': String(BIG.length) });
      res.write(BIG.subarray(0, CHUNK));
      await new Promise<void>((r) => (release = r));
      res.end();
    } else if (url === '/empty') {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'not found' }));
    }
  });
  dir = await mkdtemp(join(tmpdir(), 'fw-download-'));
});

afterAll(async () => {
  release?.();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

let workDir: string;
beforeEach(async () => {
  workDir = await mkdtemp(join(dir, 'case-'));
});

const get = (path: string, init?: RequestInit) => fetch(server.url + path, init);

async function expectOnly(names: string[]) {
  expect((await readdir(workDir)).sort()).toEqual([...names].sort());
}

describe('downloadToFile', () => {
  it('streams a few MB to the destination with progress', async () => {
    const dest = join(workDir, 'out.bin');
    const progress: TransferProgress[] = [];
    const result = await downloadToFile(await get('/big'), dest, {
      onProgress: (p) => progress.push(p),
    });
    expect(result).toEqual({ path: dest, bytes: BIG.length });
    expect(sameBytes(await readFile(dest), BIG)).toBe(true);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({ loaded: BIG.length, total: BIG.length });
    expect(progress.every((p) => p.total === BIG.length)).toBe(true);
    await expectOnly(['out.bin']);
  });

  it('works without Content-Length (chunked) and replaces an existing file on success', async () => {
    const dest = join(workDir, 'out.bin');
    await writeFile(dest, 'OLD');
    const progress: TransferProgress[] = [];
    await downloadToFile(() => get('/big-chunked'), dest, { onProgress: (p) => progress.push(p) });
    expect(sameBytes(await readFile(dest), BIG)).toBe(true);
    expect(progress.at(-1)).toEqual({ loaded: BIG.length, total: undefined });
    await expectOnly(['out.bin']);
  });

  it('writes an empty file for an empty body', async () => {
    const dest = join(workDir, 'empty.txt');
    await downloadToFile(await get('/empty'), dest);
    expect((await readFile(dest)).length).toBe(0);
  });

  for (const route of ['/short', '/error-midstream', '/error-midstream-chunked']) {
    it(`${route}: fails, leaves no file and no temp file`, async () => {
      const dest = join(workDir, 'out.bin');
      const err = await downloadToFile(await get(route), dest).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DownloadError);
      expect((err as DownloadError).path).toBe(dest);
      await expectOnly([]);
    });

    it(`${route}: a pre-existing destination is left untouched`, async () => {
      const dest = join(workDir, 'keep.bin');
      await writeFile(dest, 'ORIGINAL CONTENT');
      await expect(downloadToFile(await get(route), dest)).rejects.toThrow(DownloadError);
      expect(await readFile(dest, 'utf8')).toBe('ORIGINAL CONTENT');
      await expectOnly(['keep.bin']);
    });
  }

  it('short body error mentions the byte counts', async () => {
    const dest = join(workDir, 'x');
    await expect(downloadToFile(await get('/short'), dest)).rejects.toThrow(
      new RegExp(String(BIG.length)),
    );
  });

  it('HTTP 404: DownloadError with status, nothing written, existing file untouched', async () => {
    const dest = join(workDir, 'keep.bin');
    await writeFile(dest, 'ORIGINAL');
    const err = await downloadToFile(await get('/missing'), dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).status).toBe(404);
    expect((err as Error).message).toMatch(/404/);
    expect(await readFile(dest, 'utf8')).toBe('ORIGINAL');
    await expectOnly(['keep.bin']);
  });

  it('abort mid-download: rejects with the abort reason, no partial file', async () => {
    const dest = join(workDir, 'keep.bin');
    await writeFile(dest, 'ORIGINAL');
    const controller = new AbortController();
    const reason = new Error('stop it');
    const promise = downloadToFile(() => get('/hang', { signal: controller.signal }), dest, {
      signal: controller.signal,
      onProgress: () => controller.abort(reason),
    });
    await expect(promise).rejects.toBe(reason);
    release?.();
    expect(await readFile(dest, 'utf8')).toBe('ORIGINAL');
    await expectOnly(['keep.bin']);
  });

  it('missing destination directory fails before the request is sent', async () => {
    const dest = join(workDir, 'no', 'such', 'dir', 'out.bin');
    const before = requests;
    let called = false;
    await expect(
      downloadToFile(() => {
        called = true;
        return get('/big');
      }, dest),
    ).rejects.toThrow(join(workDir, 'no', 'such', 'dir'));
    expect(called).toBe(false);
    expect(requests).toBe(before);
  });
});

describe('prepareDestination', () => {
  it('returns the absolute path for a writable location', async () => {
    const dest = join(workDir, 'a.txt');
    expect(await prepareDestination(dest)).toBe(dest);
  });
  it('rejects a missing directory, naming it', async () => {
    const missing = join(workDir, 'missing');
    await expect(prepareDestination(join(missing, 'a.txt'))).rejects.toThrow(
      `Destination directory does not exist: ${missing}`,
    );
  });
  it('rejects a destination that is a directory, or whose parent is a file', async () => {
    await mkdir(join(workDir, 'sub'));
    await expect(prepareDestination(join(workDir, 'sub'))).rejects.toThrow(/is a directory/);
    await writeFile(join(workDir, 'file'), 'x');
    await expect(prepareDestination(join(workDir, 'file', 'a.txt'))).rejects.toThrow(
      /not a directory/,
    );
    await expect(prepareDestination('')).rejects.toThrow(/required/);
  });
});

describe('readResponseBytes', () => {
  it('reads the whole body with progress', async () => {
    const progress: TransferProgress[] = [];
    const bytes = await readResponseBytes(await get('/big'), {
      onProgress: (p) => progress.push(p),
    });
    expect(sameBytes(bytes, BIG)).toBe(true);
    expect(progress.at(-1)).toEqual({ loaded: BIG.length, total: BIG.length });
  });
  it('fails on a short body, a broken stream and an HTTP error', async () => {
    await expect(readResponseBytes(await get('/short'))).rejects.toThrow(DownloadError);
    await expect(readResponseBytes(await get('/error-midstream-chunked'))).rejects.toThrow(
      /interrupted/,
    );
    await expect(readResponseBytes(await get('/nope'))).rejects.toMatchObject({ status: 404 });
  });
  it('detects a short body even when the transport does not (synthetic Response)', async () => {
    const res = new Response('only ten b', { headers: { 'content-length': '20' } });
    await expect(readResponseBytes(res)).rejects.toThrow(/expected 20 bytes, got 10/);
    const long = new Response('0123456789', { headers: { 'content-length': '5' } });
    await expect(readResponseBytes(long)).rejects.toThrow(/too long/);
  });
});
