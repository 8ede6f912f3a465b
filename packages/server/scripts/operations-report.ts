/**
 * Which spec operations the local server implements, per module (the spec's first tag), from
 * the same sources as `spec:coverage`: `implementedOperations()` and the bundled spec.
 *
 *   npx tsx scripts/operations-report.ts            # summary per module + unimplemented ops
 *   npx tsx scripts/operations-report.ts --all      # also list the implemented ops
 *   npx tsx scripts/operations-report.ts --markdown # the table for README.md
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { implementedOperations } from '../src/index.js';

interface Op {
  id: string;
  method: string;
  path: string;
  module: string;
}

const spec = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../../openapi/flywheel.openapi.json', import.meta.url)),
    'utf8',
  ),
) as { paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>> };

const ops: Op[] = [];
for (const [path, item] of Object.entries(spec.paths))
  for (const [method, op] of Object.entries(item)) {
    if (!op?.operationId) continue;
    ops.push({
      id: op.operationId,
      method: method.toUpperCase(),
      path,
      module: op.tags?.[0] ?? '(none)',
    });
  }

const done = new Set(implementedOperations());
const modules = new Map<string, Op[]>();
for (const op of ops) modules.set(op.module, [...(modules.get(op.module) ?? []), op]);
const names = [...modules.keys()].sort();
const all = process.argv.includes('--all');
const markdown = process.argv.includes('--markdown');
const served = ops.filter((o) => done.has(o.id)).length;

if (markdown) {
  console.log('| module | implemented | not implemented (501) |');
  console.log('|---|---|---|');
  for (const m of names) {
    const list = modules.get(m)!;
    const missing = list.filter((o) => !done.has(o.id)).map((o) => `\`${o.id}\``);
    console.log(
      `| ${m} | ${list.length - missing.length}/${list.length} | ${missing.join(', ') || '—'} |`,
    );
  }
  console.log(`\nserver: ${served}/${ops.length}`);
} else {
  for (const m of names) {
    const list = modules.get(m)!;
    const n = list.filter((o) => done.has(o.id)).length;
    console.log(`${m}: ${n}/${list.length}`);
    for (const o of list)
      if (all || !done.has(o.id))
        console.log(`  ${done.has(o.id) ? '+' : '-'} ${o.id}  ${o.method} ${o.path}`);
  }
  console.log(`server: ${served}/${ops.length}`);
}
