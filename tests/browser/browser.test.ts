/**
 * @fw/sdk's neutral entry in headless Chromium (Debian's `chromium`, driven by playwright-core),
 * served from one origin (http://localhost:P) and talking to @fw/server on another
 * (http://127.0.0.1:Q), so every call goes through CORS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
const consoleErrors: string[] = [];
const GROUP = 'browser';

beforeAll(async () => {
  fwServer = await startServer();
  const admin = new Client(fwServer.apiKey);
  await admin.addGroup({ _id: GROUP, label: 'Browser' });
  projectId = await admin.addProject({ group: GROUP, label: 'B Project' });
  await admin.addProject({ group: GROUP, label: 'A Project' });

  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.contents;
  const html =
    '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>';
  pageServer = createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
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
});

const check = <T>(name: string, ...args: unknown[]): Promise<T> =>
  page.evaluate(
    ([n, a]) => window.fwChecks[n as string]!(...(a as unknown[])),
    [name, args],
  ) as Promise<T>;

describe('@fw/sdk in Chromium, cross-origin', () => {
  it('runs on another origin than the server', async () => {
    expect(new URL(page.url()).origin).not.toBe(new URL(fwServer.url).origin);
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
    // fetch cannot stream a request body over HTTP/1.1 here: sent whole, progress at start and end
    expect(r.progress).toEqual([
      { loaded: 0, total: size },
      { loaded: size, total: size },
    ]);
    expect(r.same).toBe(true);
    expect(r.text).toBe('hello from the page\n');
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
