/**
 * The embedded server plus the seeded demo site: what the demo, the standalone examples and the
 * tests all run against when no real Flywheel site is given.
 */
import { startServer, type EngineOptions } from '@fw/server';
import { Client } from '@fw/sdk/node';
import { ensureDemoSite, type SeedOptions, type SeedSummary } from '../seed/seed-site.ts';

/** The server's `engine` option: `true`, or the engine's own options. */
export type EngineSetting = true | EngineOptions;

export interface DemoServer {
  url: string;
  apiKey: string;
  dataDir: string;
  client: Client;
  /** What seeding created, or 'already-seeded' when a kept data folder had the site already. */
  seeded: SeedSummary | 'already-seeded';
  close(): Promise<void>;
}

/** Start `@fw/server` in-process on a free port and seed the demo site. */
export async function startDemoServer(
  options: { dataDir?: string; engine?: EngineSetting } & SeedOptions = {},
): Promise<DemoServer> {
  const { dataDir, engine, ...seedOptions } = options;
  const server = await startServer({
    port: 0,
    ...(dataDir ? { dataDir } : {}),
    // `engine` runs queued jobs of local gears (the gears example needs it).
    ...(engine ? { engine } : {}),
  });
  try {
    const client = new Client(server.apiKey);
    const seeded = await ensureDemoSite(client, seedOptions);
    return {
      url: server.url,
      apiKey: server.apiKey,
      dataDir: server.dataDir,
      client,
      seeded,
      close: () => server.close(),
    };
  } catch (err) {
    await server.close();
    throw err;
  }
}
