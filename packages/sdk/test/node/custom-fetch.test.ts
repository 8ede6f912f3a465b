/**
 * A caller's own `fetch` on the Node entry keeps trusting FW_SSL_CERT_FILE: the Client calls it
 * as `fetch(request, { dispatcher })`, and a fetch that passes `init` on reaches a server whose
 * certificate only the bundle trusts.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from '../../src/node.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const certPath = join(fixtures, 'test-only-server.crt');
let server: Server;
let baseUrl: string;
const saved = process.env.FW_SSL_CERT_FILE;

beforeAll(async () => {
  server = createServer(
    {
      key: await readFile(join(fixtures, 'test-only-server.key')),
      cert: await readFile(certPath),
    },
    (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"flywheel_release":"21.0.0"}');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  process.env.FW_SSL_CERT_FILE = certPath;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.FW_SSL_CERT_FILE;
  else process.env.FW_SSL_CERT_FILE = saved;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

it('a custom fetch that passes init on trusts FW_SSL_CERT_FILE', async () => {
  const seen: string[] = [];
  const fw = new Client('127.0.0.1:1:secretkey', {
    baseUrl,
    disableAuthCheck: true,
    maxRetries: 0,
    fetch: (req: Request, init?: RequestInit) => {
      seen.push(`${req.method} ${new URL(req.url).pathname}`);
      return fetch(req, init);
    },
  });
  const version = await fw.getVersion();
  expect(version).toMatchObject({ flywheel_release: '21.0.0' });
  expect(seen).toEqual(['GET /api/version']);
});

it('a custom fetch that drops init is refused by the self-signed server', async () => {
  const fw = new Client('127.0.0.1:1:secretkey', {
    baseUrl,
    disableAuthCheck: true,
    maxRetries: 0,
    fetch: (req: Request) => fetch(req),
  });
  await expect(fw.getVersion()).rejects.toThrow();
});
