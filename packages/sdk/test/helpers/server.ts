/** Shared e2e setup: a fresh in-process @fw/server per test file, and a Node-entry Client. */
import { startServer, type RunningServer } from '@fw/server';

/** Options of `startServer` (e.g. `{ signedUrls: true }`). */
export type ServerOptions = NonNullable<Parameters<typeof startServer>[0]>;
import { afterAll, beforeAll } from 'vitest';
import { Client } from '../../src/node.js';

export interface ServerContext {
  server: RunningServer;
  fw: Client;
}

/** Start the server in `beforeAll` (with `options`), close it in `afterAll`; read the fields inside tests. */
export function useServer(options: ServerOptions = {}): ServerContext {
  const ctx = {} as ServerContext;
  beforeAll(async () => {
    ctx.server = await startServer({ port: 0, ...options });
    ctx.fw = new Client(ctx.server.apiKey);
  });
  afterAll(async () => {
    await ctx.server?.close();
  });
  return ctx;
}

let counter = 0;
/** A unique, readable name for test data. */
export function uniq(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** A lowercase group id unique to this run. */
export function groupId(prefix = 'grp'): string {
  return uniq(prefix)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '');
}
