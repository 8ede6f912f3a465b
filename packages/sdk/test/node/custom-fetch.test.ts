/**
 * A caller's own `fetch` on the Node entry keeps trusting FW_SSL_CERT_FILE: the Client calls it
 * as `fetch(request, { dispatcher })`, and a fetch that passes `init` on reaches a server whose
 * certificate only the bundle trusts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from '../../src/node.js';
import { certPath, startSelfSignedServer, type SelfSignedServer } from '../helpers/https.js';

let server: SelfSignedServer;
let baseUrl: string;
const saved = process.env.FW_SSL_CERT_FILE;

beforeAll(async () => {
  server = await startSelfSignedServer('{"flywheel_release":"21.0.0"}');
  baseUrl = `${server.origin}/api`;
  process.env.FW_SSL_CERT_FILE = certPath;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.FW_SSL_CERT_FILE;
  else process.env.FW_SSL_CERT_FILE = saved;
  await server.close();
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
