/**
 * How many spec operations `@fw/server` implements, read from its route table
 * (`implementedOperations()`, imported from the server's sources: no build, no server, no
 * database). Keys are method + path with path parameter names dropped, as in the coverage report.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './generated.ts';
import { listOperations } from './spec-coverage.ts';

export async function serverOperations(spec: unknown): Promise<Set<string>> {
  const entry = join(repoRoot, 'packages', 'server', 'src', 'index.ts');
  const mod = (await import(pathToFileURL(entry).href)) as {
    implementedOperations: () => Iterable<string>;
  };
  const ids = new Set(mod.implementedOperations());
  return new Set(
    listOperations(spec)
      .filter((o) => ids.has(o.operationId))
      .map((o) => o.key),
  );
}
