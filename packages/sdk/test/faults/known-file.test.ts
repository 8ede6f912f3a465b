/**
 * Issue 13, defect 5 for known files: a proxy process on 127.0.0.1 (`fault-proxy.mjs` in
 * `truncate` / `alter` mode) serves every file download one byte short or with one byte changed,
 * under a Content-Length that matches what it sends, so only the file entry's `size` / `hash`
 * can tell. FileEntry.download/read and downloadFile/readFile with a pinned version must raise
 * DownloadError, leave no file at a path (and a file already there untouched), and abort a
 * WritableStream.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, DownloadError, FileSpec, type FileEntry, type Project } from '../../src/node.js';
import { groupId, useServer } from '../helpers/server.js';

const ctx = useServer();
const proxies: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'fw-known-file-'));
const bytes = new Uint8Array(100_000).map((_, i) => (i * 7 + 3) & 0xff);
let project: Project;

/** A client whose requests pass a proxy process in `mode`. */
async function clientThrough(mode: 'truncate' | 'alter'): Promise<Client> {
  const proxy = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('./fault-proxy.mjs', import.meta.url)),
      new URL(ctx.server.url).port,
      '1',
      mode,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  proxies.push(proxy);
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fault proxy did not start')), 20_000);
    proxy.stdout!.once('data', (d: Buffer) => {
      clearTimeout(timer);
      resolve(d.toString().trim());
    });
    proxy.once('exit', () => reject(new Error('fault proxy exited before listening')));
  });
  return new Client(ctx.server.apiKey, {
    baseUrl: `http://127.0.0.1:${port}/api`,
    disableAuthCheck: true,
    maxRetries: 1,
  });
}

beforeAll(async () => {
  const gid = await ctx.fw.addGroup({ _id: groupId('known'), label: 'Known files' });
  project = await (await ctx.fw.getGroup(gid)).addProject({ label: 'Known file project' });
  await project.uploadFile(new FileSpec('scan.bin', bytes, 'application/octet-stream'));
}, 60_000);

afterAll(() => {
  for (const p of proxies) p.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/** A WritableStream that records what it got and whether it was aborted or closed. */
function sink() {
  const state = { bytes: 0, aborted: false, closed: false };
  const stream = new WritableStream<Uint8Array>({
    write: (c) => void (state.bytes += c.byteLength),
    abort: () => void (state.aborted = true),
    close: () => void (state.closed = true),
  });
  return { state, stream };
}

describe.each([
  ['truncate', /Download incomplete: the file is 100000 bytes, the body had 99999/],
  ['alter', /Download corrupt: the body's sha384 differs from the file's hash v0-sha384-/],
] as const)('through a proxy that serves file bodies %s-d', (mode, message) => {
  let remote: Project;
  let entry: FileEntry;
  beforeAll(async () => {
    remote = await (await clientThrough(mode)).getProject(project.id);
    entry = remote.files!.find((f) => f.name === 'scan.bin')!;
    expect(entry.size).toBe(bytes.length);
    expect(entry.hash).toMatch(/^v0-sha384-[0-9a-f]{96}$/);
  }, 60_000);

  it('FileEntry.download to a path: DownloadError, no file, an existing file untouched', async () => {
    const fresh = join(dir, `${mode}-fresh.bin`);
    await expect(entry.download(fresh)).rejects.toThrow(message);
    expect(existsSync(fresh)).toBe(false);
    const kept = join(dir, `${mode}-kept.bin`);
    writeFileSync(kept, 'old contents');
    const err = await entry.download(kept).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).path).toBe(kept);
    expect(readFileSync(kept, 'utf8')).toBe('old contents');
    expect(readdirSync(dir).filter((n) => n.endsWith('.fwdownload'))).toEqual([]);
  }, 60_000);

  it('FileEntry.download to a WritableStream: DownloadError, the stream aborted', async () => {
    const { state, stream } = sink();
    await expect(entry.download(stream)).rejects.toThrow(message);
    expect(state.aborted).toBe(true);
    expect(state.closed).toBe(false);
  }, 60_000);

  it('FileEntry.read: DownloadError', async () => {
    await expect(entry.read()).rejects.toBeInstanceOf(DownloadError);
    await expect(entry.read()).rejects.toThrow(message);
  }, 60_000);

  it('downloadFile / readFile with the loaded version: DownloadError', async () => {
    const dest = join(dir, `${mode}-by-name.bin`);
    await expect(remote.downloadFile('scan.bin', dest, { version: entry.version })).rejects.toThrow(
      message,
    );
    expect(existsSync(dest)).toBe(false);
    await expect(remote.readFile('scan.bin', { version: entry.version })).rejects.toThrow(message);
  }, 60_000);

  it('without the entry nothing can tell: the altered body arrives (what the checks catch)', async () => {
    // the proxy's Content-Length matches its body, so an unpinned download by name passes
    const got = await remote.readFile('scan.bin');
    expect(got.byteLength).toBe(mode === 'truncate' ? bytes.length - 1 : bytes.length);
    expect(Buffer.from(got).equals(Buffer.from(bytes))).toBe(false);
  }, 60_000);
});

describe('straight to the server', () => {
  it('the same entry downloads and reads intact (the checks pass on a good body)', async () => {
    const entry = (await ctx.fw.getProject(project.id)).files!.find((f) => f.name === 'scan.bin')!;
    const dest = join(dir, 'good.bin');
    await entry.download(dest);
    expect(Buffer.from(readFileSync(dest)).equals(Buffer.from(bytes))).toBe(true);
    expect(Buffer.from(await entry.read()).equals(Buffer.from(bytes))).toBe(true);
    const { state, stream } = sink();
    await entry.download(stream);
    expect(state).toEqual({ bytes: bytes.length, aborted: false, closed: true });
  }, 60_000);
});
