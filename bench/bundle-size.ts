/**
 * Bundle size and cold start (not a test), side by side with openapi-fetch.
 *
 * Size: each entry is bundled by esbuild from the built packages (`--bundle --splitting
 * --minify`, ESM, browser platform, so `sideEffects: false` tree-shaking applies as in an app's
 * bundler), then gzipped (level 9). Two figures per package: what a program that creates a
 * client pays (`import { createApiClient }`, `import { Client }`, openapi-fetch's
 * `createClient`), and the whole entry (`export *`). Each is the first load (the entry chunk and
 * the chunks it imports statically, each gzipped on its own), and apart from it what the app
 * loads later through `import()`.
 *
 * Cold import: fresh `node` processes that only `await import(name)`, interleaved, many runs;
 * the wall time of the whole process (what a CLI pays) and, inside it, the import alone.
 *
 *   npx tsx bench/bundle-size.ts [--runs 31]
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { machine, numberArg, table } from './lib/report.ts';

const RUNS = numberArg('runs', 31);
const here = dirname(fileURLToPath(import.meta.url));

/**
 * An app's bundle of `source`, split the way bundlers split it: `first` is the entry chunk and
 * the chunks it imports statically (what loads before the app runs), `lazy` the chunks behind a
 * dynamic `import()` (loaded on first use, e.g. the operation table on the first call).
 */
async function bundled(
  source: string,
): Promise<{ min: number; gz: number; lazyMin: number; lazyGz: number }> {
  const out = await build({
    stdin: { contents: source, resolveDir: here, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    outdir: join(here, '.bundle-size'),
    metafile: true,
    write: false,
    logLevel: 'error',
  });
  const files = new Map(out.outputFiles.map((f) => [relative(process.cwd(), f.path), f.contents]));
  const outputs = out.metafile!.outputs;
  const entry = Object.keys(outputs).find((name) => outputs[name]!.entryPoint !== undefined)!;
  const first = new Set<string>();
  const visit = (name: string): void => {
    if (first.has(name)) return;
    first.add(name);
    for (const i of outputs[name]!.imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  const size = { min: 0, gz: 0, lazyMin: 0, lazyGz: 0 };
  for (const name of Object.keys(outputs)) {
    if (name.endsWith('.map')) continue;
    const code = files.get(name)!;
    const gz = gzipSync(code, { level: 9 }).byteLength;
    if (first.has(name)) {
      size.min += code.byteLength;
      size.gz += gz;
    } else {
      size.lazyMin += code.byteLength;
      size.lazyGz += gz;
    }
  }
  return size;
}

const kB = (n: number): string => (n / 1000).toFixed(1);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const entries: [string, string][] = [
  ['openapi-fetch: createClient', `export { default } from 'openapi-fetch';`],
  ['@fw/api: createApiClient', `export { createApiClient } from '@fw/api';`],
  ['@fw/api: whole entry', `export * from '@fw/api';`],
  ['@fw/sdk: Client', `export { Client } from '@fw/sdk';`],
  ['@fw/sdk: whole entry', `export * from '@fw/sdk';`],
];

console.log(`bundle size and cold import: ${machine()}`);
const peer = await bundled(entries[0]![1]);
const rows: string[][] = [];
for (const [name, source] of entries) {
  const size = await bundled(source);
  rows.push([
    name,
    kB(size.min),
    kB(size.gz),
    (size.gz / peer.gz).toFixed(1),
    size.lazyMin ? `${kB(size.lazyMin)} / ${kB(size.lazyGz)}` : '—',
  ]);
}
console.log(
  '\nesbuild --bundle --splitting --minify, ESM, browser platform; gzip -9 (kB = 1000 bytes);\n' +
    'first load = the entry chunk and its static imports; lazy = chunks behind import()',
);
console.log(
  table(['entry', 'min kB', 'min+gz kB', '× openapi-fetch', 'lazy min / min+gz kB'], rows),
);

// Cold import: each run a fresh process; the names are interleaved run by run.
const names = ['openapi-fetch', '@fw/api', '@fw/sdk', '@fw/sdk/node'];
const script =
  'const t = performance.now(); await import(process.argv[1]); ' +
  'process.stdout.write(String(performance.now() - t));';
const wall = new Map(names.map((n) => [n, [] as number[]]));
const inner = new Map(names.map((n) => [n, [] as number[]]));
for (let run = 0; run < RUNS; run++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(run + i) % names.length]!;
    const t0 = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, name], {
      cwd: here,
      encoding: 'utf8',
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (child.status !== 0) throw new Error(`import(${name}) failed: ${child.stderr}`);
    wall.get(name)!.push(ms);
    inner.get(name)!.push(Number(child.stdout));
  }
}
const peerWall = median(wall.get('openapi-fetch')!);
console.log(`\ncold import, ${RUNS} fresh processes each (interleaved); medians, [min–max]`);
console.log(
  table(
    ['module', 'process ms', 'spread', '× openapi-fetch', 'import() ms', 'spread'],
    names.map((n) => {
      const w = wall.get(n)!;
      const m = inner.get(n)!;
      return [
        n,
        median(w).toFixed(1),
        `${Math.min(...w).toFixed(0)}–${Math.max(...w).toFixed(0)}`,
        (median(w) / peerWall).toFixed(2),
        median(m).toFixed(1),
        `${Math.min(...m).toFixed(1)}–${Math.max(...m).toFixed(1)}`,
      ];
    }),
  ),
);
