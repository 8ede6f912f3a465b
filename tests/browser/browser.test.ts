/**
 * @fw/sdk's neutral entry in headless Chromium (Debian's `chromium`, driven by playwright-core),
 * served from one origin (http://localhost:P) and talking to @fw/server on another
 * (http://127.0.0.1:Q), so every call goes through CORS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@fw/server';
import { Client } from '@fw/sdk/node';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let fwServer: RunningServer;
let pageServer: Server;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
let projectId: string;
/** A second server offering signed-URL uploads, in parts of SIGNED_PART_SIZE bytes. */
let signedServer: RunningServer;
let signedProjectId: string;
const SIGNED_PART_SIZE = 4 * 1024 * 1024;
const consoleErrors: string[] = [];
/** Paths of the scripts the page asked for, in order (the entry, then the chunks it loads). */
const scripts: string[] = [];
/** The bundle's files by URL path: `/page.js`, its shared chunks and the lazy ones. */
let files: Map<string, Uint8Array>;
const GROUP = 'browser';

beforeAll(async () => {
  fwServer = await startServer();
  const admin = new Client(fwServer.apiKey);
  await admin.addGroup({ _id: GROUP, label: 'Browser' });
  projectId = await admin.addProject({ group: GROUP, label: 'B Project' });
  await admin.addProject({ group: GROUP, label: 'A Project' });
  signedServer = await startServer({ signedUrls: true, uploadPartSize: SIGNED_PART_SIZE });
  const signedAdmin = new Client(signedServer.apiKey);
  await signedAdmin.addGroup({ _id: GROUP, label: 'Browser' });
  signedProjectId = await signedAdmin.addProject({ group: GROUP, label: 'Signed' });

  // split as an app's bundler splits it: the SDK's import() chunks are files of their own
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    splitting: true,
    outdir: join(tmpdir(), 'fw-browser-bundle'),
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  files = new Map(bundle.outputFiles.map((f) => [`/${basename(f.path)}`, f.contents]));
  const html =
    '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>';
  pageServer = createServer((req, res) => {
    const js = files.get(req.url ?? '');
    if (js) res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((r) => pageServer.listen(0, '127.0.0.1', r));
  const pagePort = (pageServer.address() as AddressInfo).port;

  userDataDir = mkdtempSync(join(tmpdir(), 'fw-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('.js')) scripts.push(path);
  });
  page.on('console', (m) => process.env.DEBUG_BROWSER && console.log('[page]', m.text()));
  // the page's origin is localhost, the server's 127.0.0.1: cross-origin
  await page.goto(`http://localhost:${pagePort}/`);
  await page.waitForFunction(() => 'fwChecks' in window);
});

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await new Promise((r) => pageServer?.close(r));
  await fwServer?.close();
  await signedServer?.close();
});

/** Uplink (bytes/s) of the progress tests: slow enough for several XHR progress events. */
const UPLINK = 32 * 1024 * 1024;

/** Run `body` with the page's upload bandwidth limited (DevTools network emulation). */
async function throttledUpload<T>(bytesPerSecond: number, body: () => Promise<T>): Promise<T> {
  const cdp = await context.newCDPSession(page);
  const conditions = { offline: false, latency: 0, downloadThroughput: -1 };
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    ...conditions,
    uploadThroughput: bytesPerSecond,
  });
  try {
    return await body();
  } finally {
    await cdp.send('Network.emulateNetworkConditions', { ...conditions, uploadThroughput: -1 });
    await cdp.detach();
  }
}

const check = <T>(name: string, ...args: unknown[]): Promise<T> =>
  page.evaluate(
    ([n, a]) => window.fwChecks[n as string]!(...(a as unknown[])),
    [name, args],
  ) as Promise<T>;

describe('@fw/sdk in Chromium, cross-origin', () => {
  it('runs on another origin than the server', async () => {
    expect(new URL(page.url()).origin).not.toBe(new URL(fwServer.url).origin);
  });

  it('loads the operation table, the upload and the download code on first use, once each', async () => {
    const chunk = (name: string) => (path: string) => path.startsWith(`/${name}-`);
    const lazy = {
      table: chunk('operations'),
      upload: chunk('upload-flow'),
      download: chunk('download-flow'),
      where: chunk('where'),
      // the XMLHttpRequest sender: only an upload with progress loads it (none here)
      xhr: chunk('xhr-upload'),
      // a data view's run (queue, poll, stream): never started here
      viewRun: chunk('run'),
    };
    const loaded = () =>
      Object.entries(lazy)
        .filter(([, is]) => scripts.some(is))
        .map(([name]) => name);
    // the bundle has each as a chunk of its own, and the page did not load them up front
    for (const is of Object.values(lazy)) expect([...files.keys()].filter(is)).toHaveLength(1);
    expect(scripts[0]).toBe('/page.js');
    expect(loaded()).toEqual([]);
    await check('currentUser', fwServer.apiKey);
    expect(loaded()).toEqual(['table']);
    expect(await check('uploadText', fwServer.apiKey, projectId, 'lazy.txt', 'lazy chunk')).toEqual(
      [{ name: 'lazy.txt', size: 10 }],
    );
    expect(loaded()).toEqual(['table', 'upload']);
    expect(await check('readText', fwServer.apiKey, projectId, 'lazy.txt')).toBe('lazy chunk');
    expect(loaded()).toEqual(['table', 'upload', 'download']);
    await check('readText', fwServer.apiKey, projectId, 'lazy.txt');
    for (const is of Object.values(lazy)) expect(scripts.filter(is).length).toBeLessThanOrEqual(1);
    // @fw/api's own lazy parts serve Node-like runtimes only: a browser follows redirects itself
    // and sends uploads as FormData, so it never loads them
    for (const is of [chunk('redirects'), chunk('multipart-encode')]) {
      expect([...files.keys()].filter(is)).toHaveLength(1);
      expect(scripts.filter(is)).toEqual([]);
    }
  });

  it('current user', async () => {
    expect(await check('currentUser', fwServer.apiKey)).toEqual({
      id: 'admin@local.flywheel',
      firstname: expect.any(String),
    });
  });

  it('finders with for await', async () => {
    expect(await check('finders', fwServer.apiKey, GROUP)).toEqual({
      labels: ['A Project', 'B Project'],
      first: 'A Project',
    });
  });

  it('uploads a File with progress and a Blob, and reads them back', async () => {
    const size = 3 * 1024 * 1024 + 17;
    const r = await check<{
      saved: { name: string; size: number }[];
      blobSaved: string[];
      progress: { loaded: number; total?: number }[];
      same: boolean;
      text: string;
    }>('uploadAndRead', fwServer.apiKey, projectId, size);
    expect(r.saved).toEqual([{ name: 'page-upload.bin', size }]);
    expect(r.blobSaved).toEqual(['page-blob.txt']);
    // sent whole through XMLHttpRequest: from 0 to the total (intermediate events: see below)
    expect(r.progress[0]).toEqual({ loaded: 0, total: size });
    expect(r.progress.at(-1)).toEqual({ loaded: size, total: size });
    expect(r.same).toBe(true);
    expect(r.text).toBe('hello from the page\n');
  });

  /** What `uploadWithProgress` answers in the page. */
  interface ProgressUpload {
    saved: { name: string; size: number }[];
    events: number;
    first: { loaded: number; total?: number } | null;
    last: { loaded: number; total?: number } | null;
    between: number;
    monotonic: boolean;
    sameTotal: boolean;
    sentHash: string;
    backHash: string;
    backSize: number;
    fetchCalls: string[];
  }

  it('a big File gets XHR progress events between 0 and the total, and reads back identical', async () => {
    const size = 24 * 1024 * 1024 + 5;
    // Chromium sends upload events about every 50 ms; over an unthrottled loopback a fast machine
    // can send the whole body in fewer, so the uplink is held to 32 MiB/s (a dozen events or so).
    const r = await throttledUpload(UPLINK, () =>
      check<ProgressUpload>(
        'uploadWithProgress',
        fwServer.apiKey,
        projectId,
        size,
        'big-progress.bin',
      ),
    );
    expect(r.saved).toEqual([{ name: 'big-progress.bin', size }]);
    expect(r.first).toEqual({ loaded: 0, total: size });
    expect(r.last).toEqual({ loaded: size, total: size });
    expect(r.between).toBeGreaterThan(0);
    expect(r.monotonic).toBe(true);
    expect(r.sameTotal).toBe(true);
    expect(r.backSize).toBe(size);
    expect(r.backHash).toBe(r.sentHash);
  });

  it('a custom fetch is honoured: the upload goes through it, with progress at start and end', async () => {
    const size = 2 * 1024 * 1024;
    const r = await check<ProgressUpload>(
      'uploadWithProgress',
      fwServer.apiKey,
      projectId,
      size,
      'custom-fetch.bin',
      true,
    );
    expect(r.fetchCalls).toContain('POST');
    expect(r.events).toBe(2);
    expect(r.first).toEqual({ loaded: 0, total: size });
    expect(r.last).toEqual({ loaded: size, total: size });
    expect(r.backHash).toBe(r.sentHash);
  });

  it('a signed-URL upload (three storage parts) gets XHR progress and reads back identical', async () => {
    const size = 2 * SIGNED_PART_SIZE + 12345;
    const r = await throttledUpload(UPLINK, () =>
      check<ProgressUpload>(
        'uploadWithProgress',
        signedServer.apiKey,
        signedProjectId,
        size,
        'signed-progress.bin',
      ),
    );
    expect(r.saved).toEqual([{ name: 'signed-progress.bin', size }]);
    expect(r.first).toEqual({ loaded: 0, total: size });
    expect(r.last).toEqual({ loaded: size, total: size });
    expect(r.between).toBeGreaterThan(0);
    expect(r.monotonic).toBe(true);
    expect(r.backHash).toBe(r.sentHash);
  });

  it('aborting an XHR upload mid-way rejects with ApiAbortError and saves nothing', async () => {
    const size = 24 * 1024 * 1024;
    // Over loopback the whole body can be sent before the first progress event (Chromium sends
    // them every 50 ms); an uplink of 16 MiB/s makes sure the abort lands mid-body.
    const r = await throttledUpload(16 * 1024 * 1024, () =>
      check<{ rejected: boolean; name: string; abortedAfter: number | null; saved: boolean }>(
        'abortMidUpload',
        fwServer.apiKey,
        projectId,
        size,
      ),
    );
    expect(r).toMatchObject({ rejected: true, name: 'ApiAbortError', saved: false });
    expect(r.abortedAfter).toBeGreaterThan(0);
    expect(r.abortedAfter).toBeLessThan(size / 2);
  });

  it('an XHR upload past its timeoutMs rejects with ApiTimeoutError and saves nothing', async () => {
    expect(await check('uploadTimeout', fwServer.apiKey, projectId, 24 * 1024 * 1024)).toEqual({
      rejected: true,
      name: 'ApiTimeoutError',
      saved: false,
    });
  });

  it('an XHR upload to a missing project is a NotFoundError without the key', async () => {
    const r = await check<{
      thrown: boolean;
      isNotFound: boolean;
      status: number;
      message: string;
      text: string;
    }>('uploadNotFound', fwServer.apiKey);
    expect(r).toMatchObject({ thrown: true, isNotFound: true, status: 404 });
    // the same message as the fetch path's, and String(err) names the request
    expect(r.message).toBe('(404) Reason: project 000000000000000000000000 not found');
    expect(r.text).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/api\/projects\/0{24}\/files/);
    const secret = fwServer.apiKey.split(':').at(-1)!;
    expect(r.text).not.toContain(secret);
  });

  it('downloads to a WritableStream', async () => {
    expect(await check('downloadToWritable', fwServer.apiKey, projectId)).toEqual({
      text: 'hello from the page\n',
      lastProgress: 20,
    });
  });

  it('an abort rejects the upload with ApiAbortError and saves nothing', async () => {
    expect(await check('abort', fwServer.apiKey, projectId)).toEqual({
      rejected: true,
      name: 'ApiAbortError',
      saved: false,
    });
  });

  it('a 404 is a NotFoundError with status 404', async () => {
    expect(await check('notFound', fwServer.apiKey)).toEqual({
      thrown: true,
      isNotFound: true,
      status: 404,
    });
    expect(consoleErrors).toEqual([]);
  });
});
