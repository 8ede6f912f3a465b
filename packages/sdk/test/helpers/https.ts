/**
 * A local HTTPS server with the test-only self-signed certificate (`test/node/fixtures`), for
 * the CA-bundle tests: only a fetch that trusts `certPath` reaches it.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = fileURLToPath(new URL('../node/fixtures/', import.meta.url));
/** The certificate the server presents (PEM), usable as a CA bundle. */
export const certPath = join(fixtures, 'test-only-server.crt');

export interface SelfSignedServer {
  /** `https://127.0.0.1:PORT` */
  origin: string;
  close(): Promise<void>;
}

/** Listen on 127.0.0.1 (port 0), answering every request with `json` as application/json. */
export async function startSelfSignedServer(json: string): Promise<SelfSignedServer> {
  const server: Server = createServer(
    { key: await readFile(join(fixtures, 'test-only-server.key')), cert: await readFile(certPath) },
    (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(json);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
