/**
 * Bundle size and cold start (not a test), side by side with openapi-fetch.
 *
 * Size: each entry is bundled from the built packages the way an app's bundler does (bundle,
 * split at `import()`, minify, ESM, browser platform), then gzipped (level 9), by two bundlers:
 * esbuild, and rolldown (the bundler of Vite 8, with its own minifier). They differ where it
 * matters here: esbuild ignores `sideEffects` once a build has more than one entry point, which
 * every `import()` makes (evanw/esbuild#1110), and keeps a chunk that a package's index merely
 * re-exports when a lazy chunk uses it (evanw/esbuild#2922); rolldown drops both. Three figures
 * per package: what a program that creates a client pays (`import { createApiClient }`,
 * `import { Client }`, openapi-fetch's `createClient`), and the whole entry (`export *`). Each is
 * the first load (the entry chunk and the chunks it imports statically, each gzipped on its
 * own), and apart from it what the app loads later through `import()`.
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
import { rolldown } from 'rolldown';
import { machine, numberArg, table } from './lib/report.ts';

const RUNS = numberArg('runs', 31);
const here = dirname(fileURLToPath(import.meta.url));

interface Size {
  min: number;
  gz: number;
  lazyMin: number;
  lazyGz: number;
}

/** A built chunk: its code and the chunks it imports statically (by name). */
interface Chunk {
  code: Uint8Array | string;
  imports: string[];
}

/**
 * Sum the chunks of one build: `first` is the entry chunk and the chunks it imports statically
 * (what loads before the app runs), `lazy` the rest, behind a dynamic `import()` (loaded on
 * first use, e.g. the operation table on the first call).
 */
function measure(chunks: Map<string, Chunk>, entry: string): Size {
  const first = new Set<string>();
  const visit = (name: string): void => {
    if (first.has(name)) return;
    first.add(name);
    for (const i of chunks.get(name)!.imports) visit(i);
  };
  visit(entry);
  const size = { min: 0, gz: 0, lazyMin: 0, lazyGz: 0 };
  for (const [name, chunk] of chunks) {
    const bytes = typeof chunk.code === 'string' ? Buffer.from(chunk.code) : chunk.code;
    const gz = gzipSync(bytes, { level: 9 }).byteLength;
    if (first.has(name)) {
      size.min += bytes.byteLength;
      size.gz += gz;
    } else {
      size.lazyMin += bytes.byteLength;
      size.lazyGz += gz;
    }
  }
  return size;
}

async function withEsbuild(source: string): Promise<Size> {
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
  const chunks = new Map<string, Chunk>();
  for (const [name, output] of Object.entries(outputs)) {
    if (name.endsWith('.map')) continue;
    const imports = output.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path);
    chunks.set(name, { code: files.get(name)!, imports });
  }
  // every `import()` target is an entry point too: the app's own is the one built from stdin
  const entry = Object.keys(outputs).find((name) => outputs[name]!.entryPoint === '<stdin>')!;
  return measure(chunks, entry);
}

async function withRolldown(source: string): Promise<Size> {
  // The entry is a module that exists only here, resolved as if it sat in bench/.
  const id = join(here, '.bundle-size-entry.js');
  const bundle = await rolldown({
    input: id,
    platform: 'browser',
    logLevel: 'silent',
    plugins: [
      {
        name: 'entry',
        resolveId: (spec) => (spec === id ? id : null),
        load: (file) => (file === id ? source : null),
      },
    ],
  });
  const { output } = await bundle.generate({ format: 'esm', minify: true });
  await bundle.close();
  const chunks = new Map<string, Chunk>();
  let entry = '';
  for (const item of output) {
    if (item.type !== 'chunk') continue;
    chunks.set(item.fileName, { code: item.code, imports: item.imports });
    if (item.isEntry) entry = item.fileName;
  }
  return measure(chunks, entry);
}

// two decimals: the goals (10 kB, 35 kB) are close enough that one decimal rounds across them
const kB = (n: number): string => (n / 1000).toFixed(2);
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
const bundlers: [string, (source: string) => Promise<Size>][] = [
  ['esbuild', withEsbuild],
  ['rolldown', withRolldown],
];
// openapi-fetch's own size under each bundler, which each row is compared with
const peers = new Map<string, Size>();
for (const [bundler, bundled] of bundlers) peers.set(bundler, await bundled(entries[0]![1]));
const rows: string[][] = [];
for (const [name, source] of entries) {
  for (const [bundler, bundled] of bundlers) {
    const peer = peers.get(bundler)!;
    const size = await bundled(source);
    rows.push([
      name,
      bundler,
      kB(size.min),
      kB(size.gz),
      (size.gz / peer.gz).toFixed(1),
      size.lazyMin ? `${kB(size.lazyMin)} / ${kB(size.lazyGz)}` : '—',
    ]);
  }
}
console.log(
  '\nbundle, split at import(), minify; ESM, browser platform; gzip -9 (kB = 1000 bytes);\n' +
    'first load = the entry chunk and its static imports; lazy = chunks behind import()',
);
console.log(
  table(
    ['entry', 'bundler', 'min kB', 'min+gz kB', '× openapi-fetch', 'lazy min / min+gz kB'],
    rows,
  ),
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
