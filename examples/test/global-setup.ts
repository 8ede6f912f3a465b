import type { TestProject } from 'vitest/node';
import type { SeedSummary } from '../src/seed/seed-site.ts';
import { startDemoServer } from '../src/site/demo-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    demo: { url: string; apiKey: string; seeded: SeedSummary };
  }
}

/** Starts the embedded server and seeds the demo site once for every test file. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startDemoServer();
  if (server.seeded === 'already-seeded')
    throw new Error('a fresh test server should not already hold the demo site');
  project.provide('demo', { url: server.url, apiKey: server.apiKey, seeded: server.seeded });
  return () => server.close();
}
