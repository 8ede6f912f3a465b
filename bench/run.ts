/**
 * `pnpm run bench`: runs every benchmark script in this folder (each `*.ts` beside this file),
 * one after another in its own process, so one benchmark's heap and sockets never colour the
 * next one's figures. `--only a,b` runs the named scripts (file names without `.ts`); any other
 * argument is passed on to each script. A script that exits non-zero (a wrong count or hash)
 * makes the whole run fail after the rest have run.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',').filter(Boolean)) : null;
const passOn = onlyAt >= 0 ? [...args.slice(0, onlyAt), ...args.slice(onlyAt + 2)] : args;

const scripts = readdirSync(here)
  // dot-files are local scratch scripts (gitignored), never benchmarks
  .filter((f) => f.endsWith('.ts') && !f.startsWith('.') && f !== 'run.ts' && !f.endsWith('.d.ts'))
  .map((f) => basename(f, '.ts'))
  .filter((name) => !only || only.has(name))
  .sort();

if (only) {
  const unknown = [...only].filter((name) => !scripts.includes(name));
  if (unknown.length) {
    console.error(`bench: no benchmark named ${unknown.join(', ')} in ${here}`);
    process.exit(2);
  }
}

const failed: string[] = [];
for (const name of scripts) {
  console.log(`\n=== ${name} ===`);
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(here, `${name}.ts`), ...passOn],
    {
      stdio: 'inherit',
    },
  );
  if (run.status !== 0) failed.push(`${name} (exit ${run.status ?? run.signal})`);
}
if (failed.length) {
  console.error(`\nbench: failed: ${failed.join(', ')}`);
  process.exit(1);
}
